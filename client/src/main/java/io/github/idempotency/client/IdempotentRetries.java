package io.github.idempotency.client;

import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What every client binding shares: the {@link RetryPolicy}, where new keys come from, how the
 * blocking bindings wait, the clock and the jitter's source. Immutable and thread-safe;
 * {@link #defaults()} or {@link #builder()}.
 */
public final class IdempotentRetries {

    private final RetryPolicy policy;
    private final Supplier<String> keys;
    private final Sleeper sleeper;
    private final Clock clock;
    private final RandomGenerator random;

    private IdempotentRetries(Builder builder) {
        policy = builder.policy;
        keys = builder.keys;
        sleeper = builder.sleeper;
        clock = builder.clock;
        random = builder.random;
    }

    /** @return {@link RetryPolicy#defaults()}, random UUID keys, waits that block the thread, the UTC clock */
    public static IdempotentRetries defaults() {
        return builder().build();
    }

    /** @return a builder starting from the {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the policy */
    public RetryPolicy policy() {
        return policy;
    }

    /** @return how the blocking bindings wait between attempts */
    public Sleeper sleeper() {
        return sleeper;
    }

    /**
     * @param method the request's method
     * @return whether the policy gives requests with this method a key and retries
     */
    public boolean guards(String method) {
        return policy.guards(method);
    }

    /**
     * @param givenKey the key the caller put on the request, or {@code null} for none
     * @return {@code givenKey}, else a new key from the key supplier
     * @throws IllegalStateException if the key supplier returns a blank key
     */
    public String keyOr(String givenKey) {
        if (givenKey != null) {
            return givenKey;
        }
        String key = keys.get();
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("the key supplier returned \"" + key + "\": it must return a new, "
                    + "non-blank key on each call, such as UUID.randomUUID().toString()");
        }
        return key;
    }

    /**
     * @param method the request's method
     * @param uri the request's URI
     * @param key the operation's key
     * @return the attempts of one operation, started now
     */
    public Attempts start(String method, URI uri, String key) {
        return policy.start(method, uri, key, clock, random);
    }

    /** Builds {@link IdempotentRetries}; not thread-safe. */
    public static final class Builder {

        private RetryPolicy policy = RetryPolicy.defaults();
        private Supplier<String> keys = () -> UUID.randomUUID().toString();
        private Sleeper sleeper = Sleeper.threadSleep();
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = RandomGenerator.getDefault();

        private Builder() {
        }

        /** @param policy what is retried (default {@link RetryPolicy#defaults()}) */
        public Builder policy(RetryPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** @param keys makes the key of an operation whose request has none (default a random UUID) */
        public Builder keys(Supplier<String> keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /** @param sleeper how the blocking bindings wait between attempts (default {@link Sleeper#threadSleep()}) */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** @param clock the time, for the policy's time bound and {@code Retry-After} dates (default UTC) */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param random the source of the backoff's jitter (default {@link RandomGenerator#getDefault()}) */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** @return the settings */
        public IdempotentRetries build() {
            return new IdempotentRetries(this);
        }
    }
}
