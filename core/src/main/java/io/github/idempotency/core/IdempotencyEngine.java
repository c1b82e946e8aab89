package io.github.idempotency.core;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import io.github.idempotency.core.key.IdempotencyKey;
import io.github.idempotency.core.key.InvalidIdempotencyKeyException;
import io.github.idempotency.core.problem.Problem;
import io.github.idempotency.core.problem.ProblemType;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.UnreadableRecordException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework-free entry point: given a request and its endpoint's policy, decides whether the
 * handler runs, a stored response is replayed, or the request is rejected; and after the handler,
 * stores or releases according to the policy.
 *
 * <p>Thread-safe; one engine serves the whole application. Build with {@link #builder(IdempotencyStore)}.
 */
public final class IdempotencyEngine implements AutoCloseable {

    /** The default request header carrying the key. */
    public static final String DEFAULT_KEY_HEADER = "Idempotency-Key";

    /** The header added to every replayed response, with the value {@code true}. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    /**
     * The header of a replay whose original body was larger than the endpoint's stored-body limit
     * and was therefore not stored: its value is the original body's length in bytes, and the
     * replay's body is empty.
     */
    public static final String BODY_OMITTED_HEADER = "Idempotent-Body-Omitted";

    /** The default base of problem type URIs. */
    public static final URI DEFAULT_PROBLEM_BASE = URI.create("https://idempotency.github.io/problems/");

    private static final Logger log = LoggerFactory.getLogger(IdempotencyEngine.class);

    private static final Decision.PassThrough NOT_GUARDED =
            new Decision.PassThrough(Decision.PassThrough.Reason.METHOD_NOT_GUARDED);
    private static final Decision.PassThrough NO_KEY = new Decision.PassThrough(Decision.PassThrough.Reason.NO_KEY);
    private static final Decision.PassThrough STORE_DOWN =
            new Decision.PassThrough(Decision.PassThrough.Reason.STORE_UNAVAILABLE);

    /** How often the tick looks for claims due for renewal (or a retried completion). */
    private static final long TICK_MILLIS = 100;

    /** The most background store calls (renewals, retried completions) running at once by default. */
    private static final int MAX_STORE_CALL_THREADS = 64;

    /** First and longest pause between two looks at an in-flight entry while waiting for it. */
    private static final long FIRST_POLL_MILLIS = 5;
    private static final long MAX_POLL_MILLIS = 250;

    private final IdempotencyStore store;
    private final LongSupplier nanoTime;
    private final ScopeResolver scopeResolver;
    private final StoreFailureMode storeFailureMode;
    private final String keyHeader;
    private final IdempotencyListener listener;
    private final Duration inFlightRetryAfter;
    private final Duration storeUnavailableRetryAfter;
    private final ScheduledExecutorService renewalScheduler;
    private final boolean ownsScheduler;
    private final Executor storeCalls;
    private final ExecutorService ownedStoreCalls;
    private final EnumMap<ProblemType, URI> problemTypes = new EnumMap<>(ProblemType.class);
    /**
     * The executions whose handler runs, or whose failed complete is being retried: looked at by
     * one periodic tick (not one task per request).
     */
    private final Set<Execution> running = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> tick;

    private IdempotencyEngine(Builder b) {
        store = b.store;
        nanoTime = b.nanoTime;
        scopeResolver = b.scopeResolver;
        storeFailureMode = b.storeFailureMode;
        keyHeader = b.keyHeader;
        listener = b.listener;
        inFlightRetryAfter = b.inFlightRetryAfter;
        storeUnavailableRetryAfter = b.storeUnavailableRetryAfter;
        ownsScheduler = b.renewalScheduler == null;
        renewalScheduler = ownsScheduler ? defaultScheduler() : b.renewalScheduler;
        ownedStoreCalls = b.storeCalls == null ? defaultStoreCalls() : null;
        storeCalls = b.storeCalls == null ? ownedStoreCalls : b.storeCalls;
        for (ProblemType type : ProblemType.values()) {
            problemTypes.put(type, b.problemBase.resolve(type.slug()));
        }
        tick = renewalScheduler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the store calls that are due (renewals, retried completions) on the store-call
     * executor; runs on the scheduler and never calls the store itself, so no store call can hold
     * it up. Nothing it throws ends the periodic task.
     */
    private void tick() {
        try {
            long now = nanoTime.getAsLong();
            for (Execution execution : running) {
                execution.tick(now);
            }
        } catch (Throwable t) {
            log.error("Idempotency lease renewal tick failed; the next tick runs as usual", t);
        }
    }

    private static ScheduledExecutorService defaultScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("idempotency-lease-renewal"));
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    private static ExecutorService defaultStoreCalls() {
        return new ThreadPoolExecutor(0, MAX_STORE_CALL_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemonThreads("idempotency-store-call"));
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * @param store where entries live
     * @return a builder with the documented defaults
     */
    public static Builder builder(IdempotencyStore store) {
        return new Builder(store);
    }

    /** @return the request header carrying the key */
    public String keyHeader() {
        return keyHeader;
    }

    /**
     * Decides what happens to one request. Reads the request body (through
     * {@link RequestView#readBody}) only when the request is guarded and carries a valid key. With a
     * waiting {@link ConcurrencyPolicy} it may block up to that policy's bound.
     *
     * @param request the request
     * @param policy the endpoint's policy
     * @return the decision; bad input and store failures are decisions, never exceptions
     * @throws IOException if the request body cannot be read (the client went away)
     */
    public Decision decide(RequestView request, EndpointPolicy policy) throws IOException {
        Object prepared = prepare(request, policy);
        if (prepared instanceof Decision decision) {
            return decision;
        }
        Attempt attempt = (Attempt) prepared;
        while (true) {
            ClaimResult result;
            try {
                result = claim(attempt.claimRequest);
            } catch (IdempotencyStoreException e) {
                return storeFailure(request, e);
            } catch (UnreadableRecordException e) {
                return unreadableRecord(request, e);
            }
            Decision decision = settle(attempt, result);
            if (decision != null) {
                return decision;
            }
            long pause = attempt.nextPauseMillis();
            if (pause <= 0 || !pause(pause)) {
                return inFlight(request);
            }
        }
    }

    /**
     * The non-blocking form of {@link #decide(RequestView, EndpointPolicy)}, for adapters on an
     * event loop: the store is called through {@link IdempotencyStore#claimAsync(ClaimRequest)},
     * and a waiting {@link ConcurrencyPolicy} looks again on the engine's scheduler instead of
     * sleeping. The request body must already be in memory: {@link RequestView#readBody} is called
     * on the calling thread.
     *
     * @param request the request, its body buffered
     * @param policy the endpoint's policy
     * @return the decision; bad input and store failures are decisions; the stage fails only with
     *     an {@link IOException} from {@link RequestView#readBody} or an unexpected error
     */
    public CompletionStage<Decision> decideAsync(RequestView request, EndpointPolicy policy) {
        Object prepared;
        try {
            prepared = prepare(request, policy);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (prepared instanceof Decision decision) {
            return CompletableFuture.completedFuture(decision);
        }
        CompletableFuture<Decision> decision = new CompletableFuture<>();
        claimAsync((Attempt) prepared, decision);
        return decision;
    }

    private void claimAsync(Attempt attempt, CompletableFuture<Decision> decision) {
        long start = System.nanoTime();
        stage(() -> store.claimAsync(attempt.claimRequest)).whenComplete((result, failure) -> {
            timed(IdempotencyListener.StoreOperation.CLAIM, start, failure == null);
            try {
                Throwable cause = unwrap(failure);
                if (cause instanceof IdempotencyStoreException e) {
                    decision.complete(storeFailure(attempt.request, e));
                } else if (cause instanceof UnreadableRecordException e) {
                    decision.complete(unreadableRecord(attempt.request, e));
                } else if (cause != null) {
                    decision.completeExceptionally(cause);
                } else {
                    Decision settled = settle(attempt, result);
                    long pause = settled == null ? attempt.nextPauseMillis() : 0;
                    if (settled != null) {
                        decision.complete(settled);
                    } else if (pause <= 0) {
                        decision.complete(inFlight(attempt.request));
                    } else {
                        renewalScheduler.schedule(() -> claimAsync(attempt, decision), pause, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (Throwable t) {
                decision.completeExceptionally(t);
            }
        });
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Everything before the first store call: the method, the key, the body and its fingerprint.
     *
     * @return a {@link Decision} when the request is settled without the store, else the
     *     {@link Attempt} to claim
     */
    private Object prepare(RequestView request, EndpointPolicy policy) throws IOException {
        if (!policy.guards(request.method())) {
            return NOT_GUARDED;
        }
        List<String> keyValues = request.headerValues(keyHeader);
        if (keyValues.isEmpty()) {
            if (!policy.keyRequired()) {
                return NO_KEY;
            }
            return reject(request, Outcome.MISSING_KEY, ProblemType.MISSING_KEY,
                    "This endpoint requires an " + keyHeader + " header: 1 to 255 visible ASCII characters,"
                            + " for example a UUID, the same on every retry of the request.", null);
        }
        IdempotencyKey key;
        try {
            key = IdempotencyKey.parse(keyValues);
        } catch (InvalidIdempotencyKeyException e) {
            return reject(request, Outcome.INVALID_KEY, ProblemType.INVALID_KEY, e.getMessage(), null);
        }

        FingerprintStrategy.Fingerprinter fingerprinter = policy.fingerprint().start(request);
        try {
            request.readBody(policy.maxRequestBodyBytes(), fingerprinter);
        } catch (BodyTooLargeException e) {
            return reject(request, Outcome.BODY_TOO_LARGE, ProblemType.BODY_TOO_LARGE,
                    "The request body exceeds the limit of " + e.limit() + " bytes for this endpoint.", null);
        }
        Fingerprint fingerprint = fingerprinter.finish();
        ClaimRequest claimRequest =
                new ClaimRequest(new EntryKey(scopeResolver.resolve(request), key.value()), fingerprint, policy.lease());
        return new Attempt(request, policy, key, claimRequest);
    }

    /**
     * @return the decision for a claim's answer, or {@code null} when another request with the
     *     same fingerprint holds the key and the caller may wait for it
     */
    private Decision settle(Attempt attempt, ClaimResult result) {
        RequestView request = attempt.request;
        if (result instanceof ClaimResult.Acquired acquired) {
            report(request, Outcome.NEW);
            Execution execution = new Execution(acquired.claim(), attempt.key, attempt.policy, request);
            execution.startRenewal();
            return new Proceed(execution);
        }
        Fingerprint stored = result instanceof ClaimResult.Completed completed
                ? completed.fingerprint() : ((ClaimResult.InFlight) result).fingerprint();
        if (!stored.equals(attempt.claimRequest.fingerprint())) {
            return mismatch(request);
        }
        if (result instanceof ClaimResult.Completed completed) {
            report(request, Outcome.REPLAYED);
            return new Decision.Replay(completed.response());
        }
        return null;
    }

    private Decision inFlight(RequestView request) {
        return reject(request, Outcome.IN_FLIGHT, ProblemType.IN_FLIGHT,
                "A request with this " + keyHeader + " is still being processed. Retry after "
                        + Math.max(1, inFlightRetryAfter.toSeconds()) + " s to receive its response.",
                inFlightRetryAfter);
    }

    /** One request's claim on its key, tried again while a waiting policy waits for the holder. */
    private final class Attempt {
        final RequestView request;
        final EndpointPolicy policy;
        final IdempotencyKey key;
        final ClaimRequest claimRequest;
        private final long waitStart = nanoTime.getAsLong();
        private long pause = FIRST_POLL_MILLIS;

        Attempt(RequestView request, EndpointPolicy policy, IdempotencyKey key, ClaimRequest claimRequest) {
            this.request = request;
            this.policy = policy;
            this.key = key;
            this.claimRequest = claimRequest;
        }

        /** @return how long to pause before the next look, doubling up to a bound; 0 when done waiting */
        long nextPauseMillis() {
            long maxWait = policy.concurrency().waits() ? policy.concurrency().maxWait().toNanos() : 0;
            long remaining = TimeUnit.NANOSECONDS.toMillis(maxWait - (nanoTime.getAsLong() - waitStart));
            if (remaining <= 0) {
                return 0;
            }
            long next = Math.min(pause, remaining);
            pause = Math.min(pause * 2, MAX_POLL_MILLIS);
            return next;
        }
    }

    /**
     * Stops lease renewal and retried completions (the claims of running handlers expire by
     * lease).
     */
    @Override
    public void close() {
        tick.cancel(false);
        if (ownsScheduler) {
            renewalScheduler.shutdownNow();
        }
        if (ownedStoreCalls != null) {
            ownedStoreCalls.shutdownNow();
        }
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Decision mismatch(RequestView request) {
        return reject(request, Outcome.MISMATCH, ProblemType.FINGERPRINT_MISMATCH,
                "This " + keyHeader + " was already used for a different request (method, path, query,"
                        + " content type or body differ). Use a new key for a new request.", null);
    }

    private Decision storeFailure(RequestView request, IdempotencyStoreException e) {
        report(request, Outcome.STORE_ERROR);
        if (storeFailureMode == StoreFailureMode.FAIL_OPEN) {
            log.warn("Idempotency store unavailable, running {} {} without idempotency (fail open): {}",
                    request.method(), request.route(), e.toString());
            return STORE_DOWN;
        }
        log.warn("Idempotency store unavailable, rejecting {} {} with 503 (fail closed): {}",
                request.method(), request.route(), e.toString());
        return new Decision.Reject(problem(ProblemType.STORE_UNAVAILABLE,
                "The idempotency store cannot be reached, so the request was not processed. Retry later.",
                storeUnavailableRetryAfter));
    }

    /**
     * A completed record the store could not read: a handler ran for this key, so it never runs
     * again; the message names no key material (see {@link UnreadableRecordException}).
     */
    private Decision unreadableRecord(RequestView request, UnreadableRecordException e) {
        log.error("The stored response of {} {} cannot be read, answering 500 without running the handler: {}",
                request.method(), request.route(), e.getMessage());
        return reject(request, Outcome.UNREADABLE_RECORD, ProblemType.UNREADABLE_RECORD,
                "A request with this " + keyHeader + " was processed before, but its stored response cannot be read"
                        + " back, so the request was not processed again. Contact the operator of this service.", null);
    }

    private Decision reject(RequestView request, Outcome outcome, ProblemType type, String detail,
            Duration retryAfter) {
        report(request, outcome);
        return new Decision.Reject(problem(type, detail, retryAfter));
    }

    private Problem problem(ProblemType type, String detail, Duration retryAfter) {
        return new Problem(type, problemTypes.get(type), detail, Optional.ofNullable(retryAfter));
    }

    private void report(RequestView request, Outcome outcome) {
        if (log.isDebugEnabled()) {
            log.debug("{} {} -> {}", request.method(), request.route(), outcome.tag());
        }
        try {
            listener.onOutcome(outcome, request);
        } catch (RuntimeException e) {
            log.warn("Idempotency listener failed on outcome {}", outcome, e);
        }
    }

    private ClaimResult claim(ClaimRequest request) {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            ClaimResult result = store.claim(request);
            ok = true;
            return result;
        } finally {
            timed(IdempotencyListener.StoreOperation.CLAIM, start, ok);
        }
    }

    private void timed(IdempotencyListener.StoreOperation operation, long start, boolean ok) {
        timedNanos(operation, System.nanoTime() - start, ok);
    }

    private void timedNanos(IdempotencyListener.StoreOperation operation, long nanos, boolean ok) {
        try {
            listener.onStoreCall(operation, nanos, ok);
        } catch (RuntimeException e) {
            log.warn("Idempotency listener failed on store call {}", operation, e);
        }
    }

    /**
     * @return {@code response} without the headers the policy excludes; the same instance when
     *     nothing is excluded
     */
    private static StoredResponse storable(StoredResponse response, EndpointPolicy policy) {
        List<ResponseHeader> headers = response.headers();
        for (ResponseHeader header : headers) {
            if (!policy.storesHeader(header.name())) {
                List<ResponseHeader> kept = new ArrayList<>(headers.size());
                for (ResponseHeader h : headers) {
                    if (policy.storesHeader(h.name())) {
                        kept.add(h);
                    }
                }
                return new StoredResponse(response.status(), kept, response.body());
            }
        }
        return response;
    }

    /**
     * The state of one proceeding request, behind {@link Proceed}. While the handler runs, and
     * after a failed complete until the response is stored or the lease runs out, the execution is
     * in {@link #running}: the tick (on the scheduler) hands its store calls to the store-call
     * executor, at most one at a time per execution, so a slow call delays only its own claim.
     */
    final class Execution {
        private final Claim claim;
        private final IdempotencyKey key;
        private final EndpointPolicy policy;
        private final RequestView request;
        private final long leaseNanos;
        private final long renewalIntervalNanos;
        private final AtomicBoolean finished = new AtomicBoolean();
        /** Monotonic nanos at which the lease is next renewed. */
        private volatile long renewAtNanos;
        /** Monotonic nanos until which the claim is known to be held (claim or last renewal + lease). */
        private volatile long heldUntilNanos;
        /** A response whose complete failed, stored again in the background; null when none. */
        private volatile StoredResponse pendingCompletion;
        private volatile long retryAtNanos;
        /** Whether a background store call of this execution runs; at most one does. */
        private final AtomicBoolean callRunning = new AtomicBoolean();
        private volatile long callStartedNanos;
        private volatile boolean callTimedOut;
        private volatile IdempotencyListener.StoreOperation callOperation;
        /** The thread running the background call, guarded by {@code this}. */
        private Thread callThread;

        Execution(Claim claim, IdempotencyKey key, EndpointPolicy policy, RequestView request) {
            this.claim = claim;
            this.key = key;
            this.policy = policy;
            this.request = request;
            this.leaseNanos = policy.lease().toNanos();
            this.renewalIntervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), leaseNanos / 3);
            long now = nanoTime.getAsLong();
            this.heldUntilNanos = now + leaseNanos;
            this.renewAtNanos = now + renewalIntervalNanos;
        }

        IdempotencyKey key() {
            return key;
        }

        EntryKey entryKey() {
            return claim.key();
        }

        long maxStoredBodyBytes() {
            return policy.maxStoredBodyBytes();
        }

        void startRenewal() {
            running.add(this);
            if (finished.get()) {
                running.remove(this);
            }
        }

        /**
         * Starts the store call that is due, if any, on the store-call executor; called by the
         * tick only. A call that has not answered within the renewal interval is counted as
         * failed and interrupted; the next call of this execution waits until it returns.
         */
        void tick(long now) {
            if (callRunning.get()) {
                if (!callTimedOut && now - callStartedNanos >= renewalIntervalNanos) {
                    callTimedOut = true;
                    interruptCall();
                    timedNanos(callOperation, now - callStartedNanos, false);
                    log.warn("A store call for {} {} has not answered within {} ms; counted as failed, interrupted,"
                            + " and the claim's next call waits for it", request.method(), request.route(),
                            TimeUnit.NANOSECONDS.toMillis(renewalIntervalNanos));
                }
                return;
            }
            StoredResponse pending = pendingCompletion;
            if (pending != null) {
                if (now - heldUntilNanos >= 0) {
                    pendingCompletion = null;
                    running.remove(this);
                    log.warn("Gave up storing the response of {} {}: its lease ran out while the store was"
                            + " unreachable; a retry runs the handler again", request.method(), request.route());
                } else if (now - retryAtNanos >= 0) {
                    call(now, IdempotencyListener.StoreOperation.COMPLETE, () -> retryCompletion(pending));
                }
            } else if (!finished.get() && now - renewAtNanos >= 0) {
                call(now, IdempotencyListener.StoreOperation.RENEW, () -> renew(now));
            }
        }

        private void call(long now, IdempotencyListener.StoreOperation operation, Runnable call) {
            callStartedNanos = now;
            callOperation = operation;
            callTimedOut = false;
            callRunning.set(true);
            try {
                storeCalls.execute(() -> runCall(call));
            } catch (RejectedExecutionException e) {
                callRunning.set(false); // the executor is saturated or shut down: the next tick tries again
                log.debug("Store call for {} {} not started: {}", request.method(), request.route(), e.toString());
            }
        }

        private void runCall(Runnable call) {
            synchronized (this) {
                callThread = Thread.currentThread();
            }
            try {
                call.run();
            } catch (Throwable t) { // store failures are handled (and counted) by the call; this is anything else
                log.error("A background store call for {} {} failed; the next tick tries again",
                        request.method(), request.route(), t);
            } finally {
                synchronized (this) {
                    callThread = null;
                    Thread.interrupted(); // an interrupt for this call must not reach the thread's next task
                }
                callRunning.set(false);
            }
        }

        private synchronized void interruptCall() {
            if (callThread != null) {
                callThread.interrupt();
            }
        }

        /** Renews the lease; runs on the store-call executor. */
        private void renew(long startedAt) {
            long start = System.nanoTime();
            boolean ok = false;
            try {
                boolean held = claim.renew(policy.lease());
                ok = true;
                if (held) {
                    heldUntilNanos = startedAt + leaseNanos;
                    renewAtNanos = startedAt + renewalIntervalNanos;
                } else if (!finished.get()) { // a renewal racing completion finds the record: not a loss
                    running.remove(this);
                    log.warn("Lost the claim on {} {} while its handler runs (lease expired and taken over, or"
                            + " evicted); its response will not be stored", request.method(), request.route());
                }
            } catch (RuntimeException e) {
                renewAtNanos = nanoTime.getAsLong() + Math.max(1, leaseNanos / 10);
                log.warn("Renewing the lease on {} {} failed, will try again: {}",
                        request.method(), request.route(), e.toString());
            } finally {
                if (!callTimedOut) {
                    timed(IdempotencyListener.StoreOperation.RENEW, start, ok);
                }
            }
        }

        boolean complete(StoredResponse response) {
            if (!finish()) {
                return false;
            }
            if (!policy.storagePolicy().shouldStore(response.status())) {
                releaseClaim(Outcome.NOT_STORED);
                return false;
            }
            StoredResponse storable = storable(response);
            long start = System.nanoTime();
            boolean stored;
            try {
                stored = claim.complete(storable, policy.ttl());
            } catch (RuntimeException e) {
                timed(IdempotencyListener.StoreOperation.COMPLETE, start, false);
                completionFailed(storable, e);
                return false;
            }
            timed(IdempotencyListener.StoreOperation.COMPLETE, start, true);
            return completed(stored);
        }

        CompletionStage<Boolean> completeAsync(StoredResponse response) {
            if (!finish()) {
                return CompletableFuture.completedFuture(false);
            }
            if (!policy.storagePolicy().shouldStore(response.status())) {
                return releaseClaimAsync(Outcome.NOT_STORED).thenApply(released -> false);
            }
            StoredResponse storable = storable(response);
            long start = System.nanoTime();
            return stage(() -> claim.completeAsync(storable, policy.ttl())).handle((stored, failure) -> {
                timed(IdempotencyListener.StoreOperation.COMPLETE, start, failure == null);
                if (failure != null) {
                    completionFailed(storable, unwrap(failure));
                    return false;
                }
                return completed(stored);
            });
        }

        /** @return {@code response} as the policy stores it: excluded headers dropped, an oversized body omitted */
        private StoredResponse storable(StoredResponse response) {
            StoredResponse storable = IdempotencyEngine.storable(response, policy);
            if (storable.body().length > policy.maxStoredBodyBytes()) {
                log.debug("Response of {} {} has {} bytes, more than the {} bytes stored; stored without its body",
                        request.method(), request.route(), storable.body().length, policy.maxStoredBodyBytes());
                storable = storable.withBodyOmitted(storable.body().length);
            }
            return storable;
        }

        private boolean completed(boolean stored) {
            if (!stored) {
                report(request, Outcome.NOT_STORED);
                logLost();
            }
            return stored;
        }

        private void logLost() {
            log.warn("Response of {} {} not stored: the claim was lost (lease expired and taken over, or evicted)",
                    request.method(), request.route());
        }

        /** Keeps trying to store {@code storable} in the background until the lease runs out. */
        private void completionFailed(StoredResponse storable, Throwable e) {
            log.warn("Storing the response of {} {} failed; trying again until its lease runs out: {}",
                    request.method(), request.route(), e.toString());
            report(request, Outcome.STORE_ERROR);
            retryAtNanos = nanoTime.getAsLong() + completionRetryNanos();
            pendingCompletion = storable;
            running.add(this);
        }

        private long completionRetryNanos() {
            return TimeUnit.MILLISECONDS.toNanos(Math.min(1000, Math.max(50, policy.lease().toMillis() / 10)));
        }

        /** Stores a response whose complete failed; runs on the store-call executor. */
        private void retryCompletion(StoredResponse response) {
            try {
                if (storeResponse(response)) {
                    log.info("Stored the response of {} {} on a later attempt", request.method(), request.route());
                }
                pendingCompletion = null;
                running.remove(this);
            } catch (RuntimeException e) {
                retryAtNanos = nanoTime.getAsLong() + completionRetryNanos();
                log.debug("Storing the response of {} {} failed again: {}", request.method(), request.route(),
                        e.toString());
            }
        }

        /**
         * One complete call, timed.
         *
         * @return whether stored; {@code false} (logged) when the claim was lost
         * @throws RuntimeException when the store fails
         */
        private boolean storeResponse(StoredResponse storable) {
            long start = System.nanoTime();
            boolean ok = false;
            try {
                boolean stored = claim.complete(storable, policy.ttl());
                ok = true;
                if (!stored) {
                    logLost();
                }
                return stored;
            } finally {
                timed(IdempotencyListener.StoreOperation.COMPLETE, start, ok);
            }
        }

        void release(Outcome why) {
            if (finish()) {
                releaseClaim(why);
            }
        }

        CompletionStage<Void> releaseAsync(Outcome why) {
            return finish() ? releaseClaimAsync(why) : CompletableFuture.completedFuture(null);
        }

        void abandon(String why) {
            if (finish()) {
                report(request, Outcome.NOT_STORED);
                log.warn("Response of {} {} not stored and its key kept until the lease ({}) runs out, so that a retry"
                        + " does not run the handler again meanwhile: {}", request.method(), request.route(),
                        policy.lease(), why);
            }
        }

        void stopRenewal() {
            if (pendingCompletion == null) {
                running.remove(this);
            }
        }

        private boolean finish() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            running.remove(this);
            return true;
        }

        private void releaseClaim(Outcome why) {
            report(request, why);
            long start = System.nanoTime();
            try {
                claim.release();
                timed(IdempotencyListener.StoreOperation.RELEASE, start, true);
            } catch (RuntimeException e) {
                timed(IdempotencyListener.StoreOperation.RELEASE, start, false);
                releaseFailed(e);
            }
        }

        private CompletionStage<Void> releaseClaimAsync(Outcome why) {
            report(request, why);
            long start = System.nanoTime();
            return stage(claim::releaseAsync).handle((released, failure) -> {
                timed(IdempotencyListener.StoreOperation.RELEASE, start, failure == null);
                if (failure != null) {
                    releaseFailed(unwrap(failure));
                }
                return null;
            });
        }

        private void releaseFailed(Throwable e) {
            log.warn("Releasing the key of {} {} failed; it is free again when its lease ({}) runs out: {}",
                    request.method(), request.route(), policy.lease(), e.toString());
        }
    }

    /** @return the stage {@code call} returns, or a failed stage when it throws instead */
    private static <T> CompletionStage<T> stage(java.util.function.Supplier<CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Builds an {@link IdempotencyEngine}. Not thread-safe. */
    public static final class Builder {
        private final IdempotencyStore store;
        private LongSupplier nanoTime = System::nanoTime;
        private ScopeResolver scopeResolver = ScopeResolver.principalMethodRoute();
        private StoreFailureMode storeFailureMode = StoreFailureMode.FAIL_CLOSED;
        private String keyHeader = DEFAULT_KEY_HEADER;
        private URI problemBase = DEFAULT_PROBLEM_BASE;
        private IdempotencyListener listener = IdempotencyListener.none();
        private Duration inFlightRetryAfter = Duration.ofSeconds(1);
        private Duration storeUnavailableRetryAfter = Duration.ofSeconds(5);
        private ScheduledExecutorService renewalScheduler;
        private Executor storeCalls;

        private Builder(IdempotencyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * @param nanoTime a monotonic time source in nanoseconds for lease renewal and waits
         *     (default {@link System#nanoTime()}); a wall clock stepped by NTP or by hand would stop
         *     or rush renewals
         * @return this
         */
        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /** @param resolver the scope resolver (default principal + method + route) @return this */
        public Builder scopeResolver(ScopeResolver resolver) {
            this.scopeResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** @param mode what happens when the store fails (default fail closed) @return this */
        public Builder storeFailureMode(StoreFailureMode mode) {
            this.storeFailureMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** @param name the request header carrying the key (default {@code Idempotency-Key}) @return this */
        public Builder keyHeader(String name) {
            this.keyHeader = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @param base the base URI of problem types (default {@link IdempotencyEngine#DEFAULT_PROBLEM_BASE}) @return this */
        public Builder problemBase(URI base) {
            this.problemBase = Objects.requireNonNull(base, "base");
            return this;
        }

        /** @param listener observes decisions and store calls (default none) @return this */
        public Builder listener(IdempotencyListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @param retryAfter {@code Retry-After} of a {@code 409} (default 1 s) @return this */
        public Builder inFlightRetryAfter(Duration retryAfter) {
            this.inFlightRetryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
            return this;
        }

        /** @param retryAfter {@code Retry-After} of a {@code 503} (default 5 s) @return this */
        public Builder storeUnavailableRetryAfter(Duration retryAfter) {
            this.storeUnavailableRetryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
            return this;
        }

        /**
         * @param scheduler runs lease renewals (default: a single daemon thread owned and closed by
         *     the engine); a supplied scheduler is not shut down by {@link IdempotencyEngine#close()}
         * @return this
         */
        public Builder renewalScheduler(ScheduledExecutorService scheduler) {
            this.renewalScheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @param executor runs the background store calls (lease renewals, retried completions),
         *     at most one at a time per claim, so that a slow call holds up only its own claim
         *     (default: up to {@value IdempotencyEngine#MAX_STORE_CALL_THREADS} daemon threads owned
         *     and shut down by the engine); a supplied executor is not shut down by
         *     {@link IdempotencyEngine#close()}
         * @return this
         */
        public Builder storeCallExecutor(Executor executor) {
            this.storeCalls = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** @return the engine */
        public IdempotencyEngine build() {
            return new IdempotencyEngine(this);
        }
    }
}
