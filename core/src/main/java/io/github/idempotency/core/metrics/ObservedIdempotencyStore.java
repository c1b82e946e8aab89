package io.github.idempotency.core.metrics;

import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.ForwardingClaim;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.StoredResponse;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A store whose calls are Micrometer {@link Observation}s, so that Micrometer Tracing (with its
 * Brave or OpenTelemetry bridge) shows them as spans of the request that made them, and an
 * observation handler may time them (an optional dependency: use this class only when
 * {@code micrometer-observation} is on the class path).
 *
 * <ul>
 *   <li>{@value #CLAIM}, one per guarded request that reaches the store: low-cardinality
 *       {@code outcome} = {@code new} (the request holds the key and runs), {@code replayed},
 *       {@code mismatch} (the key was used with another request), {@code in_flight} or
 *       {@code error} (the store failed).</li>
 *   <li>{@value #CALL}, one per later call on the claim: {@code operation} = {@code complete},
 *       {@code release} or {@code renew}; {@code result} = {@code success}, {@code fenced} (the
 *       claim had been taken over, nothing changed) or {@code error}.</li>
 * </ul>
 *
 * Each observation is a child of the observation current on the calling thread (the HTTP
 * server's, for a request), and the key never appears in it: it is the client's and unbounded.
 * Thread-safe.
 */
public final class ObservedIdempotencyStore implements IdempotencyStore {

    /** Name of the claim observation. */
    public static final String CLAIM = "idempotency.claim";

    /** Name of the observation of a call on a claim. */
    public static final String CALL = "idempotency.store.call";

    /** The result of a call on a claim: it changed the entry, or the claim had been taken over. */
    private static final Function<Boolean, String> RESULT = succeeded -> succeeded ? "success" : "fenced";

    private final IdempotencyStore store;
    private final ObservationRegistry registry;

    private ObservedIdempotencyStore(IdempotencyStore store, ObservationRegistry registry) {
        this.store = Objects.requireNonNull(store, "store");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * @param store the store to observe
     * @param registry where the observations go
     * @return {@code store}, observed; {@code store} itself when the registry is a no-op one
     */
    public static IdempotencyStore observe(IdempotencyStore store, ObservationRegistry registry) {
        return registry.isNoop() ? store : new ObservedIdempotencyStore(store, registry);
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        return observed(claimObservation(), "outcome", () -> store.claim(request), result -> outcome(request, result),
                this::observedClaim);
    }

    @Override
    public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
        return observedAsync(claimObservation(), "outcome", () -> store.claimAsync(request),
                result -> outcome(request, result), this::observedClaim);
    }

    @Override
    public void probe() {
        store.probe();
    }

    @Override
    public String toString() {
        return store.toString();
    }

    private Observation claimObservation() {
        return Observation.createNotStarted(CLAIM, registry).contextualName("idempotency claim");
    }

    private static String outcome(ClaimRequest request, ClaimResult result) {
        if (result instanceof ClaimResult.Acquired) {
            return "new";
        }
        boolean sameRequest = result instanceof ClaimResult.Completed completed
                ? completed.fingerprint().equals(request.fingerprint())
                : ((ClaimResult.InFlight) result).fingerprint().equals(request.fingerprint());
        return !sameRequest ? "mismatch" : result instanceof ClaimResult.Completed ? "replayed" : "in_flight";
    }

    /** @return {@code result}, its claim observed when it holds one */
    private ClaimResult observedClaim(ClaimResult result) {
        return result instanceof ClaimResult.Acquired acquired
                ? new ClaimResult.Acquired(new ObservedClaim(acquired.claim()))
                : result;
    }

    /**
     * Runs {@code call} as {@code observation}, current on the thread while it runs: the key
     * {@code key} is {@code describe} of the result, or {@code error} when it throws.
     *
     * @return {@code adapt} of the result
     */
    private static <T> T observed(Observation observation, String key, Supplier<T> call, Function<T, String> describe,
            UnaryOperator<T> adapt) {
        observation.start();
        try (Observation.Scope scope = observation.openScope()) {
            T result = call.get();
            observation.lowCardinalityKeyValue(key, describe.apply(result));
            return adapt.apply(result);
        } catch (RuntimeException e) {
            observation.lowCardinalityKeyValue(key, "error").error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    /**
     * The non-blocking form of {@link #observed}: the observation is current while {@code call}
     * sends, and stops when the stage completes, before the returned stage completes. That stage
     * is one of its own, completed with the store's exception as it is (a dependent stage would
     * wrap it).
     */
    private static <T> CompletionStage<T> observedAsync(Observation observation, String key,
            Supplier<CompletionStage<T>> call, Function<T, String> describe, UnaryOperator<T> adapt) {
        observation.start();
        CompletionStage<T> answer;
        try (Observation.Scope scope = observation.openScope()) {
            answer = call.get();
        }
        CompletableFuture<T> observed = new CompletableFuture<>();
        answer.whenComplete((result, failure) -> {
            if (failure != null) {
                observation.lowCardinalityKeyValue(key, "error").error(failure);
                observation.stop();
                observed.completeExceptionally(failure);
            } else {
                observation.lowCardinalityKeyValue(key, describe.apply(result));
                observation.stop();
                observed.complete(adapt.apply(result));
            }
        });
        return observed;
    }

    /** The calls on one claim, each observed. */
    private final class ObservedClaim extends ForwardingClaim {

        private final Claim claim;

        ObservedClaim(Claim claim) {
            super(claim);
            this.claim = claim;
        }

        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            return call("complete", () -> claim.complete(response, ttl));
        }

        @Override
        public boolean release() {
            return call("release", claim::release);
        }

        @Override
        public boolean renew(Duration lease) {
            return call("renew", () -> claim.renew(lease));
        }

        @Override
        public CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
            return callAsync("complete", () -> claim.completeAsync(response, ttl));
        }

        @Override
        public CompletionStage<Boolean> releaseAsync() {
            return callAsync("release", claim::releaseAsync);
        }

        @Override
        public CompletionStage<Boolean> renewAsync(Duration lease) {
            return callAsync("renew", () -> claim.renewAsync(lease));
        }

        private boolean call(String operation, Supplier<Boolean> call) {
            return observed(callObservation(operation), "result", call, RESULT, UnaryOperator.identity());
        }

        private CompletionStage<Boolean> callAsync(String operation, Supplier<CompletionStage<Boolean>> call) {
            return observedAsync(callObservation(operation), "result", call, RESULT, UnaryOperator.identity());
        }

        private Observation callObservation(String operation) {
            return Observation.createNotStarted(CALL, registry)
                    .contextualName("idempotency " + operation)
                    .lowCardinalityKeyValue("operation", operation);
        }
    }
}
