package io.github.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.github.idempotency.core.problem.ProblemType;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's non-blocking path ({@link IdempotencyEngine#decideAsync}, {@link Proceed#completeAsync},
 * {@link Proceed#releaseAsync}) over a store that answers later, when the test says so, as a
 * networked store's client does on a thread of its own.
 */
class IdempotencyEngineAsyncTest {

    private static final EndpointPolicy REQUIRED = EndpointPolicy.builder().keyRequired(true).build();
    private static final StoredResponse CREATED = new StoredResponse(201, List.of(),
            "{\"id\":1}".getBytes(StandardCharsets.UTF_8));

    private final MutableClock clock = new MutableClock();
    private final LaterStore store = new LaterStore(InMemoryIdempotencyStore.builder().clock(clock).build());
    private final ManualScheduler scheduler = new ManualScheduler();
    private IdempotencyEngine engine = engine(StoreFailureMode.FAIL_CLOSED);

    private IdempotencyEngine engine(StoreFailureMode mode) {
        return IdempotencyEngine.builder(store).nanoTime(clock::nanoTime).renewalScheduler(scheduler)
                .storeCallExecutor(Runnable::run).storeFailureMode(mode).build();
    }

    @AfterEach
    void close() {
        engine.close();
        scheduler.shutdownNow();
    }

    private static TestRequest payment(String key) {
        return TestRequest.post("/payments").withHeader("Idempotency-Key", key).withJsonBody("{\"amount\":1250}");
    }

    /** Decides asynchronously and lets the store answer every call it got meanwhile. */
    private Decision decide(TestRequest request, EndpointPolicy policy) throws Exception {
        CompletableFuture<Decision> decision = engine.decideAsync(request, policy).toCompletableFuture();
        store.answerAll();
        return decision.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theDecisionComesWhenTheStoreAnswersAndTheBlockingPathIsNeverTaken() throws Exception {
        CompletableFuture<Decision> decision = engine.decideAsync(payment("k1"), REQUIRED).toCompletableFuture();

        assertThat(decision).as("the store has not answered").isNotDone();
        store.answerAll();
        assertThat(decision.get(10, TimeUnit.SECONDS)).isInstanceOf(Proceed.class);
        assertThat(store.blockingCalls).hasValue(0);
    }

    @Test
    void completeAsyncStoresTheResponseThroughTheAsyncMethodAndARetryGetsItReplayed() throws Exception {
        Proceed first = (Proceed) decide(payment("k1"), REQUIRED);

        CompletableFuture<Boolean> stored = first.completeAsync(CREATED).toCompletableFuture();
        assertThat(stored).isNotDone();
        store.answerAll();

        assertThat(stored.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(decide(payment("k1"), REQUIRED)).isEqualTo(new Decision.Replay(CREATED));
        assertThat(store.blockingCalls).hasValue(0);
    }

    @Test
    void releaseAsyncFreesTheKeyAndAServerErrorIsReleasedNotStored() throws Exception {
        Proceed failed = (Proceed) decide(payment("k1"), REQUIRED);
        CompletableFuture<Void> released = failed.releaseAsync(Outcome.NOT_STORED).toCompletableFuture();
        store.answerAll();
        released.get(10, TimeUnit.SECONDS);

        Proceed again = (Proceed) decide(payment("k1"), REQUIRED);
        CompletableFuture<Boolean> serverError =
                again.completeAsync(new StoredResponse(500, List.of(), new byte[0])).toCompletableFuture();
        store.answerAll();

        assertThat(serverError.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(decide(payment("k1"), REQUIRED)).isInstanceOf(Proceed.class);
        assertThat(store.blockingCalls).hasValue(0);
    }

    @Test
    void aStoreThatFailsGives503WhenFailingClosedAndPassesThroughWhenFailingOpen() throws Exception {
        store.failNext = () -> new IdempotencyStoreException("connection refused");
        assertThat(decide(payment("k1"), REQUIRED)).asInstanceOf(type(Decision.Reject.class))
                .extracting(reject -> reject.problem().kind()).isEqualTo(ProblemType.STORE_UNAVAILABLE);

        engine.close();
        engine = engine(StoreFailureMode.FAIL_OPEN);
        store.failNext = () -> new IdempotencyStoreException("connection refused");
        assertThat(decide(payment("k2"), REQUIRED))
                .isEqualTo(new Decision.PassThrough(Decision.PassThrough.Reason.STORE_UNAVAILABLE));
    }

    @Test
    void aFailedCompleteIsRetriedInTheBackgroundUntilItIsStored() throws Exception {
        Proceed first = (Proceed) decide(payment("k1"), REQUIRED);
        store.failNext = () -> new IdempotencyStoreException("connection reset");
        CompletableFuture<Boolean> stored = first.completeAsync(CREATED).toCompletableFuture();
        store.answerAll();
        assertThat(stored.get(10, TimeUnit.SECONDS)).isFalse();

        clock.advance(Duration.ofSeconds(2));
        scheduler.runPeriodicTasks(); // the engine's own thread stores it (the blocking method)

        assertThat(decide(payment("k1"), REQUIRED)).isEqualTo(new Decision.Replay(CREATED));
    }

    @Test
    void aClaimMadeAsynchronouslyIsRenewedWhileItsHandlerRuns() throws Exception {
        Proceed slow = (Proceed) decide(payment("k1"), REQUIRED);
        for (int i = 0; i < 9; i++) { // 90 s: three times the 30 s lease
            clock.advance(Duration.ofSeconds(10));
            scheduler.runPeriodicTasks();
        }

        assertThat(decide(payment("k1"), REQUIRED)).asInstanceOf(type(Decision.Reject.class))
                .extracting(reject -> reject.problem().status()).isEqualTo(409);
        CompletableFuture<Boolean> stored = slow.completeAsync(CREATED).toCompletableFuture();
        store.answerAll();
        assertThat(stored.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWaitingDuplicateLooksAgainOnTheSchedulerAndGetsTheReplay() throws Exception {
        EndpointPolicy waiting = REQUIRED.toBuilder().concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(10))).build();
        Proceed first = (Proceed) decide(payment("k1"), waiting);

        CompletableFuture<Decision> second = engine.decideAsync(payment("k1"), waiting).toCompletableFuture();
        store.answerNext(); // in flight: the engine schedules its next look instead of sleeping
        assertThat(second).isNotDone();
        CompletableFuture<Boolean> stored = first.completeAsync(CREATED).toCompletableFuture();
        while (!stored.isDone()) { // the scheduled looks may come before the complete
            store.answerNext();
        }
        while (!second.isDone()) {
            store.answerNext();
        }

        assertThat(stored.get()).isTrue();
        assertThat(second.get()).isEqualTo(new Decision.Replay(CREATED));
    }

    @Test
    void badInputIsDecidedAtOnceWithoutTheStore() throws Exception {
        CompletionStage<Decision> missing = engine.decideAsync(TestRequest.post("/payments"), REQUIRED);

        assertThat(missing.toCompletableFuture().getNow(null)).asInstanceOf(type(Decision.Reject.class))
                .extracting(reject -> reject.problem().kind()).isEqualTo(ProblemType.MISSING_KEY);
        assertThat(store.pending).isEmpty();
    }

    /**
     * A store whose asynchronous calls are answered (by the in-memory store) only when the test
     * calls {@link #answerNext()} or {@link #answerAll()}; counts blocking calls.
     */
    private static final class LaterStore implements IdempotencyStore {
        private final IdempotencyStore delegate;
        final BlockingQueue<Runnable> pending = new LinkedBlockingQueue<>();
        final AtomicInteger blockingCalls = new AtomicInteger();
        volatile Supplier<RuntimeException> failNext;

        LaterStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        void answerNext() throws InterruptedException {
            Runnable answer = pending.poll(10, TimeUnit.SECONDS);
            assertThat(answer).as("a store call to answer").isNotNull();
            answer.run();
        }

        void answerAll() {
            Runnable answer;
            while ((answer = pending.poll()) != null) {
                answer.run();
            }
        }

        private <T> CompletionStage<T> later(Supplier<T> call) {
            CompletableFuture<T> result = new CompletableFuture<>();
            Supplier<RuntimeException> failure = failNext;
            failNext = null;
            pending.add(() -> {
                if (failure != null) {
                    result.completeExceptionally(failure.get());
                    return;
                }
                try {
                    result.complete(call.get());
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
            return result;
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
            blockingCalls.incrementAndGet();
            return delegate.claim(request);
        }

        @Override
        public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
            return later(() -> {
                ClaimResult result = delegate.claim(request);
                return result instanceof ClaimResult.Acquired acquired ? new ClaimResult.Acquired(new LaterClaim(acquired.claim())) : result;
            });
        }

        /** Answers its asynchronous calls later too; its blocking calls (renewals, retries) at once. */
        private final class LaterClaim extends DelegatingClaim {
            private final Claim claim;

            LaterClaim(Claim claim) {
                super(claim);
                this.claim = claim;
            }

            @Override
            public CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
                return later(() -> claim.complete(response, ttl));
            }

            @Override
            public CompletionStage<Boolean> releaseAsync() {
                return later(claim::release);
            }
        }
    }
}
