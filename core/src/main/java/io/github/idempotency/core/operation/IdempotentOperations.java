package io.github.idempotency.core.operation;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.StoragePolicy;
import io.github.idempotency.core.StoreFailureMode;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import io.github.idempotency.core.problem.Problem;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.UnreadableRecordException;
import io.github.idempotency.core.store.StoredResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs any operation once per key, without HTTP: the first call with an {@link OperationKey} runs
 * the operation and stores its result; every later call with that key gets the stored result
 * without running it, until the record's TTL ends. For message consumers (a broker delivers at
 * least once), scheduled jobs, service methods.
 *
 * <pre>{@code
 * IdempotentOperations operations = IdempotentOperations.builder(store).build();
 *
 * Receipt receipt = operations.run(OperationKey.of("payments.charge", message.id()), message.payload(),
 *         Receipt.class, () -> gateway.charge(message.payload()));
 * }</pre>
 *
 * <p>A call runs on the {@link IdempotencyEngine} with the same store, lease, renewal and fencing
 * as an HTTP request: the key is claimed in the store with a fingerprint of the inputs and a lease,
 * renewed every third of the lease while the operation runs; a holder that dies stops renewing, its
 * lease runs out and the next call runs the operation; a holder whose claim was taken over cannot
 * store its outcome. A call with the key and other inputs throws
 * {@link OperationKeyReusedException}; a call while another still runs waits or throws
 * {@link OperationInProgressException} (see {@link ConcurrencyPolicy}); a store that cannot be
 * reached throws {@link IdempotencyStoreException} and the operation does not run (unless
 * {@link Builder#storeFailureMode(StoreFailureMode) fail open}). An exception of the operation
 * releases the key and is rethrown, unless the {@link FailurePolicy} makes it the stored outcome.
 *
 * <p>The record and the operation's own effects are not atomic: when the process dies after the
 * effects and before the record is stored, the next call after the lease runs the operation
 * again.
 *
 * <p>Thread-safe; one runner serves the whole application. {@link #close()} stops lease renewal.
 */
public final class IdempotentOperations implements AutoCloseable {

    /** The prefix of the store scope of every operation entry, so no HTTP entry ever shares it. */
    static final String SCOPE_PREFIX = "op:";

    private static final Logger log = LoggerFactory.getLogger(IdempotentOperations.class);
    private static final ResultType<Void> VOID = ResultType.of(Void.class);

    private final StoreFailureCapture store;
    private final IdempotencyEngine engine;
    private final ResultCodec codec;
    private final FailurePolicy failurePolicy;
    private final Duration inProgressRetryAfter;
    private final EndpointPolicy defaultPolicy;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IdempotentOperations(Builder b) {
        store = new StoreFailureCapture(b.store);
        codec = b.codec;
        failurePolicy = b.failurePolicy;
        inProgressRetryAfter = b.inProgressRetryAfter;
        defaultPolicy = EndpointPolicy.builder()
                .methods(OperationCall.METHOD)
                .keyRequired(true)
                .lease(b.lease)
                .ttl(b.ttl)
                .concurrency(b.concurrency)
                .fingerprint(FingerprintStrategy.canonicalJson())
                .storagePolicy(StoragePolicy.storeAll())
                .maxRequestBodyBytes(Long.MAX_VALUE)
                .maxStoredBodyBytes(Long.MAX_VALUE)
                .build();
        IdempotencyEngine.Builder engineBuilder = IdempotencyEngine.builder(store)
                .scopeResolver(call -> SCOPE_PREFIX + call.route())
                .storeFailureMode(b.storeFailureMode)
                .listener(b.listener)
                .inFlightRetryAfter(b.inProgressRetryAfter);
        if (b.nanoTime != null) {
            engineBuilder.nanoTime(b.nanoTime);
        }
        if (b.renewalScheduler != null) {
            engineBuilder.renewalScheduler(b.renewalScheduler);
        }
        if (b.storeCalls != null) {
            engineBuilder.storeCallExecutor(b.storeCalls);
        }
        engine = engineBuilder.build();
    }

    /**
     * @param store where operation records live; the stores of HTTP requests serve too (operation
     *     entries never meet HTTP entries)
     * @return a builder with the documented defaults
     */
    public static Builder builder(IdempotencyStore store) {
        return new Builder(store);
    }

    /**
     * Runs {@code work} unless a call with {@code key} ran it before, with the runner's defaults.
     *
     * @param <T> the result type
     * @param <E> the checked exception {@code work} may throw
     * @param key the operation's key
     * @param inputs what the operation depends on; encoded by the codec and fingerprinted, so that
     *     a later call with the key and other inputs is rejected
     * @param resultType the class the stored result decodes into
     * @param work the operation
     * @return the result of {@code work}, run now or by an earlier call
     * @throws E what {@code work} threw in this call (the key is released, unless the failure
     *     policy stores it)
     * @throws OperationKeyReusedException if the key was used with other inputs
     * @throws OperationInProgressException if another call with the key still runs
     * @throws ReplayedFailureException if an earlier call failed with a stored failure
     * @throws OperationEncodingException if the inputs or the result cannot be encoded, or the
     *     stored result cannot be decoded
     * @throws IdempotencyStoreException if the store cannot be reached (fail closed)
     * @throws io.github.idempotency.core.store.UnreadableRecordException if the key's stored outcome
     *     cannot be read (an encrypting store without its key); the operation does not run again
     * @throws IllegalStateException if this runner is closed
     */
    public <T, E extends Exception> T run(OperationKey key, Object inputs, Class<T> resultType, Operation<T, E> work)
            throws E {
        return run(OperationRequest.of(key, inputs), ResultType.of(resultType), work);
    }

    /**
     * As {@link #run(OperationKey, Object, Class, Operation)}, for a generic result type
     * ({@code new ResultType<List<Receipt>>() {}}).
     *
     * @param <T> the result type
     * @param <E> the checked exception {@code work} may throw
     * @param key the operation's key
     * @param inputs what the operation depends on
     * @param resultType the type the stored result decodes into
     * @param work the operation
     * @return the result of {@code work}, run now or by an earlier call
     * @throws E what {@code work} threw in this call
     */
    public <T, E extends Exception> T run(OperationKey key, Object inputs, ResultType<T> resultType,
            Operation<T, E> work) throws E {
        return run(OperationRequest.of(key, inputs), resultType, work);
    }

    /**
     * As {@link #run(OperationKey, Object, Class, Operation)}, for an operation without a result.
     *
     * @param <E> the checked exception {@code work} may throw
     * @param key the operation's key
     * @param inputs what the operation depends on
     * @param work the operation
     * @throws E what {@code work} threw in this call
     */
    public <E extends Exception> void run(OperationKey key, Object inputs, VoidOperation<E> work) throws E {
        run(OperationRequest.of(key, inputs), work);
    }

    /**
     * As {@link #run(OperationKey, Object, Class, Operation)}, with the request's own settings.
     *
     * @param <T> the result type
     * @param <E> the checked exception {@code work} may throw
     * @param request the key, the inputs and settings other than the runner's defaults
     * @param resultType the class the stored result decodes into
     * @param work the operation
     * @return the result of {@code work}, run now or by an earlier call
     * @throws E what {@code work} threw in this call
     */
    public <T, E extends Exception> T run(OperationRequest request, Class<T> resultType, Operation<T, E> work)
            throws E {
        return run(request, ResultType.of(resultType), work);
    }

    /**
     * As {@link #run(OperationKey, Object, Class, Operation)}, with the request's own settings, for
     * an operation without a result.
     *
     * @param <E> the checked exception {@code work} may throw
     * @param request the key, the inputs and settings other than the runner's defaults
     * @param work the operation
     * @throws E what {@code work} threw in this call
     */
    public <E extends Exception> void run(OperationRequest request, VoidOperation<E> work) throws E {
        Objects.requireNonNull(work, "work");
        run(request, VOID, () -> {
            work.run();
            return null;
        });
    }

    /**
     * As {@link #run(OperationKey, Object, Class, Operation)}, with the request's own settings, for
     * a generic result type.
     *
     * @param <T> the result type
     * @param <E> the checked exception {@code work} may throw
     * @param request the key, the inputs and settings other than the runner's defaults
     * @param resultType the type the stored result decodes into
     * @param work the operation
     * @return the result of {@code work}, run now or by an earlier call
     * @throws E what {@code work} threw in this call
     */
    public <T, E extends Exception> T run(OperationRequest request, ResultType<T> resultType, Operation<T, E> work)
            throws E {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(work, "work");
        if (closed.get()) {
            throw new IllegalStateException("this IdempotentOperations is closed; it no longer renews leases");
        }
        OperationKey key = request.key();
        OperationCall call = new OperationCall(key, encodeInputs(key, request.inputs()));
        Decision decision;
        IdempotencyStoreException storeFailure;
        try {
            decision = engine.decide(call, policy(request));
        } catch (IOException e) {
            throw new UncheckedIOException("reading inputs from memory cannot fail", e);
        } finally {
            storeFailure = store.take();
        }
        if (decision instanceof Proceed proceed) {
            return runAndRecord(key, proceed, request.failurePolicy().orElse(failurePolicy), work);
        }
        if (decision instanceof Decision.Replay replay) {
            return replayed(key, replay.response(), resultType);
        }
        if (decision instanceof Decision.Reject reject) {
            throw rejected(key, reject.problem(), storeFailure);
        }
        return work.run(); // the store failed and the runner fails open: without idempotency
    }

    private byte[] encodeInputs(OperationKey key, Object inputs) {
        try {
            return Objects.requireNonNull(codec.encode(inputs), "the codec encoded the inputs as null");
        } catch (IOException | RuntimeException e) {
            throw new OperationEncodingException(key, OperationEncodingException.Part.INPUTS,
                    "The inputs of the operation with key " + IdempotentOperationException.describe(key) + " (a "
                            + inputs.getClass().getName() + ") cannot be encoded for their fingerprint, so the"
                            + " operation did not run: " + e.getMessage(), e);
        }
    }

    private EndpointPolicy policy(OperationRequest request) {
        if (request.lease().isEmpty() && request.ttl().isEmpty() && request.concurrency().isEmpty()) {
            return defaultPolicy;
        }
        EndpointPolicy.Builder policy = defaultPolicy.toBuilder();
        request.lease().ifPresent(policy::lease);
        request.ttl().ifPresent(policy::ttl);
        request.concurrency().ifPresent(policy::concurrency);
        return policy.build();
    }

    private <T, E extends Exception> T runAndRecord(OperationKey key, Proceed proceed, FailurePolicy failures,
            Operation<T, E> work) throws E {
        try {
            T result;
            try {
                result = work.run();
            } catch (Throwable failure) {
                if (failure instanceof Exception exception && isFinal(failures, exception)) {
                    proceed.complete(OperationRecord.failure(exception));
                }
                throw failure;
            }
            proceed.complete(OperationRecord.result(encodeResult(key, result)));
            return result;
        } finally {
            // Every path that stored nothing (an exception that is not final, a result that cannot be encoded,
            // anything unexpected) releases the key, so that a retry runs again; after complete it is ignored.
            proceed.release(Outcome.NOT_STORED);
        }
    }

    private byte[] encodeResult(OperationKey key, Object result) {
        try {
            return Objects.requireNonNull(codec.encode(result), "the codec encoded the result as null");
        } catch (IOException | RuntimeException e) {
            throw new OperationEncodingException(key, OperationEncodingException.Part.RESULT,
                    "The operation with key " + IdempotentOperationException.describe(key) + " ran, but its result ("
                            + (result == null ? "null" : "a " + result.getClass().getName()) + ") cannot be encoded,"
                            + " so it was not stored and the key was released: a retry runs the operation again. Make"
                            + " the result encodable by the codec: " + e.getMessage(), e);
        }
    }

    private static boolean isFinal(FailurePolicy failures, Exception failure) {
        try {
            return failures.isFinal(failure);
        } catch (RuntimeException e) {
            log.warn("The failure policy threw on {}; the key is released as for a failure that is not final",
                    failure.getClass().getName(), e);
            return false;
        }
    }

    private <T> T replayed(OperationKey key, StoredResponse record, ResultType<T> resultType) {
        String kind = OperationRecord.header(record, OperationRecord.KIND).orElse("");
        if (kind.equals(OperationRecord.FAILURE)) {
            throw new ReplayedFailureException(key,
                    OperationRecord.header(record, OperationRecord.FAILURE_CLASS).orElse("an unknown exception"),
                    OperationRecord.header(record, OperationRecord.FAILURE_MESSAGE).orElse(null));
        }
        if (!kind.equals(OperationRecord.RESULT)) {
            throw new OperationEncodingException(key, OperationEncodingException.Part.STORED_RESULT,
                    "The record of key " + IdempotentOperationException.describe(key) + " is not an operation"
                            + " outcome (no " + OperationRecord.KIND + " header); the operation did not run", null);
        }
        if (resultType.isVoid()) {
            return null;
        }
        try {
            return codec.decode(record.body(), resultType);
        } catch (IOException | RuntimeException e) {
            throw new OperationEncodingException(key, OperationEncodingException.Part.STORED_RESULT,
                    "The stored result of the operation with key " + IdempotentOperationException.describe(key)
                            + " cannot be decoded as " + resultType + ", so the operation did not run again. Was the"
                            + " result class changed incompatibly since it was stored? Keep it readable, or use new"
                            + " keys (or a new scope) for the new result: " + e.getMessage(), e);
        }
    }

    private RuntimeException rejected(OperationKey key, Problem problem, IdempotencyStoreException storeFailure) {
        return switch (problem.kind()) {
            case FINGERPRINT_MISMATCH -> new OperationKeyReusedException(key);
            case IN_FLIGHT -> new OperationInProgressException(key, problem.retryAfter().orElse(inProgressRetryAfter));
            case STORE_UNAVAILABLE -> new IdempotencyStoreException("The idempotency store cannot be reached, so the"
                    + " operation with key " + IdempotentOperationException.describe(key) + " did not run (the runner"
                    + " fails closed). Retry later.", storeFailure);
            case UNREADABLE_RECORD -> new UnreadableRecordException("The stored outcome of the operation with key "
                    + IdempotentOperationException.describe(key) + " cannot be read, so the operation did not run"
                    + " again: " + problem.detail());
            default -> new IllegalStateException("unexpected answer for the operation with key "
                    + IdempotentOperationException.describe(key) + ": " + problem.detail());
        };
    }

    /**
     * Stops lease renewal; the claims of operations still running expire by lease. Later calls
     * throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            engine.close();
        }
    }

    /** Builds an {@link IdempotentOperations}. Not thread-safe. */
    public static final class Builder {
        private final IdempotencyStore store;
        private ResultCodec codec = ResultCodec.jackson();
        private Duration lease = Duration.ofSeconds(30);
        private Duration ttl = Duration.ofHours(24);
        private ConcurrencyPolicy concurrency = ConcurrencyPolicy.reject();
        private FailurePolicy failurePolicy = FailurePolicy.storeNone();
        private StoreFailureMode storeFailureMode = StoreFailureMode.FAIL_CLOSED;
        private IdempotencyListener listener = IdempotencyListener.none();
        private Duration inProgressRetryAfter = Duration.ofSeconds(1);
        private LongSupplier nanoTime;
        private ScheduledExecutorService renewalScheduler;
        private Executor storeCalls;

        private Builder(IdempotencyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** @param codec encodes inputs and results (default {@link ResultCodec#jackson()}) @return this */
        public Builder codec(ResultCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * @param lease how long a claim lives without renewal (default 30 s); renewed every third
         *     of it while the operation runs, and how long a dead holder blocks its key
         * @return this
         */
        public Builder lease(Duration lease) {
            this.lease = Objects.requireNonNull(lease, "lease");
            return this;
        }

        /** @param ttl how long an outcome is kept and returned to later calls (default 24 h) @return this */
        public Builder ttl(Duration ttl) {
            this.ttl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * @param concurrency what a call does while another call with the key runs (default
         *     {@link ConcurrencyPolicy#reject()}: throw {@link OperationInProgressException} at once;
         *     {@link ConcurrencyPolicy#waitUpTo(Duration)} waits for that call's outcome)
         * @return this
         */
        public Builder concurrency(ConcurrencyPolicy concurrency) {
            this.concurrency = Objects.requireNonNull(concurrency, "concurrency");
            return this;
        }

        /** @param failurePolicy which exceptions are stored outcomes (default {@link FailurePolicy#storeNone()}) @return this */
        public Builder failurePolicy(FailurePolicy failurePolicy) {
            this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
            return this;
        }

        /**
         * @param mode what a call does when the store cannot be reached at claim time (default
         *     {@link StoreFailureMode#FAIL_CLOSED}: throw {@link IdempotencyStoreException}, the
         *     operation does not run; {@link StoreFailureMode#FAIL_OPEN} runs it without
         *     idempotency, logged at WARN and counted)
         * @return this
         */
        public Builder storeFailureMode(StoreFailureMode mode) {
            this.storeFailureMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param listener observes outcomes and store calls (default none); its request has method
         *     {@code RUN} and the operation's scope as route
         * @return this
         */
        public Builder listener(IdempotencyListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param retryAfter the hint of an {@link OperationInProgressException} (default 1 s)
         * @return this
         */
        public Builder inProgressRetryAfter(Duration retryAfter) {
            this.inProgressRetryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
            return this;
        }

        /**
         * @param nanoTime a monotonic time source in nanoseconds for lease renewal and waits
         *     (default {@link System#nanoTime()}), as {@link IdempotencyEngine.Builder#nanoTime}
         * @return this
         */
        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /**
         * @param scheduler runs lease renewals, as {@link IdempotencyEngine.Builder#renewalScheduler}
         *     (default: a daemon thread owned by the runner); not shut down by {@link #close()}
         * @return this
         */
        public Builder renewalScheduler(ScheduledExecutorService scheduler) {
            this.renewalScheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @param executor runs background store calls, as
         *     {@link IdempotencyEngine.Builder#storeCallExecutor} (default: daemon threads owned by the
         *     runner); not shut down by {@link #close()}
         * @return this
         */
        public Builder storeCallExecutor(Executor executor) {
            this.storeCalls = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @return the runner
         * @throws IllegalArgumentException if the lease or the TTL is not positive
         */
        public IdempotentOperations build() {
            return new IdempotentOperations(this);
        }
    }
}
