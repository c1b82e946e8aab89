package io.github.idempotency.spring.internal;

import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.RequestView;
import java.util.List;

/** Passes every event to several listeners in order. Thread-safe when they are. */
public final class CompositeIdempotencyListener implements IdempotencyListener {

    private final List<IdempotencyListener> listeners;

    private CompositeIdempotencyListener(List<IdempotencyListener> listeners) {
        this.listeners = listeners;
    }

    /**
     * @param listeners the listeners, in calling order
     * @return a listener calling all of them; {@link IdempotencyListener#none()} for none, the
     *     listener itself for one
     */
    public static IdempotencyListener of(List<IdempotencyListener> listeners) {
        return switch (listeners.size()) {
            case 0 -> IdempotencyListener.none();
            case 1 -> listeners.get(0);
            default -> new CompositeIdempotencyListener(List.copyOf(listeners));
        };
    }

    @Override
    public void onOutcome(Outcome outcome, RequestView request) {
        for (IdempotencyListener listener : listeners) {
            listener.onOutcome(outcome, request);
        }
    }

    @Override
    public void onStoreCall(StoreOperation operation, long nanos, boolean succeeded) {
        for (IdempotencyListener listener : listeners) {
            listener.onStoreCall(operation, nanos, succeeded);
        }
    }
}
