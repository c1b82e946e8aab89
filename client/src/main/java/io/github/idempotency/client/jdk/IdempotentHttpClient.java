package io.github.idempotency.client.jdk;

import io.github.idempotency.client.Attempts;
import io.github.idempotency.client.IdempotencyHeaders;
import io.github.idempotency.client.RetryPolicy;
import io.github.idempotency.client.Sleeper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Sends requests through a {@link HttpClient} with one {@code Idempotency-Key} per call to
 * {@link #send}, the same on every attempt, retrying what the {@link RetryPolicy} allows. A wrapper,
 * since {@code HttpClient} has no interceptors. Thread-safe: calls may run concurrently, each with its
 * own key and attempts.
 *
 * <p>Each attempt sends the same {@link HttpRequest}, so its body publisher must give the same bytes
 * each time ({@code BodyPublishers.ofString}, {@code ofByteArray} and {@code ofFile} do; {@code
 * ofInputStream} of a stream that is read once does not). The request's own timeout bounds each
 * attempt. The body of a response that is retried is discarded; only the answer's body is given to the
 * caller's {@link BodyHandler}.
 */
public final class IdempotentHttpClient {

    private final HttpClient client;
    private final RetryPolicy policy;
    private final Supplier<String> keys;
    private final Sleeper sleeper;
    private final Clock clock;
    private final RandomGenerator random;

    private IdempotentHttpClient(Builder builder) {
        client = builder.client;
        policy = builder.policy;
        keys = builder.keys;
        sleeper = builder.sleeper;
        clock = builder.clock;
        random = builder.random;
    }

    /**
     * @param client the client that sends every attempt
     * @return a builder with the {@link RetryPolicy#defaults()}
     */
    public static Builder builder(HttpClient client) {
        return new Builder(client);
    }

    /**
     * Sends one logical operation with its own key: the request's {@code Idempotency-Key} when it has
     * one (the caller's), else a new one from the key supplier (a random UUID by default).
     *
     * @param request the request of every attempt
     * @param handler turns the answer's body into a {@code T}
     * @param <T> the body type
     * @return the answer, with the key, the number of attempts and whether it was a replay
     * @throws IOException the failure of the only attempt, or an
     *     {@link io.github.idempotency.client.AttemptsFailedException} after several
     * @throws InterruptedException if interrupted while sending or waiting
     */
    public <T> IdempotentResponse<T> send(HttpRequest request, BodyHandler<T> handler)
            throws IOException, InterruptedException {
        Optional<String> given = request.headers().firstValue(IdempotencyHeaders.KEY);
        return given.isPresent() || !policy.guards(request.method())
                ? sendWithKey(request, handler, given.orElse(""))
                : send(request, handler, keys.get());
    }

    /**
     * Sends one logical operation with the caller's key, for example one kept with the order it pays
     * for, so that a retry after a restart of the caller still carries it.
     *
     * @param request the request of every attempt, without an {@code Idempotency-Key}
     * @param handler turns the answer's body into a {@code T}
     * @param key the operation's key
     * @param <T> the body type
     * @return the answer, with the key, the number of attempts and whether it was a replay
     * @throws IllegalArgumentException if the request already has an {@code Idempotency-Key}
     * @throws IOException the failure of the only attempt, or an
     *     {@link io.github.idempotency.client.AttemptsFailedException} after several
     * @throws InterruptedException if interrupted while sending or waiting
     */
    public <T> IdempotentResponse<T> send(HttpRequest request, BodyHandler<T> handler, String key)
            throws IOException, InterruptedException {
        Objects.requireNonNull(key, "key");
        if (request.headers().firstValue(IdempotencyHeaders.KEY).isPresent()) {
            throw new IllegalArgumentException("the request already has an " + IdempotencyHeaders.KEY
                    + " header: pass the key either in the request or as the argument, not both");
        }
        HttpRequest keyed = HttpRequest.newBuilder(request, (name, value) -> true)
                .header(IdempotencyHeaders.KEY, key)
                .build();
        return sendWithKey(keyed, handler, key);
    }

    private <T> IdempotentResponse<T> sendWithKey(HttpRequest request, BodyHandler<T> handler, String key)
            throws IOException, InterruptedException {
        if (!policy.guards(request.method())) {
            HttpResponse<T> response = client.send(request, handler);
            return new IdempotentResponse<>(response, key, 1, Attempts.isReplay(header(response.headers())));
        }
        Attempts attempts = policy.start(request.method(), request.uri(), key, clock, random);
        HttpResponse<T> answer = attempts.run(sleeper, () -> {
            // Decided from the status and headers, before the body is read: a retried body is discarded.
            Duration[] retryIn = new Duration[1];
            HttpResponse<T> response = client.send(request, info -> {
                retryIn[0] = attempts.retryAfterResponse(info.statusCode(), header(info.headers())).orElse(null);
                return retryIn[0] == null ? handler.apply(info) : BodySubscribers.replacing(null);
            });
            return retryIn[0] == null ? Attempts.Step.answer(response) : Attempts.Step.retry(retryIn[0]);
        });
        return new IdempotentResponse<>(answer, key, attempts.count(), Attempts.isReplay(header(answer.headers())));
    }

    private static java.util.function.Function<String, String> header(java.net.http.HttpHeaders headers) {
        return name -> headers.firstValue(name).orElse(null);
    }

    /** Builds an {@link IdempotentHttpClient}; not thread-safe. */
    public static final class Builder {

        private final HttpClient client;
        private RetryPolicy policy = RetryPolicy.defaults();
        private Supplier<String> keys = () -> UUID.randomUUID().toString();
        private Sleeper sleeper = Sleeper.threadSleep();
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = RandomGenerator.getDefault();

        private Builder(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
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

        /** @param sleeper waits between attempts (default {@link Sleeper#threadSleep()}) */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** @param clock the time, for the policy's time bound and {@code Retry-After} dates (default UTC) */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param random the source of the backoff's jitter */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** @return the client */
        public IdempotentHttpClient build() {
            return new IdempotentHttpClient(this);
        }
    }
}
