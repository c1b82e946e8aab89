package io.github.idempotency.spring.testapp;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Holds the slow handler until a test opens the gate. Single use. */
public class Gate {

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    /**
     * Enters the gate and waits until a test opens it.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void pass() throws InterruptedException {
        entered.countDown();
        if (!opened.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never opened the gate");
        }
    }

    /**
     * @return whether a handler reached the gate within the time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitEntered() throws InterruptedException {
        return entered.await(30, TimeUnit.SECONDS);
    }

    /** Lets the waiting handler go on. */
    public void open() {
        opened.countDown();
    }
}
