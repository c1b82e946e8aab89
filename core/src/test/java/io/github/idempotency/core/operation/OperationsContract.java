package io.github.idempotency.core.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.ManualScheduler;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.IdempotencyStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link IdempotentOperations} behaves on every {@link IdempotencyStore}: a store's test class
 * extends this suite, says how to create the store and how to let its time pass (as for
 * {@link io.github.idempotency.core.store.IdempotencyStoreContract}), and inherits every test.
 *
 * <p>Each test uses fresh random scopes and keys, so a store may keep entries across tests. Lease
 * renewal runs only when a test ticks the runner's {@link ManualScheduler}, and the runner's
 * monotonic time moves only with {@link #letTimePass(Duration)} (and, for a wait bound, on its
 * own): a holder whose work blocks is a holder that died, unless the test renews its lease.
 * Waiting calls are followed through the claims they make, never through sleeps.
 */
public abstract class OperationsContract {

    /** The runner's lease: never runs out during a test that does not let time pass. */
    private static final Duration LONG_LEASE = Duration.ofSeconds(30);
    /** A wait bound the runner's time never reaches unless a test moves it there. */
    private static final Duration LONG_WAIT = Duration.ofMinutes(10);
    private static final long TIMEOUT_SECONDS = 30;
    private static final int RACERS = 16;

    // Made afresh for every test: a subclass may run all tests on one instance (PER_CLASS lifecycle).
    private AtomicLong nanos;
    private ManualScheduler scheduler;
    private ExecutorService callers;
    private AtomicInteger runs;
    private IdempotencyStore store;
    private ObservedStore observed;
    private IdempotentOperations operations;

    /**
     * Creates the store under test; called once per test, and closed after it when it is
     * {@link AutoCloseable}. Entries of earlier tests may still exist.
     */
    protected abstract IdempotencyStore createStore();

    /**
     * Lets store time pass by at least {@code duration}: stores on an injected clock advance it;
     * stores whose server clock rules expiry wait in real time.
     */
    protected abstract void letTimePass(Duration duration);

    /**
     * The lease / TTL of the expiry tests: stores on an injected clock keep the default (30 s);
     * real-clock stores override with something short (a few hundred milliseconds).
     */
    protected Duration expiryUnit() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    void createRunner() {
        nanos = new AtomicLong();
        scheduler = new ManualScheduler();
        callers = Executors.newCachedThreadPool();
        runs = new AtomicInteger();
        store = createStore();
        observed = new ObservedStore(store);
        operations = IdempotentOperations.builder(observed)
                .lease(LONG_LEASE)
                .nanoTime(nanos::get)
                .renewalScheduler(scheduler)
                .storeCallExecutor(Runnable::run)
                .build();
    }

