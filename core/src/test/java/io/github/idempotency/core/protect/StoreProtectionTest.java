package io.github.idempotency.core.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.TestRequest;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.metrics.MicrometerIdempotencyListener;
import io.github.idempotency.core.operation.IdempotentOperations;
import io.github.idempotency.core.operation.OperationKey;
import io.github.idempotency.core.problem.ProblemType;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InspectableStore;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.UnreadableRecordException;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link StoreProtection} and its keys over the in-memory store: the cases beyond the store contract. */
class StoreProtectionTest {

    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER_KEY = "another key, 32 bytes long......".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FINGERPRINT_KEY = "fingerprint key of 32 bytes.....".getBytes(StandardCharsets.US_ASCII);
    private static final EndpointPolicy POLICY = EndpointPolicy.builder().keyRequired(true).build();
    private static final StoredResponse CREATED = new StoredResponse(201,
            List.of(new ResponseHeader("Content-Type", "application/json")),
            "{\"id\":1,\"secret\":\"s\"}".getBytes(StandardCharsets.UTF_8));

    private final InMemoryIdempotencyStore memory = InMemoryIdempotencyStore.create();
    private IdempotencyEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static EncryptionKeys keys() {
        return EncryptionKeys.builder().key("k1", KEY).fingerprintKey(FINGERPRINT_KEY).build();
    }

    private static StoreProtection encrypted() {
        return StoreProtection.builder().encryption(keys()).build();
    }

    private IdempotencyEngine engine(IdempotencyStore store) {
        return engine(store, IdempotencyEngine.builder(store));
    }

    private IdempotencyEngine engine(IdempotencyStore store, IdempotencyEngine.Builder builder) {
        if (engine != null) {
            engine.close();
        }
        engine = builder.build();
        return engine;
    }

    private static TestRequest request(String key) {
        return TestRequest.post("/payments").withHeader("Idempotency-Key", key).withJsonBody("{\"amount\":1}");
    }

    private static void runAndStore(IdempotencyEngine engine, TestRequest request, StoredResponse response) throws IOException {
        Proceed proceed = assertThat(engine.decide(request, POLICY)).asInstanceOf(type(Proceed.class)).actual();
        assertThat(proceed.complete(response)).isTrue();
    }

    private static Decision decide(IdempotencyEngine engine, TestRequest request) throws IOException {
        return engine.decide(request, POLICY);
    }

    @Test
    void aDuplicateWhileTheFirstRunsGets409AndADifferentRequest422() throws IOException {
        IdempotencyEngine engine = engine(encrypted().protect(memory));
        Proceed first = (Proceed) decide(engine, request("a"));

        assertThat(((Decision.Reject) decide(engine, request("a"))).problem().kind()).isEqualTo(ProblemType.IN_FLIGHT);
        assertThat(((Decision.Reject) decide(engine, request("a").withJsonBody("{\"amount\":2}"))).problem().kind())
                .isEqualTo(ProblemType.FINGERPRINT_MISMATCH);
        first.complete(CREATED);
        assertThat(((Decision.Replay) decide(engine, request("a"))).response()).isEqualTo(CREATED);
    }

    @Test
    void theNonBlockingDecisionDecryptsAndAnswersUnreadableRecordsToo() throws Exception {
        IdempotencyEngine engine = engine(encrypted().protect(memory));
        Proceed proceed = (Proceed) engine.decideAsync(request("async"), POLICY).toCompletableFuture().get();
        assertThat(proceed.completeAsync(CREATED).toCompletableFuture().get()).isTrue();
        assertThat(((Decision.Replay) engine.decideAsync(request("async"), POLICY).toCompletableFuture().get()).response())
                .isEqualTo(CREATED);

        IdempotencyEngine rotatedAway = engine(StoreProtection.builder()
                .encryption(EncryptionKeys.builder().key("k2", OTHER_KEY).fingerprintKey(FINGERPRINT_KEY).build())
                .build().protect(memory));
        Decision decision = rotatedAway.decideAsync(request("async"), POLICY).toCompletableFuture().get();
        assertThat(decision).asInstanceOf(type(Decision.Reject.class))
                .extracting(r -> r.problem().kind()).isEqualTo(ProblemType.UNREADABLE_RECORD);
    }

