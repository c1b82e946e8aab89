package io.github.idempotency.core.operation;

import io.github.idempotency.core.store.EntryKey;
import java.util.Objects;

/**
 * The identity of one operation: the scope it runs in and its idempotency key. Two calls share a
 * stored outcome only when both are equal.
 *
 * <p>The key follows the rule of HTTP idempotency keys: 1 to {@value #MAX_KEY_LENGTH} characters of
 * visible ASCII ({@code U+0020} to {@code U+007E}, so space, quotes, backslashes and commas are
 * allowed). A message consumer usually takes the message id, or an id the producer put in the
 * message. The scope says what kind of operation the key belongs to ({@code payments.charge}), so
 * that the same message id used by two consumers names two operations; any string, the empty
 * string included.
 *
 * @param scope the scope, any string
 * @param key the idempotency key
 */
public record OperationKey(String scope, String key) {

    /** The most characters a key may have. */
    public static final int MAX_KEY_LENGTH = 255;

    /**
     * @throws NullPointerException if {@code scope} or {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty, longer than {@value #MAX_KEY_LENGTH}
     *     characters, or has a character outside {@code U+0020} to {@code U+007E}; the message says
     *     which character and where (the key itself is not repeated)
     */
    public OperationKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("an operation key must not be empty: use an id of the operation, such as"
                    + " the message id, the same on every delivery");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("an operation key has at most " + MAX_KEY_LENGTH
                    + " characters, this one has " + key.length() + "; use a shorter id, such as a UUID or a digest");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException(String.format("an operation key is visible ASCII (U+0020 to U+007E),"
                        + " this one has U+%04X at position %d (counted from 1); encode the id, for example as hex",
                        (int) c, i + 1));
            }
        }
    }

    /**
     * @param scope the scope, any string
     * @param key the idempotency key
     * @return the operation key
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static OperationKey of(String scope, String key) {
        return new OperationKey(scope, key);
    }

    /**
     * The key of an operation run for an HTTP request that holds a claim: the request's
     * {@code Idempotency-Key}, in a scope made of the operation's scope and the request's, so that
     * two clients (two principals, two routes) sending the same key name two operations. A retry of
     * the request, even one that runs its handler again after the first attempt's process died
     * before its response was stored, then finds the operation's stored result; with the JDBC
     * store's transactional mode, that result committed with the operation's writes.
     *
     * <p>The scope is {@code http }, the length of {@code scope}, {@code :}, {@code scope} and the
     * request's scope ({@code http 15:payments.createp5:alice4:POST/payments}); the adapters keep
     * the request's entry key under {@link io.github.idempotency.core.Proceed#ENTRY_KEY_ATTRIBUTE}.
     *
     * @param scope the operation's scope, any string
     * @param request the scope and key the request claimed ({@link io.github.idempotency.core.Proceed#entryKey()})
     * @return the operation key
     */
    public static OperationKey forRequest(String scope, EntryKey request) {
        Objects.requireNonNull(scope, "scope");
        return new OperationKey("http " + scope.length() + ':' + scope + request.scope(), request.key());
    }
}
