package io.github.idempotency.core.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.ManualScheduler;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.RequestView;
import io.github.idempotency.core.StoreFailureMode;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What {@link IdempotentOperations} adds to the engine, over the in-memory store and a test clock:
 * keys, codecs, failure policies, settings, store failures. Once per key, other inputs, in flight,
 * lease takeover, renewal and fencing are the {@link OperationsContract}, run on this store by
 * {@link InMemoryStoreOperationsTest}.
 */
class IdempotentOperationsTest {

    private static final OperationKey KEY = OperationKey.of("payments.charge", "msg-1");

    private final MutableClock clock = new MutableClock();
    private final InMemoryIdempotencyStore memory = InMemoryIdempotencyStore.builder().clock(clock).build();
    private final RecordingStore store = new RecordingStore(memory);
    private final RecordingListener listener = new RecordingListener();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicInteger runs = new AtomicInteger();
    private final List<IdempotentOperations> runners = new CopyOnWriteArrayList<>();
    private final IdempotentOperations operations = runner(store, b -> { });

    private IdempotentOperations runner(IdempotencyStore store, Consumer<IdempotentOperations.Builder> options) {
        IdempotentOperations.Builder builder = IdempotentOperations.builder(store)
                .nanoTime(clock::nanoTime)
                .renewalScheduler(scheduler)
                .storeCallExecutor(Runnable::run)
                .listener(listener);
        options.accept(builder);
        IdempotentOperations runner = builder.build();
        runners.add(runner);
        return runner;
    }

    @AfterEach
    void closeRunners() {
        runners.forEach(IdempotentOperations::close);
        scheduler.shutdownNow();
    }

    private <T> Operation<T, RuntimeException> counted(T result) {
        return () -> {
            runs.incrementAndGet();
            return result;
        };
    }

    /** A result of the kind a payment operation returns. */
    record Receipt(String id, long amount) {
    }

    @Nested
    class Keys {

