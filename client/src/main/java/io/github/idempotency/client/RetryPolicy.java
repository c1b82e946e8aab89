package io.github.idempotency.client;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Which requests get a key, and which of their outcomes are retried, how often and after how long.
 * Immutable and thread-safe; {@link #defaults()} or {@link #builder()}.
 *
 * <p>A request whose method is not in {@link #methods()} passes through untouched: no key, one
 * attempt. For the others, one key per logical operation is sent unchanged on every attempt, and an
 * attempt is retried when all of these hold:
 * <ul>
 *   <li>its response is not a replay ({@code Idempotent-Replayed: true}: the server answered with
 *       what it stored, a retry would get the same), and its status is in {@link #retryStatuses()},
 *       except that a {@code 409} is retried only with a {@code Retry-After} (the server library's
 *       "still in flight" answer always has one, an application's own conflict usually not);
 *       or it failed with an exception that {@link #retryOn()} accepts;</li>
 *   <li>fewer than {@link #maxAttempts()} attempts were made;</li>
 *   <li>the wait, added to the time since the first attempt started, stays within
 *       {@link #maxElapsed()}.</li>
 * </ul>
 * The wait is the response's {@code Retry-After} (seconds or HTTP date) when it has one, at most
 * {@link #maxRetryAfter()}; otherwise the {@link #backoff()}.
 *
 * @param methods the methods that get a key and retries, upper case
 * @param maxAttempts the most attempts per operation, the first included; at least 1
 * @param maxElapsed the longest an operation may take, from the start of its first attempt to the
 *     start of its last
 * @param backoff the wait before a retry when the response says nothing
 * @param maxRetryAfter the longest wait a {@code Retry-After} gets
 * @param retryStatuses the response statuses that are retried
 * @param retryOn the failures that are retried
 */
public record RetryPolicy(Set<String> methods, int maxAttempts, Duration maxElapsed, Backoff backoff,
        Duration maxRetryAfter, Set<Integer> retryStatuses, Predicate<Throwable> retryOn) {

    /** The statuses retried by default; see {@code docs/client.md} for why each. */
    public static final Set<Integer> DEFAULT_RETRY_STATUSES = Set.of(408, 409, 425, 429, 500, 502, 503, 504);

    public RetryPolicy {
        methods = Set.copyOf(Objects.requireNonNull(methods, "methods"));
        for (String method : methods) {
            if (!method.equals(method.toUpperCase(Locale.ROOT)) || method.isBlank()) {
                throw new IllegalArgumentException("methods must be upper case, like POST; was \"" + method + "\"");
            }
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts counts the first attempt and must be at least 1, was "
                    + maxAttempts);
        }
        requirePositive(maxElapsed, "maxElapsed");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must not be negative, was " + maxRetryAfter);
        }
        retryStatuses = Set.copyOf(Objects.requireNonNull(retryStatuses, "retryStatuses"));
        for (int status : retryStatuses) {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("retryStatuses must be HTTP statuses from 100 to 599, had " + status);
            }
            if (status == 400 || status == 422) {
                throw new IllegalArgumentException("retryStatuses must not contain " + status + ": the server answers "
                        + "it for a request that no retry can fix (a bad or reused key, a bad body)");
            }
        }
        Objects.requireNonNull(retryOn, "retryOn");
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }

    /**
     * @return {@code POST} and {@code PATCH}; 4 attempts within 30 s; {@link Backoff#defaults()};
     *     {@code Retry-After} up to 10 s; {@link #DEFAULT_RETRY_STATUSES}; {@link #isTransient}
     */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** @return a builder starting from the {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from this policy */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param method an HTTP method, any case
     * @return whether requests with this method get a key and retries
     */
    public boolean guards(String method) {
        return methods.contains(method.toUpperCase(Locale.ROOT));
    }

    /**
     * @param method the request's method
     * @param uri the request's URI, for messages
     * @param key the operation's key
     * @param clock the time, for the time bound and {@code Retry-After} dates
     * @param random the jitter's source
     * @return the attempts of one operation, started now
     */
    public Attempts start(String method, URI uri, String key, Clock clock, RandomGenerator random) {
        return new Attempts(this, method, uri, key, clock, random);
    }

    /**
     * The default {@link #retryOn()}: whether the failure, or one of its causes, is an
     * {@link IOException} (a refused or lost connection, a reset, a response cut short, an HTTP client
     * timeout) or a timeout ({@link TimeoutException}, or any exception whose class name ends in
     * {@code TimeoutException}, such as Netty's read timeout); except a TLS handshake or peer
     * verification failure, which a retry does not fix, and an {@link AttemptsFailedException}, whose
     * operation already retried.
     *
     * @param failure what an attempt threw
     * @return whether it is worth another attempt
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof AttemptsFailedException || cause instanceof SSLHandshakeException
                    || cause instanceof SSLPeerUnverifiedException) {
                return false;
            }
            if (cause instanceof IOException || cause instanceof TimeoutException
                    || cause.getClass().getSimpleName().endsWith("TimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /** Builds a {@link RetryPolicy}; not thread-safe. */
    public static final class Builder {

        private Set<String> methods = Set.of("POST", "PATCH");
        private int maxAttempts = 4;
        private Duration maxElapsed = Duration.ofSeconds(30);
        private Backoff backoff = Backoff.defaults();
        private Duration maxRetryAfter = Duration.ofSeconds(10);
        private Set<Integer> retryStatuses = DEFAULT_RETRY_STATUSES;
        private Predicate<Throwable> retryOn = RetryPolicy::isTransient;

        private Builder() {
        }

        private Builder(RetryPolicy policy) {
            methods = policy.methods;
            maxAttempts = policy.maxAttempts;
            maxElapsed = policy.maxElapsed;
            backoff = policy.backoff;
            maxRetryAfter = policy.maxRetryAfter;
            retryStatuses = policy.retryStatuses;
            retryOn = policy.retryOn;
        }

        /** @param methods the methods that get a key and retries (default {@code POST}, {@code PATCH}); any case */
        public Builder methods(String... methods) {
            this.methods = Arrays.stream(methods).map(m -> m.toUpperCase(Locale.ROOT))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            return this;
        }

        /** @param maxAttempts the most attempts, the first included (default 4) */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** @param maxElapsed the longest an operation may take until its last attempt starts (default 30 s) */
        public Builder maxElapsed(Duration maxElapsed) {
            this.maxElapsed = maxElapsed;
            return this;
        }

        /** @param backoff the wait when a response has no {@code Retry-After} (default {@link Backoff#defaults()}) */
        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        /** @param maxRetryAfter the longest wait a {@code Retry-After} gets (default 10 s) */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /** @param statuses the statuses to retry (default {@link #DEFAULT_RETRY_STATUSES}); never 400 or 422 */
        public Builder retryStatuses(Integer... statuses) {
            this.retryStatuses = Set.of(statuses);
            return this;
        }

        /** @param retryOn the failures to retry (default {@link RetryPolicy#isTransient}) */
        public Builder retryOn(Predicate<Throwable> retryOn) {
            this.retryOn = retryOn;
            return this;
        }

        /**
         * @return the policy
         * @throws IllegalArgumentException if a setting is out of range; the message names it
         */
        public RetryPolicy build() {
            return new RetryPolicy(methods, maxAttempts, maxElapsed, backoff, maxRetryAfter, retryStatuses, retryOn);
        }
    }
}