    @AfterEach
    void closeRunner() throws Exception {
        operations.close();
        callers.shutdownNow();
        scheduler.shutdownNow();
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    // --- once per key ----------------------------------------------------------------------------

    @Test
    void firstCallRunsAndLaterCallsGetItsResultWithoutRunning() {
        OperationKey key = freshKey();

        assertThat(operations.run(key, "inputs", String.class, counted("first"))).isEqualTo("first");
        assertThat(operations.run(key, "inputs", String.class, counted("second"))).isEqualTo("first");
        assertThat(operations.run(key, "inputs", String.class, counted("third"))).isEqualTo("first");

        assertThat(runs).hasValue(1);
    }

    @Test
    void recordAndGenericResultsComeBackEqual() {
        Receipt receipt = new Receipt("pay_1", new BigDecimal("12.50"), "EUR", List.of("Zürich", "line\nbreak"), null);
        OperationKey one = freshKey();
        OperationKey many = freshKey();
        ResultType<List<Receipt>> receipts = new ResultType<>() { };

        operations.run(one, "charge", Receipt.class, () -> receipt);
        operations.run(many, "charge", receipts, () -> List.of(receipt, receipt));

        assertThat(operations.run(one, "charge", Receipt.class, counted(null))).isEqualTo(receipt);
        assertThat(operations.run(many, "charge", receipts, () -> List.<Receipt>of())).containsExactly(receipt, receipt);
        assertThat(runs).hasValue(0);
    }

    @Test
    void voidOperationRunsOnce() {
        OperationKey key = freshKey();

        operations.run(key, "send", () -> {
            runs.incrementAndGet();
        });
        operations.run(key, "send", () -> {
            runs.incrementAndGet();
        });

        assertThat(runs).hasValue(1);
    }

    @Test
    void inputsThatDifferOnlyInMemberOrderAreTheSameInputs() {
        OperationKey key = freshKey();
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("amount", 1250);
        ab.put("currency", "EUR");
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("currency", "EUR");
        ba.put("amount", 1250);

        operations.run(key, ab, String.class, counted("charged"));

        assertThat(operations.run(key, ba, String.class, counted("again"))).isEqualTo("charged");
        assertThat(runs).hasValue(1);
    }

    @Test
    void sameKeyInAnotherScopeIsAnotherOperation() {
        OperationKey key = freshKey();
        OperationKey otherScope = OperationKey.of(key.scope() + "-other", key.key());

        operations.run(key, "inputs", String.class, counted("first"));

        assertThat(operations.run(otherScope, "inputs", String.class, counted("other"))).isEqualTo("other");
        assertThat(runs).hasValue(2);
    }

    // --- other inputs ----------------------------------------------------------------------------

    @Test
    void sameKeyWithOtherInputsIsRejectedAndDoesNotRun() {
        OperationKey key = freshKey();
        operations.run(key, Map.of("amount", 1250), String.class, counted("charged"));

        assertThatThrownBy(() -> operations.run(key, Map.of("amount", 9999), String.class, counted("twice")))
                .isInstanceOf(OperationKeyReusedException.class)
                .hasMessageContaining("other inputs")
                .extracting(e -> ((OperationKeyReusedException) e).key()).isEqualTo(key);
        assertThat(runs).hasValue(1);
    }

    @Test
    void sameKeyWithOtherInputsWhileTheFirstRunsIsRejectedAsReusedNotInProgress() throws Exception {
        OperationKey key = freshKey();
        Blocked first = start(OperationRequest.of(key, "inputs"), () -> "first");

        assertThatThrownBy(() -> operations.run(key, "other inputs", String.class, counted("other")))
                .isInstanceOf(OperationKeyReusedException.class);

        assertThat(first.finish()).isEqualTo("first");
        assertThat(runs).hasValue(1);
    }

    // --- in flight -------------------------------------------------------------------------------

    @Test
    void callWhileTheFirstRunsFailsFastWithARetryHint() throws Exception {
        OperationKey key = freshKey();
        Blocked first = start(OperationRequest.of(key, "inputs"), () -> "first");

        OperationInProgressException inProgress = catchThrowableOfType(OperationInProgressException.class,
                () -> operations.run(key, "inputs", String.class, counted("second")));

        assertThat(inProgress.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(inProgress.key()).isEqualTo(key);
        assertThat(first.finish()).isEqualTo("first");
        assertThat(operations.run(key, "inputs", String.class, counted("third"))).isEqualTo("first");
        assertThat(runs).hasValue(1);
    }

    @Test
    void waitingCallGetsTheResultWhenTheFirstCompletes() throws Exception {
        OperationKey key = freshKey();
        Blocked first = start(OperationRequest.of(key, "inputs"), () -> "first");
        Future<String> waiting = callAsync(() -> operations.run(waiting(key), String.class, counted("second")));
        observed.awaitClaims(2); // the first call's, and the waiting call's first look

        assertThat(first.finish()).isEqualTo("first");

        assertThat(waiting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(runs).hasValue(1);
    }

    @Test
    void waitingCallRunsTheOperationItselfWhenTheFirstFails() throws Exception {
        OperationKey key = freshKey();
        Blocked first = start(OperationRequest.of(key, "inputs"), () -> {
            throw new IllegalStateException("gateway timed out");
        });
        Future<String> waiting = callAsync(() -> operations.run(waiting(key), String.class, counted("second")));
        observed.awaitClaims(2);

        assertThat(first.failure()).isInstanceOf(IllegalStateException.class).hasMessage("gateway timed out");

        assertThat(waiting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(runs).hasValue(2);
    }

    @Test
    void waitingCallFailsWhenItsWaitRunsOut() throws Exception {
        OperationKey key = freshKey();
        Blocked first = start(OperationRequest.of(key, "inputs"), () -> "first");
        Future<String> waiting = callAsync(() -> operations.run(waiting(key), String.class, counted("second")));
        observed.awaitClaims(2);

        nanos.addAndGet(LONG_WAIT.plusSeconds(1).toNanos()); // the runner's time only: the lease is the store's

        assertThat(failureOf(waiting)).isInstanceOf(OperationInProgressException.class);
        assertThat(first.finish()).isEqualTo("first");
        assertThat(runs).hasValue(1);
    }

    @Test
    void exactlyOneOfManyConcurrentCallsRunsAndAllGetItsResult() throws Exception {
        OperationKey key = freshKey();
        CyclicBarrier start = new CyclicBarrier(RACERS);
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            String mine = "caller-" + i;
            calls.add(callAsync(() -> {
                start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return operations.run(waiting(key), String.class, counted(mine));
            }));
        }

        List<String> results = new ArrayList<>();
        for (Future<String> call : calls) {
            results.add(call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }

        assertThat(runs).hasValue(1);
        assertThat(results).hasSize(RACERS).containsOnly(results.get(0));
    }

    // --- lease, renewal, fencing -----------------------------------------------------------------

    @Test
    void claimOfAHolderThatDiedIsTakenOverAfterItsLeaseAndTheOperationRunsAgain() throws Exception {
        OperationKey key = freshKey();
        Blocked dead = start(OperationRequest.of(key, "inputs").withLease(expiryUnit()), () -> "first");

        pass(beyond(expiryUnit()));

        assertThat(operations.run(key, "inputs", String.class, counted("second"))).isEqualTo("second");
        assertThat(runs).as("the holder that died ran once, the retry once").hasValue(2);
        dead.finish();
    }

    @Test
    void holderWhoseClaimWasTakenOverCannotStoreItsResult() throws Exception {
        OperationKey key = freshKey();
        Blocked stale = start(OperationRequest.of(key, "inputs").withLease(expiryUnit()), () -> "stale");
        pass(beyond(expiryUnit()));
        assertThat(operations.run(key, "inputs", String.class, counted("current"))).isEqualTo("current");

        assertThat(stale.finish()).as("the stale holder's own caller still gets what its operation returned")
                .isEqualTo("stale");

        assertThat(operations.run(key, "inputs", String.class, counted("later"))).isEqualTo("current");
    }

    @Test
    void holderWhoseClaimWasTakenOverCannotReleaseTheNewHoldersClaim() throws Exception {
        OperationKey key = freshKey();
        Blocked stale = start(OperationRequest.of(key, "inputs").withLease(expiryUnit()), () -> {
            throw new IllegalStateException("stale holder failed");
        });
        pass(beyond(expiryUnit()));
        Blocked current = start(OperationRequest.of(key, "inputs"), () -> "current");

        assertThat(stale.failure()).hasMessage("stale holder failed");

        assertThatThrownBy(() -> operations.run(key, "inputs", String.class, counted("third")))
                .as("the current holder still holds the key").isInstanceOf(OperationInProgressException.class);
        assertThat(current.finish()).isEqualTo("current");
        assertThat(operations.run(key, "inputs", String.class, counted("later"))).isEqualTo("current");
    }

    @Test
    void renewalKeepsTheClaimOfAnOperationThatRunsLongerThanItsLease() throws Exception {
        OperationKey key = freshKey();
        Duration lease = expiryUnit();
        Blocked slow = start(OperationRequest.of(key, "inputs").withLease(lease), () -> "slow");

        pass(lease.multipliedBy(2).dividedBy(3));
        scheduler.runPeriodicTasks(); // a third of the lease has passed: renewed
        pass(lease.multipliedBy(2).dividedBy(3));

        assertThatThrownBy(() -> operations.run(key, "inputs", String.class, counted("second")))
                .as("past the original lease, inside the renewed one").isInstanceOf(OperationInProgressException.class);
        assertThat(slow.finish()).isEqualTo("slow");
        assertThat(operations.run(key, "inputs", String.class, counted("third"))).isEqualTo("slow");
        assertThat(runs).hasValue(1);
    }

    @Test
    void outcomeIsReturnedUntilItsTtlAndThenTheOperationRunsAgain() {
        OperationKey key = freshKey();
        OperationRequest request = OperationRequest.of(key, "inputs").withTtl(expiryUnit());
        operations.run(request, String.class, counted("first"));

        pass(beyond(expiryUnit()));

        assertThat(operations.run(request, String.class, counted("second"))).isEqualTo("second");
        assertThat(runs).hasValue(2);
    }

    // --- failures --------------------------------------------------------------------------------

    @Test
    void anExceptionReleasesTheKeySoTheNextCallRunsAgain() {
        OperationKey key = freshKey();
        IllegalStateException failure = new IllegalStateException("gateway timed out");

        assertThatThrownBy(() -> operations.run(key, "inputs", String.class, () -> {
            runs.incrementAndGet();
            throw failure;
        })).isSameAs(failure);

        assertThat(operations.run(key, "inputs", String.class, counted("retried"))).isEqualTo("retried");
        assertThat(runs).hasValue(2);
    }

    @Test
    void aFinalFailureIsStoredAndReplayedWithItsClassAndMessage() {
        OperationKey key = freshKey();
        OperationRequest request = OperationRequest.of(key, "inputs")
                .withFailurePolicy(FailurePolicy.storeInstancesOf(CardDeclinedException.class));
        CardDeclinedException declined = new CardDeclinedException("card declined: insufficient funds\nretry: never, café");

        assertThatThrownBy(() -> operations.run(request, String.class, () -> {
            runs.incrementAndGet();
            throw declined;
        })).isSameAs(declined);
        ReplayedFailureException replayed = catchThrowableOfType(ReplayedFailureException.class,
                () -> operations.run(request, String.class, counted("again")));

        assertThat(replayed.failureClassName()).isEqualTo(CardDeclinedException.class.getName());
        assertThat(replayed.failureMessage()).contains(declined.getMessage());
        assertThat(replayed.key()).isEqualTo(key);
        assertThat(runs).hasValue(1);
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** A result of the kind a payment operation returns. */
    public record Receipt(String id, BigDecimal amount, String currency, List<String> lines, String note) {
    }

    /** A failure that is the operation's final outcome in these tests. */
    public static final class CardDeclinedException extends Exception {
        CardDeclinedException(String message) {
            super(message);
        }
    }

    private static OperationKey freshKey() {
        return OperationKey.of("contract-" + UUID.randomUUID(), "key-" + UUID.randomUUID());
    }

    private static OperationRequest waiting(OperationKey key) {
        return OperationRequest.of(key, "inputs").withConcurrency(ConcurrencyPolicy.waitUpTo(LONG_WAIT));
    }

    /** Some time after {@code duration}, so that an expiry at exactly {@code duration} has surely passed. */
    private static Duration beyond(Duration duration) {
        return duration.plus(duration.dividedBy(5));
    }

    /** Lets the store's time and the runner's time pass together. */
    private void pass(Duration duration) {
        letTimePass(duration);
        nanos.addAndGet(duration.toNanos());
    }

    private <T> Operation<T, RuntimeException> counted(T result) {
        return () -> {
            runs.incrementAndGet();
            return result;
        };
    }

    private <T> Future<T> callAsync(Callable<T> call) {
        return callers.submit(call);
    }

    private static Throwable failureOf(Future<?> call) throws Exception {
        try {
            call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call returned instead of failing");
    }

    /**
     * Starts a call on another thread whose operation blocks once it runs, until {@link #finish()}
     * or {@link #failure()}; returns once it runs (its claim is made). Counted in {@link #runs}.
     */
    private Blocked start(OperationRequest request, Operation<String, ? extends Exception> then) throws Exception {
        return new Blocked(request, then);
    }

    private final class Blocked {
        private final CountDownLatch running = new CountDownLatch(1);
        private final CountDownLatch proceed = new CountDownLatch(1);
        private final Future<String> call;

        Blocked(OperationRequest request, Operation<String, ? extends Exception> then) throws InterruptedException {
            call = callAsync(() -> operations.run(request, String.class, () -> {
                runs.incrementAndGet();
                running.countDown();
                if (!proceed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never let the blocked operation finish");
                }
                return then.run();
            }));
            assertThat(running.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the blocked operation runs").isTrue();
        }

        /** Lets the operation finish; @return what the call returned */
        String finish() throws Exception {
            proceed.countDown();
            return call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        /** Lets the operation finish; @return what the call threw */
        Throwable failure() throws Exception {
            proceed.countDown();
            return failureOf(call);
        }
    }

    /** The store under test, counting claims so that a test can wait until a waiting call has looked. */
    private static final class ObservedStore implements IdempotencyStore {
        private final IdempotencyStore store;
        private int claims;

        ObservedStore(IdempotencyStore store) {
            this.store = store;
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
            try {
                return store.claim(request);
            } finally {
                synchronized (this) {
                    claims++;
                    notifyAll();
                }
            }
        }

        @Override
        public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
            return store.claimAsync(request);
        }

        synchronized void awaitClaims(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (claims < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the store saw " + claims + " claims, expected " + count);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
