package io.github.idempotency.core.operation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides which exceptions of an operation are its final outcome. A final exception is stored as
 * the key's record (its class name and message) and rethrown; every later call with the key gets a
 * {@link ReplayedFailureException} instead of running the operation. Any other exception releases
 * the key, so that a retry runs the operation again.
 *
 * <p>Only {@link Exception}s are asked about: an {@link Error} always releases the key. The default
 * is {@link #storeNone()}. Implementations are thread-safe and do not throw.
 */
@FunctionalInterface
public interface FailurePolicy {

    /**
     * @param failure what the operation threw
     * @return {@code true} to store it as the operation's outcome, {@code false} to release the key
     */
    boolean isFinal(Exception failure);

    /** @return every exception releases the key (the default): a retry runs the operation again */
    static FailurePolicy storeNone() {
        return failure -> false;
    }

    /**
     * @param isFinal which exceptions are final, for example a declined card
     * @return a policy storing the exceptions {@code isFinal} accepts
     */
    static FailurePolicy storeWhen(Predicate<? super Exception> isFinal) {
        Objects.requireNonNull(isFinal, "isFinal");
        return isFinal::test;
    }

    /**
     * @param types exception classes; their subclasses count too
     * @return a policy storing the exceptions that are instances of one of {@code types}
     */
    @SafeVarargs
    static FailurePolicy storeInstancesOf(Class<? extends Exception>... types) {
        List<Class<? extends Exception>> finalTypes = new ArrayList<>(types.length);
        for (Class<? extends Exception> type : types) {
            finalTypes.add(Objects.requireNonNull(type, "types"));
        }
        return failure -> finalTypes.stream().anyMatch(type -> type.isInstance(failure));
    }
}
