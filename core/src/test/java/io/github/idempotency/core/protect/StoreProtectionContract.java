package io.github.idempotency.core.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.TestRequest;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import io.github.idempotency.core.problem.Problem;
import io.github.idempotency.core.problem.ProblemType;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link StoreProtection} promises, checked on a real store by reading what the store holds
 * with the store's own client, past the library: encrypted records hold neither the response's
 * body nor its header values, replays are byte for byte the original, rotation keeps old records
 * readable while their key is configured, a record with one byte flipped or whose key is gone is
 * never replayed and never runs the handler again, and redaction changes what a replay gets only.
 * Each store module extends it, as it extends the store contract.
 */
public abstract class StoreProtectionContract {

    /** Keys used by the tests: fixed, so that the raw bytes can be searched for them too. */
    protected static final byte[] KEY_1 = bytes(32, 1);
    protected static final byte[] KEY_2 = bytes(32, 2);
    protected static final byte[] FINGERPRINT_KEY = bytes(32, 3);

    private static final EndpointPolicy POLICY = EndpointPolicy.builder().keyRequired(true).build();

    private final List<IdempotencyEngine> engines = new ArrayList<>();
    private final String marker = "marker-" + UUID.randomUUID();
    private final String headerValue = "header-value-" + UUID.randomUUID();

    /** @return a new store on the shared server (each call may return a new client on the same data) */
    protected abstract IdempotencyStore createStore();

    /**
     * @param key an entry
     * @return every byte the store holds for the entry (all fields of the Redis hash, all columns of
     *     the row, what the in-memory store keeps), read past the library
     */
    protected abstract byte[] rawEntry(EntryKey key);

    /** Flips one byte of the stored response of {@code key}, past the library. */
    protected abstract void flipStoredResponseByte(EntryKey key);

    @AfterEach
    void closeEngines() {
        engines.forEach(IdempotencyEngine::close);
    }

    private IdempotencyEngine engine(IdempotencyStore store, StoreProtection protection) {
        IdempotencyEngine engine = IdempotencyEngine.builder(protection.protect(store)).build();
        engines.add(engine);
        return engine;
    }

    private static StoreProtection encrypted(String current, byte[]... keys) {
        EncryptionKeys.Builder builder = EncryptionKeys.builder();
        for (int i = 0; i < keys.length; i++) {
            builder.key("k" + (keys[i] == KEY_1 ? 1 : 2), keys[i]);
        }
        return StoreProtection.builder()
                .encryption(builder.currentKeyId(current).fingerprintKey(FINGERPRINT_KEY).build())
                .build();
    }

    private TestRequest request(String key) {
        return TestRequest.post("/payments").withHeader("Idempotency-Key", key)
                .withJsonBody("{\"amount\":1250,\"note\":\"" + marker + "\"}");
    }

