package io.github.idempotency.core.operation;

/**
 * An {@link Operation} without a result: its record says only that it ran.
 *
 * @param <E> the checked exception the work may throw ({@link RuntimeException} when it throws none)
 */
@FunctionalInterface
public interface VoidOperation<E extends Exception> {

    /** @throws E when the work fails */
    void run() throws E;
}
