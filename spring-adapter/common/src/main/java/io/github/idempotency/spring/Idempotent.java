package io.github.idempotency.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Guards a Spring MVC handler method with an {@code Idempotency-Key}: the first request with a key
 * runs the handler and its response is stored; every retry with the same key and the same request
 * gets that response replayed byte for byte, with {@code Idempotent-Replayed: true}, and the
 * handler does not run again.
 *
 * <p>On a controller class it guards every handler method of that class; an annotation on the
 * method takes precedence over the one on the class (attributes are not merged). Handlers without
 * the annotation are untouched: their requests are neither buffered nor looked up in the store.
 *
 * <p>Every attribute left at its default takes the application-wide setting (the
 * {@code idempotency.*} properties under Spring Boot, see {@code IdempotencyProperties}).
 * Durations are written as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 7d} or
 * in ISO-8601 ({@code PT10M}); a value that is not a duration fails the first request to the
 * handler with an {@link IllegalStateException} naming the handler and the attribute.
 *
 * <pre>{@code
 * @PostMapping("/payments")
 * @Idempotent(keyRequired = true, ttl = "48h")
 * ResponseEntity<Payment> create(@RequestBody PaymentRequest request) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

    /**
     * @return the guarded HTTP methods; other methods reaching the handler pass through untouched.
     *     Empty (the default) takes the configured methods ({@code POST} and {@code PATCH} unless
     *     configured otherwise), so a {@code PUT} or {@code DELETE} handler names its method here.
     */
    String[] methods() default {};

    /**
     * @return {@code true} to answer a request without a key with {@code 400}; {@code false} (the
     *     default) takes the configured setting, which by default lets such a request run without
     *     idempotency, as if the library were absent
     */
    boolean keyRequired() default false;

    /**
     * @return how long the stored response is kept and replayed; empty (the default) takes the
     *     configured TTL (24 h unless configured otherwise)
     */
    String ttl() default "";

    /**
     * @return which final responses are stored and replayed; {@link Storage#CONFIGURED} (the
     *     default) takes the configured policy
     */
    Storage storage() default Storage.CONFIGURED;

    /**
     * @return how long a duplicate that arrives while the first request still runs waits for its
     *     response: {@code 0s} answers {@code 409} with {@code Retry-After} at once, a positive
     *     duration waits up to that long and then replays the response or answers {@code 409}.
     *     Empty (the default) takes the configured concurrency policy.
     */
    String maxWait() default "";

    /**
     * @return {@code true} to compare JSON bodies in canonical form (key order, white space and
     *     number notation do not matter); a body that is not JSON is compared as bytes.
     *     Default {@code false}: bodies are compared byte for byte.
     */
    boolean canonicalJson() default false;

    /**
     * @return request headers (case-insensitive) whose values must also match on a retry, for
     *     example {@code Accept-Language}; by default no header is compared
     */
    String[] includeHeaders() default {};

    /**
     * @return top-level JSON fields left out of the comparison, for example a client timestamp;
     *     implies {@link #canonicalJson()}. Default none.
     */
    String[] ignoreJsonFields() default {};

    /** Which final responses are stored and replayed to retries. */
    enum Storage {
        /** The application-wide setting ({@code idempotency.storage-policy}). */
        CONFIGURED,
        /**
         * Every final response except {@code 5xx}, {@code 408}, {@code 425} and {@code 429}; on
         * those the key is released and a retry runs the handler again.
         */
        DEFAULT,
        /** Every final response, server errors included (Stripe's behaviour). */
        ALL
    }
}
