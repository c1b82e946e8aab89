package io.github.idempotency.core.protect;

import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;

/**
 * Changes what is stored of a response, not what its first client receives: values that must not
 * be kept (a card number, a one-time secret) are removed or replaced before the store sees the
 * response, so a replay gets the redacted form. {@link StoreProtection} marks such a replay with
 * {@value StoreProtection#REDACTED_HEADER}{@code : true}.
 *
 * <p>The cost: a replay is no longer byte for byte the first response, so a client that retried
 * gets a different body than it would have got the first time. Redact only what a replay must
 * not carry.
 *
 * <p>Implementations are thread-safe, and return {@code response} itself when there is nothing
 * to redact (the replay is then not marked).
 */
@FunctionalInterface
public interface ResponseRedactor {

    /**
     * @param key the entry the response is stored under
     * @param response the response as it went to the first client, after the headers that are not
     *     stored were dropped
     * @return what to store instead; {@code response} itself (or an equal one) when nothing changed
     */
    StoredResponse redact(EntryKey key, StoredResponse response);

    /**
     * @param paths field paths in JSON bodies, see {@link JsonFieldRedactor}
     * @return a redactor replacing the values at those paths with {@value JsonFieldRedactor#DEFAULT_REPLACEMENT}
     */
    static ResponseRedactor jsonFields(String... paths) {
        return JsonFieldRedactor.builder().paths(paths).build();
    }

    /** @return a redactor that changes nothing */
    static ResponseRedactor none() {
        return (key, response) -> response;
    }
}
