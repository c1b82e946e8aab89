package io.github.idempotency.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Store calls as Micrometer observations, seen through the observation test kit: one per claim with
 * its outcome, one per call on the claim with its result, each a child of the observation current
 * when it was made, and the key nowhere.
 */
class ObservedIdempotencyStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final StoredResponse CREATED = new StoredResponse(201, List.of(), new byte[] {1});

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final IdempotencyStore store = ObservedIdempotencyStore.observe(InMemoryIdempotencyStore.create(), registry);

    @Test
    void eachClaimIsAnObservationWithItsOutcomeAndEachCallOnTheClaimOneWithItsResult() {
        Observation request = Observation.start("http.server.requests", registry);
        try (Observation.Scope scope = request.openScope()) {
            ClaimResult.Acquired first = (ClaimResult.Acquired) store.claim(claim("k-1", 1));
            assertThat(store.claim(claim("k-1", 1))).isInstanceOf(ClaimResult.InFlight.class);
            assertThat(store.claim(claim("k-1", 2))).isInstanceOf(ClaimResult.InFlight.class);
            first.claim().complete(CREATED, Duration.ofHours(1));
            assertThat(store.claim(claim("k-1", 1))).isInstanceOf(ClaimResult.Completed.class);
            assertThat(store.claim(claim("k-1", 2))).isInstanceOf(ClaimResult.Completed.class);
        } finally {
            request.stop();
        }

        assertThat(values(ObservedIdempotencyStore.CLAIM, "outcome"))
                .containsExactly("new", "in_flight", "mismatch", "replayed", "mismatch");
        assertThat(values(ObservedIdempotencyStore.CALL, "operation")).containsExactly("complete");
        assertThat(values(ObservedIdempotencyStore.CALL, "result")).containsExactly("success");
        assertThat(contexts()).filteredOn(c -> c.getName().startsWith("idempotency.")).hasSize(6)
                .allSatisfy(c -> {
                    assertThat(c.getParentObservation()).isSameAs(request);
                    assertThat(c.getAllKeyValues().toString()).doesNotContain("k-1");
                });
        TestObservationRegistryAssert.assertThat(registry)
                .hasObservationWithNameEqualTo(ObservedIdempotencyStore.CLAIM).that().hasBeenStarted().hasBeenStopped()
                .backToTestObservationRegistry()
                .hasObservationWithNameEqualTo(ObservedIdempotencyStore.CALL).that().hasBeenStarted().hasBeenStopped();
    }

    @Test
    void aCallOnAClaimThatWasTakenOverIsFencedAndAFailingStoreIsAnError() {
        ClaimResult.Acquired first = (ClaimResult.Acquired) store.claim(claim("k-2", 1));
        first.claim().release();
        IdempotencyStore failing = ObservedIdempotencyStore.observe(request -> {
            throw new IdempotencyStoreException("the store is down", null);
        }, registry);

        assertThat(first.claim().complete(CREATED, Duration.ofHours(1))).isFalse();
        assertThatThrownBy(() -> failing.claim(claim("k-3", 1))).isInstanceOf(IdempotencyStoreException.class);

        assertThat(values(ObservedIdempotencyStore.CALL, "result")).containsExactly("success", "fenced");
        assertThat(values(ObservedIdempotencyStore.CLAIM, "outcome")).containsExactly("new", "error");
        assertThat(contexts()).filteredOn(c -> "error".equals(lowCardinality(c, "outcome")))
                .singleElement().satisfies(c -> assertThat(c.getError()).hasMessage("the store is down"));
    }

    @Test
    void theAsynchronousFormsAreObservedWhenTheirStagesComplete() throws Exception {
        ClaimResult.Acquired first = (ClaimResult.Acquired) store.claimAsync(claim("k-4", 1))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(first.claim().completeAsync(CREATED, Duration.ofHours(1)).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isTrue();

        assertThat(values(ObservedIdempotencyStore.CLAIM, "outcome")).containsExactly("new");
        assertThat(values(ObservedIdempotencyStore.CALL, "result")).containsExactly("success");
    }

    @Test
    void aNoopRegistryLeavesTheStoreAsItIs() {
        IdempotencyStore memory = InMemoryIdempotencyStore.create();
        assertThat(ObservedIdempotencyStore.observe(memory, ObservationRegistry.NOOP)).isSameAs(memory);
    }

    private List<String> values(String name, String key) {
        return contexts().stream()
                .filter(c -> c.getName().equals(name))
                .map(c -> lowCardinality(c, key))
                .toList();
    }

    /** @return the contexts of every observation the registry handled, in the order they started */
    private List<Observation.Context> contexts() {
        List<Observation.Context> handled = new ArrayList<>();
        TestObservationRegistryAssert.assertThat(registry).hasHandledContextsThatSatisfy(handled::addAll);
        return handled;
    }

    private static String lowCardinality(Observation.Context context, String key) {
        return context.getLowCardinalityKeyValue(key) == null ? null : context.getLowCardinalityKeyValue(key).getValue();
    }

    private static ClaimRequest claim(String key, int fingerprint) {
        return new ClaimRequest(new EntryKey("p5:alice4:POST/payments", key), Fingerprint.of(new byte[] {(byte) fingerprint}),
                LEASE);
    }
}