        @Test
        void emptyKeyIsRejected() {
            assertThatThrownBy(() -> OperationKey.of("payments", "")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must not be empty");
        }

        @Test
        void keyOf255CharactersIsAcceptedAndOf256Rejected() {
            assertThatCode(() -> OperationKey.of("payments", "k".repeat(255))).doesNotThrowAnyException();
            assertThatThrownBy(() -> OperationKey.of("payments", "k".repeat(256)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 255").hasMessageContaining("256");
        }

        @Test
        void controlAndNonAsciiCharactersAreRejectedWithTheirPosition() {
            assertThatThrownBy(() -> OperationKey.of("payments", "ab\ncd"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+000A at position 3");
            assertThatThrownBy(() -> OperationKey.of("payments", "café"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+00E9 at position 4");
            assertThatThrownBy(() -> OperationKey.of("payments", "del\u007F"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+007F");
        }

        @Test
        void nullScopeOrKeyIsRejectedAndAnEmptyScopeIsAScope() {
            assertThatThrownBy(() -> OperationKey.of(null, "k")).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> OperationKey.of("payments", null)).isInstanceOf(NullPointerException.class);
            assertThat(operations.run(OperationKey.of("", "k"), "in", String.class, counted("empty scope")))
                    .isEqualTo("empty scope");
        }

        @Test
        void keysWithQuotesBackslashesCommasAndSpacesEachNameTheirOwnOperation() {
            List<String> keys = List.of("ab", "\"ab\"", "a\\b", "a,b", " a b ", "a\"b");
            for (String key : keys) {
                operations.run(OperationKey.of("payments", key), "in", String.class, counted(key));
            }
            for (String key : keys) {
                assertThat(operations.run(OperationKey.of("payments", key), "in", String.class, counted("again")))
                        .isEqualTo(key);
            }
            assertThat(runs).hasValue(keys.size());
            assertThat(store.claims).extracting(r -> r.key().key()).startsWith(keys.toArray(String[]::new));
        }

        @Test
        void entriesLiveInThePrefixedScopeOfTheOperation() {
            operations.run(KEY, "in", String.class, counted("charged"));

            assertThat(store.claims).extracting(ClaimRequest::key)
                    .containsExactly(new EntryKey("op:payments.charge", "msg-1"));
        }

        @Test
        void anOperationForARequestTakesItsKeyInAScopeOfTheOperationsAndTheRequests() {
            EntryKey alice = new EntryKey("p5:alice4:POST/payments", "k-1");
            EntryKey bob = new EntryKey("p3:bob4:POST/payments", "k-1");

            assertThat(OperationKey.forRequest("payments.create", alice))
                    .isEqualTo(OperationKey.of("http 15:payments.createp5:alice4:POST/payments", "k-1"));
            operations.run(OperationKey.forRequest("payments.create", alice), "in", String.class, counted("alice"));
            operations.run(OperationKey.forRequest("payments.create", bob), "in", String.class, counted("bob"));
            operations.run(OperationKey.forRequest("payments.refund", alice), "in", String.class, counted("refund"));

            assertThat(operations.run(OperationKey.forRequest("payments.create", alice), "in", String.class,
                    counted("again"))).isEqualTo("alice");
            assertThat(runs).hasValue(3);
            // the operation's scope is length-prefixed: no operation scope can end where the request's begins
            assertThat(OperationKey.forRequest("a", new EntryKey("bc", "k")))
                    .isNotEqualTo(OperationKey.forRequest("ab", new EntryKey("c", "k")));
        }
    }

    @Nested
    class Results {

        @Test
        void nullResultIsStoredAndReturnedAsNull() {
            assertThat(operations.run(KEY, "in", Receipt.class, counted(null))).isNull();
            assertThat(operations.run(KEY, "in", Receipt.class, counted(new Receipt("again", 1)))).isNull();
            assertThat(runs).hasValue(1);
        }

        @Test
        void resultThatCannotBeEncodedReleasesTheKeySoARetryRunsAgain() {
            OperationEncodingException e = catchThrowableOfType(OperationEncodingException.class,
                    () -> operations.run(KEY, "in", Instant.class, counted(Instant.EPOCH)));

            assertThat(e.part()).isEqualTo(OperationEncodingException.Part.RESULT);
            assertThat(e).hasMessageContaining("java.time.Instant").hasMessageContaining("released")
                    .hasCauseInstanceOf(IOException.class);
            assertThat(operations.run(KEY, "in", String.class, counted("retried"))).isEqualTo("retried");
            assertThat(runs).hasValue(2);
        }

        @Test
        void aCodecThatEncodesTheResultAsNullReleasesTheKeyInsteadOfHoldingIt() {
            ResultCodec nullResults = new ResultCodec() {
                @Override
                public byte[] encode(Object value) throws IOException {
                    return value instanceof Receipt ? null : ResultCodec.jackson().encode(value);
                }

                @Override
                public <T> T decode(byte[] bytes, ResultType<T> type) throws IOException {
                    return ResultCodec.jackson().decode(bytes, type);
                }
            };
            IdempotentOperations broken = runner(store, b -> b.codec(nullResults));

            assertThat(catchThrowableOfType(OperationEncodingException.class,
                    () -> broken.run(KEY, "in", Receipt.class, counted(new Receipt("r", 1)))).part())
                    .isEqualTo(OperationEncodingException.Part.RESULT);

            assertThat(broken.run(KEY, "in", String.class, counted("retried"))).isEqualTo("retried");
        }

        @Test
        void inputsThatCannotBeEncodedAreRejectedBeforeAnythingIsClaimed() {
            OperationEncodingException e = catchThrowableOfType(OperationEncodingException.class,
                    () -> operations.run(KEY, new Object(), String.class, counted("never")));

            assertThat(e.part()).isEqualTo(OperationEncodingException.Part.INPUTS);
            assertThat(store.claims).isEmpty();
            assertThat(runs).hasValue(0);
        }

        @Test
        void nullInputsAreRejectedWithWhatToPass() {
            assertThatThrownBy(() -> operations.run(KEY, null, String.class, counted("never")))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("message payload");
        }

        @Test
        void storedResultThatDoesNotDecodeAsTheNamedTypeFailsAndDoesNotRunAgain() {
            operations.run(KEY, "in", String.class, counted("a string"));

            OperationEncodingException e = catchThrowableOfType(OperationEncodingException.class,
                    () -> operations.run(KEY, "in", Receipt.class, counted(new Receipt("r", 1))));

            assertThat(e.part()).isEqualTo(OperationEncodingException.Part.STORED_RESULT);
            assertThat(e).hasMessageContaining(Receipt.class.getName()).hasMessageContaining("did not run again");
            assertThat(runs).hasValue(1);
        }

        @Test
        void recordStoredWithAFieldTheResultClassNoLongerHasStillReplays() {
            operations.run(KEY, "in", Map.class, () -> Map.of("id", "pay_1", "amount", 1250, "legacy", true));

            assertThat(operations.run(KEY, "in", Receipt.class, counted(null))).isEqualTo(new Receipt("pay_1", 1250));
        }

        @Test
        void voidOperationReplaysWithoutDecodingAnything() {
            operations.run(KEY, "in", String.class, counted("a result"));

            operations.run(KEY, "in", () -> {
                runs.incrementAndGet();
            });

            assertThat(runs).hasValue(1);
        }
    }

    @Nested
    class Codecs {

        @Test
        void theConfiguredCodecEncodesTheInputsAndTheResultAndDecodesTheReplay() {
            AtomicInteger encoded = new AtomicInteger();
            AtomicInteger decoded = new AtomicInteger();
            ResultCodec counting = new ResultCodec() {
                @Override
                public byte[] encode(Object value) throws IOException {
                    encoded.incrementAndGet();
                    return ResultCodec.jackson().encode(value);
                }

                @Override
                public <T> T decode(byte[] bytes, ResultType<T> type) throws IOException {
                    decoded.incrementAndGet();
                    return ResultCodec.jackson().decode(bytes, type);
                }
            };
            IdempotentOperations custom = runner(store, b -> b.codec(counting));

            custom.run(KEY, "in", String.class, counted("first"));
            custom.run(KEY, "in", String.class, counted("second"));

            assertThat(encoded).as("inputs twice, the result once").hasValue(3);
            assertThat(decoded).hasValue(1);
        }

        @Test
        void aMapperWithDefaultTypingIsRefused() {
            ObjectMapper typing = JsonMapper.builder().activateDefaultTyping(
                    BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build()).build();

            assertThatThrownBy(() -> new JacksonResultCodec(typing)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("default typing");
            assertThatCode(() -> new JacksonResultCodec(new ObjectMapper())).doesNotThrowAnyException();
        }

        @Test
        void resultTypeCapturesAGenericTypeAndEqualsTheClassForm() {
            assertThat(new ResultType<List<Receipt>>() { }.type().getTypeName())
                    .isEqualTo("java.util.List<" + Receipt.class.getName() + ">");
            assertThat(new ResultType<Receipt>() { }).isEqualTo(ResultType.of(Receipt.class))
                    .hasSameHashCodeAs(ResultType.of(Receipt.class));
        }

        @Test
        void resultTypeOfAReflectedTypeEqualsTheCapturedOneAndRefusesATypeVariable() throws NoSuchMethodException {
            java.lang.reflect.Type listOfReceipts = Holder.class.getDeclaredMethod("receipts").getGenericReturnType();
            java.lang.reflect.Type listOfT = Holder.class.getDeclaredMethod("things").getGenericReturnType();

            assertThat(ResultType.ofType(listOfReceipts)).isEqualTo(new ResultType<List<Receipt>>() { })
                    .hasSameHashCodeAs(new ResultType<List<Receipt>>() { });
            assertThat(ResultType.ofType(Receipt.class)).isEqualTo(ResultType.of(Receipt.class));
            assertThatThrownBy(() -> ResultType.ofType(listOfT)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("type variable T");
        }

        @Test
        @SuppressWarnings("rawtypes")
        void resultTypeWithoutATypeArgumentOrWithATypeVariableIsRefused() {
            assertThatThrownBy(() -> new ResultType() { }).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("type argument");
            assertThatThrownBy(IdempotentOperationsTest::typeVariableResultType).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("type variable");
        }
    }

    private static <T> ResultType<T> typeVariableResultType() {
        return new ResultType<T>() { };
    }

    @Nested
    class Failures {

        @Test
        void aCheckedExceptionReachesTheCallerUnchangedAndReleasesTheKey() throws IOException {
            IOException failure = new IOException("connection reset by the gateway");

            assertThatThrownBy(() -> operations.run(KEY, "in", String.class, () -> {
                runs.incrementAndGet();
                throw failure;
            })).isSameAs(failure);

            assertThat(operations.run(KEY, "in", String.class, counted("retried"))).isEqualTo("retried");
            assertThat(runs).hasValue(2);
            assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.NOT_STORED, Outcome.NEW);
        }

        @Test
        void theRunnersFailurePolicyStoresTheFailuresItCallsFinal() {
            IdempotentOperations storing = runner(store,
                    b -> b.failurePolicy(FailurePolicy.storeWhen(e -> e instanceof IllegalArgumentException)));
            OperationKey transientKey = OperationKey.of("payments.charge", "msg-2");

            assertThatThrownBy(() -> storing.run(KEY, "in", String.class, failing(new IllegalArgumentException("bad card"))))
                    .hasMessage("bad card");
            assertThatThrownBy(() -> storing.run(transientKey, "in", String.class, failing(new IllegalStateException("timeout"))))
                    .hasMessage("timeout");

            assertThatThrownBy(() -> storing.run(KEY, "in", String.class, counted("again")))
                    .isInstanceOf(ReplayedFailureException.class);
            assertThat(storing.run(transientKey, "in", String.class, counted("retried"))).isEqualTo("retried");
            assertThat(runs).as("two failures, one retry").hasValue(3);
        }

        @Test
        void aPerCallFailurePolicyReplacesTheRunners() {
            IdempotentOperations storing = runner(store, b -> b.failurePolicy(FailurePolicy.storeWhen(e -> true)));
            OperationRequest releasing = OperationRequest.of(KEY, "in").withFailurePolicy(FailurePolicy.storeNone());

            assertThatThrownBy(() -> storing.run(releasing, String.class, failing(new IllegalStateException("timeout"))))
                    .hasMessage("timeout");

            assertThat(storing.run(releasing, String.class, counted("retried"))).isEqualTo("retried");
        }

        @Test
        void storeInstancesOfCountsSubclassesToo() {
            FailurePolicy policy = FailurePolicy.storeInstancesOf(IllegalArgumentException.class);

            assertThat(policy.isFinal(new NumberFormatException("not a number"))).isTrue();
            assertThat(policy.isFinal(new IllegalStateException("timeout"))).isFalse();
            assertThat(FailurePolicy.storeNone().isFinal(new IllegalArgumentException())).isFalse();
        }

        @Test
        void anErrorIsNeverStoredWhateverThePolicy() {
            IdempotentOperations storing = runner(store, b -> b.failurePolicy(FailurePolicy.storeWhen(e -> true)));
            StackOverflowError error = new StackOverflowError();

            assertThatThrownBy(() -> storing.run(KEY, "in", String.class, () -> {
                throw error;
            })).isSameAs(error);

            assertThat(storing.run(KEY, "in", String.class, counted("retried"))).isEqualTo("retried");
        }

        @Test
        void aFailurePolicyThatThrowsReleasesTheKey() {
            IdempotentOperations broken = runner(store, b -> b.failurePolicy(e -> {
                throw new UnsupportedOperationException("policy bug");
            }));

            assertThatThrownBy(() -> broken.run(KEY, "in", String.class, failing(new IllegalStateException("timeout"))))
                    .hasMessage("timeout");

            assertThat(broken.run(KEY, "in", String.class, counted("retried"))).isEqualTo("retried");
        }

        @Test
        void aStoredFailureWithoutMessageIsReplayedWithoutOneAndSaysWhatToDo() {
            IdempotentOperations storing = runner(store, b -> b.failurePolicy(FailurePolicy.storeWhen(e -> true)));
            assertThatThrownBy(() -> storing.run(KEY, "in", String.class, failing(new IllegalArgumentException())))
                    .isInstanceOf(IllegalArgumentException.class);

            ReplayedFailureException replayed = catchThrowableOfType(ReplayedFailureException.class,
                    () -> storing.run(KEY, "in", String.class, counted("again")));

            assertThat(replayed.failureClassName()).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(replayed.failureMessage()).isEmpty();
            assertThat(replayed).hasMessageContaining("failed before with java.lang.IllegalArgumentException;")
                    .hasMessageContaining("did not run again").hasMessageContaining("new key");
            assertThat(runs).hasValue(1);
        }

        private Operation<String, RuntimeException> failing(RuntimeException failure) {
            return () -> {
                runs.incrementAndGet();
                throw failure;
            };
        }
    }

    @Nested
    class Settings {

        @Test
        void theRunnersLeaseAndAPerCallLeaseAreTheClaimsLease() {
            IdempotentOperations custom = runner(store, b -> b.lease(Duration.ofSeconds(90)));

            custom.run(KEY, "in", String.class, counted("default lease"));
            custom.run(OperationRequest.of(OperationKey.of("reports", "r1"), "in").withLease(Duration.ofMinutes(5)),
                    String.class, counted("own lease"));

            assertThat(store.claims).extracting(ClaimRequest::lease)
                    .containsExactly(Duration.ofSeconds(90), Duration.ofMinutes(5));
        }

        @Test
        void theRunnersTtlEndsTheRecord() {
            IdempotentOperations custom = runner(store, b -> b.ttl(Duration.ofMinutes(1)));
            custom.run(KEY, "in", String.class, counted("first"));

            clock.advance(Duration.ofSeconds(59));
            assertThat(custom.run(KEY, "in", String.class, counted("second"))).isEqualTo("first");
            clock.advance(Duration.ofSeconds(2));
            assertThat(custom.run(KEY, "in", String.class, counted("third"))).isEqualTo("third");
        }

        @Test
        void aPerCallConcurrencyPolicyReplacesTheRunnersAndTheHintIsTheConfiguredOne() {
            IdempotentOperations waiting = runner(store, b -> b.concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofHours(1)))
                    .inProgressRetryAfter(Duration.ofSeconds(7)));
            OperationRequest failFast = OperationRequest.of(KEY, "in").withConcurrency(ConcurrencyPolicy.reject());

            // The outer call holds the key while its operation runs, and in it the same call is made again.
            OperationInProgressException inner = waiting.run(KEY, "in", OperationInProgressException.class,
                    () -> catchThrowableOfType(OperationInProgressException.class,
                            () -> waiting.run(failFast, String.class, counted("nested"))));

            assertThat(inner.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(inner).hasMessageContaining("7000 ms");
            assertThat(runs).hasValue(0);
        }

        @Test
        void leaseAndTtlMustBePositive() {
            OperationRequest request = OperationRequest.of(KEY, "in");
            assertThatThrownBy(() -> request.withLease(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> request.withTtl(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> runner(store, b -> b.lease(Duration.ZERO))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class StoreFailures {

        private final IdempotencyStore down = request -> {
            throw new IdempotencyStoreException("connection refused");
        };

        @Test
        void failClosedThrowsAStoreExceptionCausedByTheStoresAndDoesNotRun() {
            IdempotencyStoreException e = catchThrowableOfType(IdempotencyStoreException.class,
                    () -> runner(down, b -> { }).run(KEY, "in", String.class, counted("never")));

            assertThat(e).hasMessageContaining("did not run").hasMessageContaining("Retry later");
            assertThat(e.getCause()).hasMessage("connection refused");
            assertThat(runs).hasValue(0);
            assertThat(listener.outcomes).containsExactly(Outcome.STORE_ERROR);
        }

        @Test
        void failOpenRunsTheOperationWithoutIdempotency() {
            IdempotentOperations open = runner(down, b -> b.storeFailureMode(StoreFailureMode.FAIL_OPEN));

            assertThat(open.run(KEY, "in", String.class, counted("first"))).isEqualTo("first");
            assertThat(open.run(KEY, "in", String.class, counted("second"))).isEqualTo("second");
            assertThat(runs).hasValue(2);
        }

        @Test
        void aStoreFailureWhileStoringTheResultDoesNotFailTheCall() {
            IdempotencyStore failingCompletes = request -> {
                ClaimResult result = memory.claim(request);
                return result instanceof ClaimResult.Acquired acquired
                        ? new ClaimResult.Acquired(new FailingCompleteClaim(acquired.claim())) : result;
            };

            assertThat(runner(failingCompletes, b -> { }).run(KEY, "in", String.class, counted("charged")))
                    .isEqualTo("charged");
            assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.STORE_ERROR);
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void theListenerSeesEachCallAsARunOfItsScope() {
            operations.run(KEY, "in", String.class, counted("first"));
            operations.run(KEY, "in", String.class, counted("second"));
            assertThatThrownBy(() -> operations.run(KEY, "other", String.class, counted("third")))
                    .isInstanceOf(OperationKeyReusedException.class);

            assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.REPLAYED, Outcome.MISMATCH);
            assertThat(listener.requests).extracting(RequestView::method).containsOnly("RUN");
            assertThat(listener.requests).extracting(RequestView::route).containsOnly("payments.charge");
        }

        @Test
        void aClosedRunnerStopsRenewingAndRefusesCalls() {
            operations.close();

            assertThat(scheduler.activeTasks()).isZero();
            assertThatThrownBy(() -> operations.run(KEY, "in", String.class, counted("late")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThat(runs).hasValue(0);
        }
    }

    /** Records every claim request on its way to the store. */
    private static final class RecordingStore implements IdempotencyStore {
        private final IdempotencyStore store;
        final List<ClaimRequest> claims = new CopyOnWriteArrayList<>();

        RecordingStore(IdempotencyStore store) {
            this.store = store;
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
            claims.add(request);
            return store.claim(request);
        }
    }

    private static final class RecordingListener implements IdempotencyListener {
        final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        final List<RequestView> requests = new CopyOnWriteArrayList<>();

        @Override
        public void onOutcome(Outcome outcome, RequestView request) {
            outcomes.add(outcome);
            requests.add(request);
        }
    }

    /** A claim whose complete fails as if the store were unreachable. */
    private record FailingCompleteClaim(Claim claim) implements Claim {
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
            throw new IdempotencyStoreException("connection reset while storing");
        }

        @Override
        public boolean release() {
            return claim.release();
        }

        @Override
        public boolean renew(Duration lease) {
            return claim.renew(lease);
        }
    }

    /** Methods whose generic return types the reflected result types are read from. */
    private interface Holder<T> {
        List<Receipt> receipts();

        List<T> things();
    }
}