    @Test
    void anUnreadableRecordIsCountedInTheMetricsAndNeverProceeds() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runAndStore(engine(encrypted().protect(memory)), request("m"), CREATED);
        IdempotencyStore wrongKey = StoreProtection.builder()
                .encryption(EncryptionKeys.builder().key("k1", OTHER_KEY).fingerprintKey(FINGERPRINT_KEY).build())
                .build().protect(memory);
        IdempotencyEngine engine = engine(wrongKey, IdempotencyEngine.builder(wrongKey)
                .listener(new MicrometerIdempotencyListener(registry)));

        Decision decision = decide(engine, request("m"));

        assertThat(decision).asInstanceOf(type(Decision.Reject.class)).satisfies(reject -> {
            assertThat(reject.problem().status()).isEqualTo(500);
            assertThat(reject.problem().type().toString()).endsWith("/stored-response-unreadable");
            assertThat(reject.problem().detail()).doesNotContain("k1");
        });
        assertThat(registry.get(MicrometerIdempotencyListener.OUTCOMES)
                .tag("outcome", Outcome.UNREADABLE_RECORD.tag()).counter().count()).isEqualTo(1);
    }

    @Test
    void anOperationWhoseStoredOutcomeCannotBeReadDoesNotRunAgain() {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        OperationKey key = OperationKey.of("reports", "r-1");
        try (IdempotentOperations operations = IdempotentOperations.builder(encrypted().protect(memory)).build()) {
            assertThat(operations.run(key, "in", String.class, () -> "run " + runs.incrementAndGet())).isEqualTo("run 1");
            assertThat(operations.run(key, "in", String.class, () -> "run " + runs.incrementAndGet())).isEqualTo("run 1");
        }
        IdempotencyStore otherKey = StoreProtection.builder()
                .encryption(EncryptionKeys.builder().key("k2", OTHER_KEY).fingerprintKey(FINGERPRINT_KEY).build())
                .build().protect(memory);
        try (IdempotentOperations operations = IdempotentOperations.builder(otherKey).build()) {
            assertThatThrownBy(() -> operations.run(key, "in", String.class, () -> "run " + runs.incrementAndGet()))
                    .isInstanceOf(UnreadableRecordException.class).hasMessageContaining("did not run again");
        }
        assertThat(runs).hasValue(1);
    }

    @Test
    void aRecordWrittenWithoutEncryptionIsUnreadableUnlessUnencryptedRecordsAreAccepted() throws IOException {
        runAndStore(engine(memory), request("old"), CREATED);

        assertThat(decide(engine(encrypted().protect(memory)), request("old"))).asInstanceOf(type(Decision.Reject.class))
                .extracting(r -> r.problem().kind()).isEqualTo(ProblemType.UNREADABLE_RECORD);
        IdempotencyStore migrating = StoreProtection.builder().encryption(keys()).acceptUnencryptedRecords(true).build()
                .protect(memory);
        assertThat(decide(engine(migrating), request("old"))).asInstanceOf(type(Decision.Replay.class))
                .extracting(Decision.Replay::response).isEqualTo(CREATED);
    }

    @Test
    void aRecordCopiedToAnotherEntryFailsAuthentication() {
        RecordCipher cipher = new RecordCipher(keys());
        EntryKey a = new EntryKey("alice", "k");
        EntryKey b = new EntryKey("bob", "k");
        Fingerprint stored = cipher.storedFingerprint(a, Fingerprint.of(new byte[] {1}));
        StoredResponse envelope = cipher.seal(a, stored, CREATED);

        assertThat(cipher.open(a, stored, envelope)).isEqualTo(CREATED);
        assertThatThrownBy(() -> cipher.open(b, stored, envelope)).isInstanceOf(UnreadableRecordException.class)
                .hasMessageContaining("failed authentication");
        assertThatThrownBy(() -> cipher.open(a, Fingerprint.of(new byte[] {2}), envelope))
                .isInstanceOf(UnreadableRecordException.class);
    }

    @Test
    void everyRecordHasAFreshNonce() {
        RecordCipher cipher = new RecordCipher(keys());
        EntryKey a = new EntryKey("alice", "k");
        Fingerprint stored = Fingerprint.of(new byte[] {1});

        assertThat(cipher.seal(a, stored, CREATED).body()).isNotEqualTo(cipher.seal(a, stored, CREATED).body());
    }

    @Test
    void anOlderFingerprintKeyIsStillAccepted() throws IOException {
        runAndStore(engine(encrypted().protect(memory)), request("fp"), CREATED);
        IdempotencyStore rotated = StoreProtection.builder().encryption(EncryptionKeys.builder().key("k1", KEY)
                .fingerprintKey(OTHER_KEY).fingerprintKey(FINGERPRINT_KEY).build()).build().protect(memory);

        assertThat(decide(engine(rotated), request("fp"))).isInstanceOf(Decision.Replay.class);
        IdempotencyStore forgotten = StoreProtection.builder().encryption(EncryptionKeys.builder().key("k1", KEY)
                .fingerprintKey(OTHER_KEY).build()).build().protect(memory);
        assertThat(decide(engine(forgotten), request("fp"))).asInstanceOf(type(Decision.Reject.class))
                .extracting(r -> r.problem().kind()).isEqualTo(ProblemType.FINGERPRINT_MISMATCH);
    }

    @Test
    void theProtectedStoreInspectsAndEvictsThroughTheStoreItWraps() throws IOException {
        IdempotencyStore protectedStore = encrypted().protect(memory);
        runAndStore(engine(protectedStore), request("i"), CREATED);
        Proceed proceed = (Proceed) decide(engine, request("j"));
        proceed.release(Outcome.NOT_STORED);
        EntryKey entry = new EntryKey(engine == null ? "" : scopeOf(protectedStore), "i");

        assertThat(protectedStore).isInstanceOf(InspectableStore.class);
        InspectableStore inspectable = (InspectableStore) protectedStore;
        assertThat(inspectable.inspect(entry)).isPresent();
        assertThat(inspectable.evict(entry)).isTrue();
        assertThat(decide(engine, request("i"))).isInstanceOf(Proceed.class);
    }

    /** @return the scope the default resolver gives {@link #request} */
    private static String scopeOf(IdempotencyStore store) {
        return io.github.idempotency.core.scope.ScopeResolver.principalMethodRoute().resolve(request("x"));
    }

    @Test
    void aStoreThatIsNotInspectableStaysSo() {
        IdempotencyStore plain = request -> memory.claim(request);

        assertThat(encrypted().protect(plain)).isNotInstanceOf(InspectableStore.class);
    }

    @Test
    void noKeyMaterialInAnyToString() {
        EncryptionKeys keys = EncryptionKeys.builder().key("k1", OTHER_KEY).fingerprintKey(FINGERPRINT_KEY).build();
        String text = keys + " " + StoreProtection.builder().encryption(keys).build() + " "
                + StoreProtection.builder().encryption(keys).build().protect(memory);

        assertThat(text).contains("k1").doesNotContain("another key").doesNotContain("fingerprint key")
                .doesNotContain(java.util.Base64.getEncoder().encodeToString(OTHER_KEY));
    }

    @Test
    void keysOfAWrongLengthOrIdAreRefusedWithWhatToDo() {
        assertThatThrownBy(() -> EncryptionKeys.builder().key("k1", new byte[10]))
                .hasMessageContaining("16, 24 or 32 bytes");
        assertThatThrownBy(() -> EncryptionKeys.builder().key("k 1", KEY)).hasMessageContaining("1 to 64 letters");
        assertThatThrownBy(() -> EncryptionKeys.builder().fingerprintKey(new byte[8])).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> EncryptionKeys.builder().key("k1", KEY).build()).hasMessageContaining("no fingerprint key");
        assertThatThrownBy(() -> EncryptionKeys.builder().key("k1", KEY).currentKeyId("k2").fingerprintKey(KEY).build())
                .hasMessageContaining("names no key");
        assertThatThrownBy(() -> EncryptionKeys.decodeBase64("encryption key k1", "not base64!"))
                .hasMessageContaining("encryption key k1").hasMessageNotContaining("not base64!");
    }

    @Test
    void aRedactorThatChangesNothingLeavesTheReplayUnmarked() throws IOException {
        IdempotencyStore store = StoreProtection.builder().redactor(ResponseRedactor.jsonFields("card.number")).build()
                .protect(memory);
        runAndStore(engine(store), request("r"), CREATED);

        assertThat(((Decision.Replay) decide(engine, request("r"))).response()).isEqualTo(CREATED);
    }

    @Test
    void aFailingClaimStageFailsWithTheStoresOwnException() {
        IllegalStateException failure = new IllegalStateException("down");
        IdempotencyStore failing = new IdempotencyStore() {
            @Override
            public ClaimResult claim(ClaimRequest request) {
                throw failure;
            }
        };

        assertThatThrownBy(() -> encrypted().protect(failing)
                .claimAsync(new ClaimRequest(new EntryKey("s", "k"), Fingerprint.of(new byte[] {1}), Duration.ofSeconds(1)))
                .toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCause(failure);
    }
}
