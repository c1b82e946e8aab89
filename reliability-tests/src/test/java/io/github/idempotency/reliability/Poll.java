package io.github.idempotency.reliability;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Repeats an action until its result satisfies a condition, within a bound. For what is real time
 * by nature: a store's own expiry (leases), a client reconnecting after an outage.
 */
final class Poll {

    private static final long PAUSE_MILLIS = 50;

    private Poll() {
    }

    /**
     * @return the first result of {@code action} that satisfies {@code done}
     * @throws AssertionError naming {@code what} and the last result, when none did within {@code within}
     */
    static <T> T until(Duration within, String what, Callable<T> action, Predicate<? super T> done) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        T last;
        do {
            last = action.call();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(PAUSE_MILLIS);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + " did not happen within " + within + "; last result: " + last);
    }
}
