package io.github.idempotency.core.metrics;

import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.StoredResponse;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

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
        Observation observation = claimObservation();
        observation.start();
        try (Observation.Scope scope = observation.openScope()) {
            return claimed(observation, request, store.claim(request));
        } catch (RuntimeException e) {
            observation.lowCardinalityKeyValue("outcome", "error").error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    @Override
    public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
        Observation observation = claimObservation();
        observation.start();
        CompletionStage<ClaimResult> answer;
        try (Observation.Scope scope = observation.openScope()) {
            answer = store.claimAsync(request);
        }
        CompletableFuture<ClaimResult> observed = new CompletableFuture<>();
        answer.whenComplete((result, failure) -> {
            try {
                if (failure != null) {
                    observation.lowCardinalityKeyValue("outcome", "error").error(failure);
                    observed.completeExceptionally(failure);
                } else {
                    observed.complete(claimed(observation, request, result));
                }
            } finally {
                observation.stop();
            }
        });
        return observed;
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

    private ClaimResult claimed(Observation observation, ClaimRequest request, ClaimResult result) {
        if (result instanceof ClaimResult.Acquired acquired) {
            observation.lowCardinalityKeyValue("outcome", "new");
            return new ClaimResult.Acquired(new ObservedClaim(acquired.claim()));
        }
        boolean sameRequest = result instanceof ClaimResult.Completed completed
                ? completed.fingerprint().equals(request.fingerprint())
                : ((ClaimResult.InFlight) result).fingerprint().equals(request.fingerprint());
        observation.lowCardinalityKeyValue("outcome", !sameRequest ? "mismatch"
                : result instanceof ClaimResult.Completed ? "replayed" : "in_flight");
        return result;
    }

    /** The calls on one claim, each observed. */
    private final class ObservedClaim implements Claim {

        private final Claim claim;

        ObservedClaim(Claim claim) {
            this.claim = claim;
        }

        @Override
        public EntryKey key() {
            return claim.key();
        }

        @Override
        public long fencingToken() {
            return claim.fencingToken();
        }

        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            return observed("complete", () -> claim.complete(response, ttl));
        }

        @Override
        public boolean release() {
            return observed("release", claim::release);
        }

        @Override
        public boolean renew(Duration lease) {
            return observed("renew", () -> claim.renew(lease));
        }

        @Override
        public CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
            return observedAsync("complete", () -> claim.completeAsync(response, ttl));
        }

        @Override
        public CompletionStage<Boolean> releaseAsync() {
            return observedAsync("release", claim::releaseAsync);
        }

        @Override
        public CompletionStage<Boolean> renewAsync(Duration lease) {
            return observedAsync("renew", () -> claim.renewAsync(lease));
        }

        @Override
        public String toString() {
            return claim.toString();
        }

        private boolean observed(String operation, Supplier<Boolean> call) {
            Observation observation = callObservation(operation);
            observation.start();
            try (Observation.Scope scope = observation.openScope()) {
                boolean succeeded = call.get();
                observation.lowCardinalityKeyValue("result", succeeded ? "success" : "fenced");
                return succeeded;
            } catch (RuntimeException e) {
                observation.lowCardinalityKeyValue("result", "error").error(e);
                throw e;
            } finally {
                observation.stop();
            }
        }

        private CompletionStage<Boolean> observedAsync(String operation, Supplier<CompletionStage<Boolean>> call) {
            Observation observation = callObservation(operation);
            observation.start();
            CompletionStage<Boolean> answer;
            try (Observation.Scope scope = observation.openScope()) {
                answer = call.get();
            }
            // A stage of its own, completed with the store's exception as it is (a dependent stage would wrap it).
            CompletableFuture<Boolean> observed = new CompletableFuture<>();
            answer.whenComplete((succeeded, failure) -> {
                if (failure != null) {
                    observation.lowCardinalityKeyValue("result", "error").error(failure);
                    observation.stop();
                    observed.completeExceptionally(failure);
                } else {
                    observation.lowCardinalityKeyValue("result", succeeded ? "success" : "fenced");
                    observation.stop();
                    observed.complete(succeeded);
                }
            });
            return observed;
        }

        private Observation callObservation(String operation) {
            return Observation.createNotStarted(CALL, registry)
                    .contextualName("idempotency " + operation)
                    .lowCardinalityKeyValue("operation", operation);
        }
    }
}
