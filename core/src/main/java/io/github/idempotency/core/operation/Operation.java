package io.github.idempotency.core.operation;

/**
 * The work {@link IdempotentOperations} runs at most once per key (while its record lives): a
 * payment, a message's effects, any call with effects that must not happen twice.
 *
 * <p>{@code E} is the checked exception the work may throw; for a lambda that throws none, Java
 * infers {@link RuntimeException}, so the call needs no {@code try}. Whatever the work throws
 * reaches the first caller unchanged.
 *
 * @param <T> the result, stored and returned to every later call with the same key
 * @param <E> the checked exception the work may throw
 */
@FunctionalInterface
public interface Operation<T, E extends Exception> {

    /**
     * @return the result; may be {@code null}
     * @throws E when the work fails
     */
    T run() throws E;
}
