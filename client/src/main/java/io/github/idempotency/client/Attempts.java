package io.github.idempotency.client;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The attempts of one logical operation under a {@link RetryPolicy}: counts them, keeps the key they
 * all carry, and decides after each whether to retry and after how long. One instance per operation,
 * used by one attempt at a time (not thread-safe); {@link RetryPolicy#start} makes one.
 */
public final class Attempts {

    private final RetryPolicy policy;
    private final String method;
    private final URI uri;
    private final String key;
    private final Clock clock;
    private final RandomGenerator random;
    private final Instant started;
    private final List<Throwable> failures = new ArrayList<>();
    private int count;

    Attempts(RetryPolicy policy, String method, URI uri, String key, Clock clock, RandomGenerator random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.method = Objects.requireNonNull(method, "method");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.started = clock.instant();
    }

    /** Counts the attempt that is about to start. */
    public void begin() {
        count++;
    }

    /** @return the attempts begun so far */
    public int count() {
        return count;
    }

    /** @return the key every attempt carries */
    public String key() {
        return key;
    }

    /** @return the time since the operation started */
    public Duration elapsed() {
        return Duration.between(started, clock.instant());
    }

    /**
     * @param status the attempt's response status
     * @param header the response's first value of a header by name, or {@code null} when absent
     * @return the wait before the next attempt, or empty when this response is the answer
     */
    public Optional<Duration> retryAfterResponse(int status, Function<String, String> header) {
        if (isReplay(header) || !policy.retryStatuses().contains(status)) {
            return Optional.empty();
        }
        Optional<Duration> retryAfter = RetryAfter.parse(header.apply(IdempotencyHeaders.RETRY_AFTER), clock.instant());
        if (status == 409 && retryAfter.isEmpty()) {
            return Optional.empty();
        }
        return within(retryAfter.map(wait -> min(wait, policy.maxRetryAfter())).orElseGet(this::backoff));
    }

    /**
     * @param failure what the attempt threw
     * @return the wait before the next attempt, or empty when the operation ends with this failure
     */
    public Optional<Duration> retryAfterFailure(Throwable failure) {
        failures.add(failure);
        return policy.retryOn().test(failure) ? within(backoff()) : Optional.empty();
    }

    /**
     * @param last the last attempt's failure
     * @return {@code last} itself after a single attempt; otherwise an {@link AttemptsFailedException}
     *     caused by it, with the earlier failures suppressed
     */
    public Throwable failure(Throwable last) {
        if (count <= 1) {
            return last;
        }
        AttemptsFailedException failed = new AttemptsFailedException(method, uri, key, count, elapsed(), last);
        failures.stream().filter(f -> f != last).forEach(failed::addSuppressed);
        return failed;
    }

    /**
     * @param header the response's first value of a header by name, or {@code null} when absent
     * @return whether the response is a replay of a stored one ({@code Idempotent-Replayed: true})
     */
    public static boolean isReplay(Function<String, String> header) {
        return "true".equalsIgnoreCase(String.valueOf(header.apply(IdempotencyHeaders.REPLAYED)).trim());
    }

    private Duration backoff() {
        return policy.backoff().delay(count, random);
    }

    private Optional<Duration> within(Duration wait) {
        if (count >= policy.maxAttempts() || elapsed().plus(wait).compareTo(policy.maxElapsed()) > 0) {
            return Optional.empty();
        }
        return Optional.of(wait);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Runs the operation's attempts on the calling thread: each attempt, then the wait it asks for,
     * until one gives the answer or a failure ends the operation.
     *
     * @param sleeper waits between attempts
     * @param exchange one attempt
     * @param <R> the response type
     * @return the last attempt's answer
     * @throws IOException the only attempt's failure, or an {@link AttemptsFailedException} after several
     * @throws InterruptedException if interrupted while waiting or in an attempt
     */
    public <R> R run(Sleeper sleeper, Exchange<R> exchange) throws IOException, InterruptedException {
        while (true) {
            begin();
            Duration wait;
            try {
                Step<R> step = exchange.attempt();
                if (step.retryIn() == null) {
                    return step.answer();
                }
                wait = step.retryIn();
            } catch (IOException | RuntimeException e) {
                Optional<Duration> retry = retryAfterFailure(e);
                if (retry.isEmpty()) {
                    Throwable failure = failure(e);
                    if (failure instanceof IOException io) {
                        throw io;
                    }
                    throw (RuntimeException) failure;
                }
                wait = retry.get();
            }
            sleeper.sleep(wait);
        }
    }

    /**
     * One attempt of a blocking operation.
     *
     * @param <R> the response type
     */
    @FunctionalInterface
    public interface Exchange<R> {

        /**
         * @return the answer, or the wait before the next attempt (from {@link #retryAfterResponse})
         * @throws IOException if the attempt failed; {@link #run} decides whether to retry
         * @throws InterruptedException if interrupted
         */
        Step<R> attempt() throws IOException, InterruptedException;
    }

    /**
     * What one attempt came to: the answer ({@code retryIn} null) or a wait before the next attempt.
     *
     * @param answer the response to return, or {@code null} when retrying
     * @param retryIn the wait before the next attempt, or {@code null} for an answer
     * @param <R> the response type
     */
    public record Step<R>(R answer, Duration retryIn) {

        /** @return the answer */
        public static <R> Step<R> answer(R response) {
            return new Step<>(response, null);
        }

        /** @return a retry after {@code wait} */
        public static <R> Step<R> retry(Duration wait) {
            return new Step<>(null, Objects.requireNonNull(wait, "wait"));
        }
    }
}
