package io.github.idempotency.client.demo;

import io.github.idempotency.client.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Sleeper} that records each wait instead of sleeping, and can run an action on a given wait:
 * to let the server finish what the client waits for, and to wait for that (with a latch, not a clock).
 */
public final class RecordingSleeper implements Sleeper {

    /** What to do during a wait. */
    @FunctionalInterface
    public interface WaitAction {

        /** @throws InterruptedException if interrupted */
        void run() throws InterruptedException;
    }

    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final Map<Integer, WaitAction> actions = new ConcurrentHashMap<>();

    /**
     * @param wait which wait, from 1
     * @param action what to do during it, in place of sleeping
     * @return this sleeper
     */
    public RecordingSleeper during(int wait, WaitAction action) {
        actions.put(wait, action);
        return this;
    }

    @Override
    public void sleep(Duration wait) throws InterruptedException {
        waits.add(wait);
        WaitAction action = actions.get(waits.size());
        if (action != null) {
            action.run();
        }
    }

    /** @return every wait asked for, in order */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }
}
