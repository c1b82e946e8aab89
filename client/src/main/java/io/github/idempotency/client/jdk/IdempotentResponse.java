package io.github.idempotency.client.jdk;

import java.net.http.HttpResponse;
import java.util.Objects;

/**
 * The final answer of one logical operation.
 *
 * @param response the last attempt's response
 * @param key the key every attempt carried; empty for a method the policy does not guard
 * @param attempts how many attempts were made, 1 when none was retried
 * @param replayed whether the response is the server's replay of a stored one ({@code Idempotent-Replayed: true})
 * @param <T> the body type
 */
public record IdempotentResponse<T>(HttpResponse<T> response, String key, int attempts, boolean replayed) {

    public IdempotentResponse {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(key, "key");
    }

    /** @return the response's status */
    public int statusCode() {
        return response.statusCode();
    }

    /** @return the response's body */
    public T body() {
        return response.body();
    }
}