    private StoredResponse response() {
        return new StoredResponse(201,
                List.of(new ResponseHeader("Content-Type", "application/json"),
                        new ResponseHeader("Location", "/payments/" + headerValue),
                        new ResponseHeader("X-Request-Note", headerValue + "-2"),
                        new ResponseHeader("X-Request-Note", headerValue + "-3")),
                ("{\"id\":\"p-1\",\"note\":\"" + marker + "\",\"card\":{\"number\":\"4242" + marker + "\"}}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /** Runs {@code request} as a new request on {@code engine} and stores {@code response}; @return its entry */
    private static EntryKey run(IdempotencyEngine engine, TestRequest request, StoredResponse response) throws IOException {
        Proceed proceed = assertThat(engine.decide(request, POLICY)).asInstanceOf(type(Proceed.class)).actual();
        assertThat(proceed.complete(response)).isTrue();
        return proceed.entryKey();
    }

    private static StoredResponse replayed(IdempotencyEngine engine, TestRequest request) throws IOException {
        return assertThat(engine.decide(request, POLICY)).asInstanceOf(type(Decision.Replay.class)).actual().response();
    }

    private static Problem rejected(IdempotencyEngine engine, TestRequest request) throws IOException {
        return assertThat(engine.decide(request, POLICY)).asInstanceOf(type(Decision.Reject.class)).actual().problem();
    }

    /** The control of the test below: without encryption the raw read finds the marker and the header values. */
    @Test
    void withoutEncryptionTheRawEntryHoldsTheBodyAndTheHeaderValues() throws IOException {
        IdempotencyEngine engine = engine(createStore(), StoreProtection.builder().build());
        EntryKey entry = run(engine, request("plain-" + UUID.randomUUID()), response());

        byte[] raw = rawEntry(entry);
        assertThat(contains(raw, marker)).as("the marker of the body in the raw entry").isTrue();
        assertThat(contains(raw, headerValue)).as("a header value in the raw entry").isTrue();
    }

    @Test
    void theStoreHoldsNeitherTheBodyNorTheHeaderValuesAndTheReplayIsTheOriginalByteForByte() throws IOException {
        IdempotencyEngine engine = engine(createStore(), encrypted("k1", KEY_1));
        TestRequest request = request("enc-" + UUID.randomUUID());
        StoredResponse original = response();

        EntryKey entry = run(engine, request, original);

        byte[] raw = rawEntry(entry);
        assertThat(raw).as("what the store holds").isNotEmpty();
        assertThat(contains(raw, marker)).as("the marker of the body in the raw entry").isFalse();
        assertThat(contains(raw, headerValue)).as("a header value in the raw entry").isFalse();
        assertThat(contains(raw, "/payments/")).as("the Location header in the raw entry").isFalse();
        assertThat(contains(raw, KEY_1) || contains(raw, FINGERPRINT_KEY)).as("key material in the raw entry").isFalse();
        StoredResponse replay = replayed(engine, request);
        assertThat(replay.status()).isEqualTo(original.status());
        assertThat(replay.headers()).isEqualTo(original.headers());
        assertThat(replay.body()).isEqualTo(original.body());
    }

    @Test
    void theStoredFingerprintIsNotTheRequestsDigestAndAnotherRequestWithTheKeyStillGets422() throws IOException {
        IdempotencyEngine engine = engine(createStore(), encrypted("k1", KEY_1));
        String key = "fp-" + UUID.randomUUID();
        TestRequest request = request(key);
        FingerprintStrategy.Fingerprinter fingerprinter = POLICY.fingerprint().start(request);
        request.readBody(POLICY.maxRequestBodyBytes(), fingerprinter);
        byte[] digest = fingerprinter.finish().bytes();

        EntryKey entry = run(engine, request, response());

        byte[] raw = rawEntry(entry);
        assertThat(contains(raw, digest)).as("the plain SHA-256 fingerprint in the raw entry").isFalse();
        assertThat(contains(raw, HexFormat.of().formatHex(digest))).as("its hex in the raw entry").isFalse();
        TestRequest other = TestRequest.post("/payments").withHeader("Idempotency-Key", key)
                .withJsonBody("{\"amount\":1}");
        assertThat(rejected(engine, other).kind()).isEqualTo(ProblemType.FINGERPRINT_MISMATCH);
    }

    @Test
    void recordsOfAnOlderKeyReplayWhileItIsConfiguredAndAnswerUnreadableOnceItIsRemoved() throws IOException {
        IdempotencyStore store = createStore();
        TestRequest first = request("rot-1-" + UUID.randomUUID());
        run(engine(store, encrypted("k1", KEY_1)), first, response());

        IdempotencyEngine rotated = engine(store, encrypted("k2", KEY_1, KEY_2));
        assertThat(replayed(rotated, first).body()).isEqualTo(response().body());
        TestRequest second = request("rot-2-" + UUID.randomUUID());
        run(rotated, second, response());
        assertThat(replayed(rotated, second).body()).isEqualTo(response().body());

        IdempotencyEngine withoutKey1 = engine(store, encrypted("k2", KEY_2));
        Problem problem = rejected(withoutKey1, first);
        assertThat(problem.kind()).isEqualTo(ProblemType.UNREADABLE_RECORD);
        assertThat(problem.status()).isEqualTo(500);
        assertThat(rejected(withoutKey1, first).kind()).as("again: the handler never runs").isEqualTo(ProblemType.UNREADABLE_RECORD);
        assertThat(replayed(withoutKey1, second).body()).isEqualTo(response().body());
    }

    @Test
    void aStoredResponseWithOneByteFlippedIsRejectedNotReplayed() throws IOException {
        IdempotencyEngine engine = engine(createStore(), encrypted("k1", KEY_1));
        TestRequest request = request("tamper-" + UUID.randomUUID());
        EntryKey entry = run(engine, request, response());

        flipStoredResponseByte(entry);

        assertThat(rejected(engine, request).kind()).isEqualTo(ProblemType.UNREADABLE_RECORD);
        assertThat(rejected(engine, request).kind()).isEqualTo(ProblemType.UNREADABLE_RECORD);
    }

    @Test
    void aReplayCarriesTheRedactedJsonAndSaysSoWhileTheStoreNeverSeesTheSecret() throws IOException {
        StoreProtection protection = StoreProtection.builder()
                .encryption(EncryptionKeys.builder().key("k1", KEY_1).fingerprintKey(FINGERPRINT_KEY).build())
                .redactor(ResponseRedactor.jsonFields("card.number"))
                .build();
        IdempotencyEngine engine = engine(createStore(), protection);
        TestRequest request = request("redact-" + UUID.randomUUID());
        StoredResponse original = response();
        byte[] sent = original.body().clone();

        run(engine, request, original);

        assertThat(original.body()).as("the first response is untouched").isEqualTo(sent);
        StoredResponse replay = replayed(engine, request);
        assertThat(new String(replay.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"p-1\",\"note\":\"" + marker + "\",\"card\":{\"number\":\"[REDACTED]\"}}");
        assertThat(replay.headerValues(StoreProtection.REDACTED_HEADER)).containsExactly("true");
        assertThat(replay.headerValues("Location")).containsExactly("/payments/" + headerValue);
    }

    /** @return whether {@code haystack} contains the UTF-8 bytes of {@code needle} */
    protected static boolean contains(byte[] haystack, String needle) {
        return contains(haystack, needle.getBytes(StandardCharsets.UTF_8));
    }

    /** @return whether {@code haystack} contains {@code needle} */
    protected static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** @return the index of the first occurrence of {@code needle} in {@code haystack}, or -1 */
    protected static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7);
        }
        return bytes;
    }
}
