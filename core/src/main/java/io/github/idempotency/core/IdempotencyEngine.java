package io.github.idempotency.core;

import io.github.idempotency.core.key.IdempotencyKey;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.StoredResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The framework-free entry point: given a request and its endpoint's policy, decides whether the
 * handler runs, a stored response is replayed, or the request is rejected; and after the handler,
 * stores or releases according to the policy.
 *
 * <p>Thread-safe; one engine serves the whole application. Build with {@link #builder(IdempotencyStore)}.
 */
public final class IdempotencyEngine implements AutoCloseable {

    /** The default request header carrying the key. */
    public static final String DEFAULT_KEY_HEADER = "Idempotency-Key";

    /** The header added to every replayed response, with the value {@code true}. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    /** The default base of problem type URIs. */
    public static final URI DEFAULT_PROBLEM_BASE = URI.create("https://idempotency.github.io/problems/");

    private IdempotencyEngine(Builder b) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * @param store where entries live
     * @return a builder with the documented defaults
     */
    public static Builder builder(IdempotencyStore store) {
        return new Builder(store);
    }

    /** @return the request header carrying the key */
    public String keyHeader() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decides what happens to one request. May read the request body (through
     * {@link RequestView#readBody}) when the request is guarded and carries a valid key. With a
     * waiting {@link ConcurrencyPolicy} it may block up to that policy's bound.
     *
     * @param request the request
     * @param policy the endpoint's policy
     * @return the decision; never throws for bad input or store failures (those are decisions)
     * @throws java.io.IOException if the request body cannot be read
     */
    public Decision decide(RequestView request, EndpointPolicy policy) throws java.io.IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Stops lease renewal (renewal for running handlers ends; their claims expire by lease). */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The state of one proceeding request; see {@link Proceed}. */
    final class Execution {
        IdempotencyKey key() {
            throw new UnsupportedOperationException("TODO");
        }

        long maxStoredBodyBytes() {
            throw new UnsupportedOperationException("TODO");
        }

        boolean complete(StoredResponse response) {
            throw new UnsupportedOperationException("TODO");
        }

        void release(Outcome why) {
            throw new UnsupportedOperationException("TODO");
        }
    }

    /** Builds an {@link IdempotencyEngine}. Not thread-safe. */
    public static final class Builder {
        private final IdempotencyStore store;
        private Clock clock = Clock.systemUTC();
        private ScopeResolver scopeResolver = ScopeResolver.principalMethodRoute();
        private StoreFailureMode storeFailureMode = StoreFailureMode.FAIL_CLOSED;
        private String keyHeader = DEFAULT_KEY_HEADER;
        private URI problemBase = DEFAULT_PROBLEM_BASE;
        private IdempotencyListener listener = IdempotencyListener.none();
        private Duration inFlightRetryAfter = Duration.ofSeconds(1);
        private Duration storeUnavailableRetryAfter = Duration.ofSeconds(5);
        private ScheduledExecutorService renewalScheduler;

        private Builder(IdempotencyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** @param clock the time source for waits (default UTC system clock) @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param resolver the scope resolver (default principal + method + route) @return this */
        public Builder scopeResolver(ScopeResolver resolver) {
            this.scopeResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** @param mode what happens when the store fails (default fail closed) @return this */
        public Builder storeFailureMode(StoreFailureMode mode) {
            this.storeFailureMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** @param name the request header carrying the key (default {@code Idempotency-Key}) @return this */
        public Builder keyHeader(String name) {
            this.keyHeader = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @param base the base URI of problem types (default {@value}) @return this */
        public Builder problemBase(URI base) {
            this.problemBase = Objects.requireNonNull(base, "base");
            return this;
        }

        /** @param listener observes decisions and store calls (default none) @return this */
        public Builder listener(IdempotencyListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @param retryAfter {@code Retry-After} of a {@code 409} (default 1 s) @return this */
        public Builder inFlightRetryAfter(Duration retryAfter) {
            this.inFlightRetryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
            return this;
        }

        /** @param retryAfter {@code Retry-After} of a {@code 503} (default 5 s) @return this */
        public Builder storeUnavailableRetryAfter(Duration retryAfter) {
            this.storeUnavailableRetryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
            return this;
        }

        /**
         * @param scheduler runs lease renewals (default: a single daemon thread owned and closed by
         *     the engine); a supplied scheduler is not shut down by {@link IdempotencyEngine#close()}
         * @return this
         */
        public Builder renewalScheduler(ScheduledExecutorService scheduler) {
            this.renewalScheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** @return the engine */
        public IdempotencyEngine build() {
            return new IdempotencyEngine(this);
        }
    }
}
