package io.github.idempotency.store.redis;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.EntrySummary;
import io.github.idempotency.core.store.FencingTokens;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.InspectableStore;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.StoredResponseCodec;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IdempotencyStore} in Redis, through a Lettuce connection the application provides
 * (standalone, Sentinel, master/replica or Redis Cluster).
 *
 * <h2>Atomicity and round trips</h2>
 * Each operation ({@link #claim(ClaimRequest) claim}, and a claim's {@link Claim#complete
 * complete}, {@link Claim#release release} and {@link Claim#renew renew}) is one Lua script run by
 * one {@code EVALSHA}: one round trip, atomic on the server. The script checks the fencing token
 * and sets the key's expiry ({@code PEXPIRE}) in the same step. Scripts are not loaded up front:
 * when a server answers {@code NOSCRIPT} (first use, after a restart, a failover or
 * {@code SCRIPT FLUSH}) the store sends {@code SCRIPT LOAD} and retries the {@code EVALSHA} once.
 *
 * <h2>Layout</h2>
 * One entry is one Redis hash named {@code <keyPrefix>{<digest>}}, where the digest is
 * {@link EntryKey#digest()} (SHA-256 hex, so no client input ever reaches a key name). The braces
 * are a Redis Cluster hash tag: everything of one entry hashes to one slot, which a script that
 * touches more than one key of an entry would require. The hash holds the state, the request
 * fingerprint, and either the fencing token (claim) or the encoded response (record, in the
 * binary form of {@link StoredResponseCodec}). See {@link #redisKey(EntryKey)}.
 *
 * <h2>Time</h2>
 * Expiry is done by Redis itself: a claim's lease and a record's time to live are the key's
 * {@code PX} expiry, so an expired claim or record is absent and the next claim creates a fresh
 * one. The instants this store reports ({@link ClaimResult.InFlight#leaseExpiresAt()},
 * {@link ClaimResult.Completed#expiresAt()}) are the remaining time to live read by the script
 * ({@code PTTL}) added to this store's clock as read just before the command was sent. They rely
 * only on that clock running at the same rate as the Redis server's clock during one round trip,
 * not on the two clocks agreeing, and are never later than the true expiry by more than clock
 * drift.
 *
 * <h2>Fencing</h2>
 * Since an expired entry is gone from Redis, no counter kept there could survive it; each claim
 * instead gets a 64-bit fencing token from {@link FencingTokens}: a sequence that never repeats
 * within one store and starts at a point drawn from {@link SecureRandom} when the store is built,
 * so that two application instances share a token only if their sequences meet, with probability
 * about 2<sup>-64</sup> per claim. Drawing a token is one atomic add and a few multiplications on
 * the calling thread: no lock, no I/O, nothing an event loop must not do.
 *
 * <h2>Inspection</h2>
 * {@link #inspect(EntryKey)} is one script that reads the entry's state, fingerprint and
 * {@code PTTL} and, for a record, the status and body length from the encoded response on the
 * server: the body and the header lines never leave Redis. {@link #evict(EntryKey)} is one script
 * that deletes the entry's key ({@code DEL}).
 *
 * <h2>Blocking and non-blocking</h2>
 * Every operation is sent through Lettuce's asynchronous API. The {@code ...Async} methods
 * ({@link #claimAsync(ClaimRequest)}, and {@link Claim#completeAsync completeAsync},
 * {@link Claim#releaseAsync releaseAsync} and {@link Claim#renewAsync renewAsync} of a claim)
 * return as soon as the command is handed to Lettuce and never block the calling thread, so an
 * adapter may call them on an event loop; their stage completes on a Lettuce I/O thread. The
 * blocking methods send the same commands and wait for the same stage.
 *
 * <h2>Failures</h2>
 * Each command waits at most the {@linkplain Builder#commandTimeout(Duration) command timeout};
 * Lettuce's own command timeout, where the connection's client options enable it, also applies,
 * and the shorter one ends the wait. A connection failure, a timeout, an error reply or a reply
 * of an unexpected shape is an {@link IdempotencyStoreException} naming the operation, the Redis
 * key and, when known, the server address: thrown by the blocking methods, and the failure of the
 * stage of the {@code ...Async} ones, which never throw.
 *
 * <p>Instances are thread-safe. They share the connection they were given; {@link #close()} closes
 * only what the store opened itself (see {@link #builder(RedisURI)}).
 */
public final class RedisIdempotencyStore implements InspectableStore, AutoCloseable {

    /** The key prefix used unless {@link Builder#keyPrefix(String)} sets another. */
    public static final String DEFAULT_KEY_PREFIX = "idempotency:";

    /** The command timeout used unless {@link Builder#commandTimeout(Duration)} sets another. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(RedisIdempotencyStore.class);

    private static final long ACQUIRED = 0;
    private static final long IN_FLIGHT = 1;
    private static final long COMPLETED = 2;
    /** The inspect script's reply for no entry. */
    private static final long ABSENT = 0;

    private final RedisScriptingAsyncCommands<byte[], byte[]> commands;
    private final String keyPrefix;
    private final Duration commandTimeout;
    private final Clock clock;
    private final String address;
    private final Runnable closeOwned;
    private final FencingTokens fencingTokens = FencingTokens.seededBySecureRandom();

    private RedisIdempotencyStore(
            Builder builder, RedisScriptingAsyncCommands<byte[], byte[]> commands, String address, Runnable closeOwned) {
        this.commands = commands;
        this.keyPrefix = builder.keyPrefix;
        this.commandTimeout = builder.commandTimeout;
        this.clock = builder.clock;
        this.address = address;
        this.closeOwned = closeOwned;
    }

    /**
     * A store on a standalone, Sentinel-managed or master/replica connection. The connection stays
     * the application's: the store never closes it.
     *
     * @param connection a connection with byte-array keys and values ({@link ByteArrayCodec})
     * @return a builder
     */
    public static Builder builder(StatefulRedisConnection<byte[], byte[]> connection) {
        return new Builder(connection.async(), null);
    }

    /**
     * A store on a Redis Cluster connection. Each script touches one key, so Lettuce routes it to
     * the node that owns the key's slot. The connection stays the application's: the store never
     * closes it.
     *
     * @param connection a cluster connection with byte-array keys and values ({@link ByteArrayCodec})
     * @return a builder
     */
    public static Builder builder(StatefulRedisClusterConnection<byte[], byte[]> connection) {
        return new Builder(connection.async(), null);
    }

    /**
     * A store that opens its own Lettuce client and connection to {@code uri} (standalone, or
     * Sentinel when the URI names sentinels) when {@link Builder#build()} runs; {@link #close()}
     * closes them. Error messages name the server.
     *
     * @param uri where Redis is, for example {@code RedisURI.create("redis://localhost:6379")}
     * @return a builder
     */
    public static Builder builder(RedisURI uri) {
        return new Builder(null, Objects.requireNonNull(uri, "uri"));
    }

    /**
     * The name of the Redis key that holds {@code entry}: the key prefix followed by the entry's
     * digest in braces, for example {@code idempotency:{5e88...a1f3}}.
     *
     * @param entry the entry
     * @return the Redis key
     */
    public String redisKey(EntryKey entry) {
        return keyPrefix + "{" + entry.digest() + "}";
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code EVALSHA}. A new claim expires after the lease unless renewed. Waits for the
     * reply on the calling thread; {@link #claimAsync(ClaimRequest)} sends the same command without
     * waiting.
     */
    @Override
    public ClaimResult claim(ClaimRequest request) {
        String redisKey = redisKey(request.key());
        return await(EntryScript.CLAIM, redisKey, sendClaim(request, redisKey));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The same {@code EVALSHA} as {@link #claim(ClaimRequest)}, sent through Lettuce's
     * asynchronous API, with the same command timeout and the same failures; a {@code NOSCRIPT}
     * answer is followed by {@code SCRIPT LOAD} and the retried {@code EVALSHA} without waiting
     * either. The stage completes on a Lettuce I/O thread (or, after a timeout, on the JDK's
     * {@link CompletableFuture} timer thread): run anything slow on an executor of your own.
     */
    @Override
    public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
        return stage(() -> sendClaim(request, redisKey(request.key())));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A script that returns 1 without touching a key ({@code EVAL "return 1" 0}), within the
     * command timeout: answered by the node the connection sends keyless commands to, in a
     * cluster as on one server.
     */
    @Override
    public void probe() {
        CompletableFuture<Object> reply = this.<Object>send(() -> commands.eval("return 1", ScriptOutputType.INTEGER));
        try {
            reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw probeFailure("interrupted while waiting for the reply", e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e.getCause());
            throw probeFailure(detail(cause), cause);
        }
    }

    /** {@inheritDoc} One {@code EVALSHA}, within the command timeout. */
    @Override
    public Optional<EntrySummary> inspect(EntryKey key) {
        String redisKey = redisKey(key);
        Instant sentAt = clock.instant();
        return await(EntryScript.INSPECT, redisKey, run(EntryScript.INSPECT, redisKey, reply -> summary(reply, sentAt)));
    }

    /** {@inheritDoc} One {@code EVALSHA} running {@code DEL}, within the command timeout. */
    @Override
    public boolean evict(EntryKey key) {
        String redisKey = redisKey(key);
        return await(EntryScript.EVICT, redisKey, run(EntryScript.EVICT, redisKey, RedisIdempotencyStore::held));
    }

    private IdempotencyStoreException probeFailure(String detail, Throwable cause) {
        return new IdempotencyStoreException("Redis did not answer" + (address == null ? "" : " at " + address) + ": "
                + detail, cause);
    }

    /** Closes the client and connection the store opened itself; a no-op for a connection it was given. */
    @Override
    public void close() {
        closeOwned.run();
    }

    private CompletableFuture<ClaimResult> sendClaim(ClaimRequest request, String redisKey) {
        long fencingToken = fencingTokens.next();
        Instant sentAt = clock.instant();
        return run(EntryScript.CLAIM, redisKey, reply -> claimResult(reply, sentAt, request.key(), fencingToken, redisKey),
                request.fingerprint().bytes(), decimal(fencingToken), millis(request.lease(), "lease"));
    }

    private ClaimResult claimResult(Object reply, Instant sentAt, EntryKey key, long fencingToken, String redisKey) {
        if (!(reply instanceof List<?> fields) || fields.isEmpty()) {
            throw new IllegalArgumentException(String.valueOf(reply));
        }
        long state = integer(fields, 0);
        if (state == ACQUIRED) {
            return new ClaimResult.Acquired(new RedisClaim(key, redisKey, fencingToken));
        }
        Fingerprint fingerprint = Fingerprint.of(bytes(fields, 1));
        Instant expiresAt = expiresAt(sentAt, integer(fields, 2));
        if (state == IN_FLIGHT) {
            return new ClaimResult.InFlight(fingerprint, expiresAt);
        }
        if (state == COMPLETED) {
            return new ClaimResult.Completed(fingerprint, StoredResponseCodec.decode(bytes(fields, 3)), expiresAt);
        }
        throw new IllegalArgumentException("unknown state " + state);
    }

    private static Optional<EntrySummary> summary(Object reply, Instant sentAt) {
        if (!(reply instanceof List<?> fields) || fields.isEmpty()) {
            throw new IllegalArgumentException(String.valueOf(reply));
        }
        long state = integer(fields, 0);
        if (state == ABSENT) {
            return Optional.empty();
        }
        Fingerprint fingerprint = Fingerprint.of(bytes(fields, 1));
        Instant expiresAt = expiresAt(sentAt, integer(fields, 2));
        if (state == IN_FLIGHT) {
            return Optional.of(new EntrySummary.InFlight(fingerprint, expiresAt));
        }
        if (state == COMPLETED) {
            return Optional.of(new EntrySummary.Completed(fingerprint, expiresAt, Math.toIntExact(integer(fields, 3)),
                    Math.toIntExact(integer(fields, 4))));
        }
        throw new IllegalArgumentException("unknown state " + state);
    }

    /** The instant an entry expires, from its remaining time to live as the script read it. */
    private static Instant expiresAt(Instant sentAt, long pttl) {
        if (pttl < 0) {
            throw new IllegalArgumentException("the entry has no expiry (PTTL " + pttl + ")");
        }
        return sentAt.plusMillis(pttl);
    }

    /** The reply of a release, renew, complete or evict script: 1 when it acted, else 0. */
    private static boolean held(Object reply) {
        if (reply instanceof Long held && (held == 0 || held == 1)) {
            return held == 1;
        }
        throw new IllegalArgumentException(String.valueOf(reply));
    }

    private static long integer(List<?> fields, int index) {
        if (index < fields.size() && fields.get(index) instanceof Long value) {
            return value;
        }
        throw new IllegalArgumentException("field " + index + " is not an integer in " + fields);
    }

    private static byte[] bytes(List<?> fields, int index) {
        if (index < fields.size() && fields.get(index) instanceof byte[] value) {
            return value;
        }
        throw new IllegalArgumentException("field " + index + " is not a string in " + fields);
    }

    /**
     * Runs {@code script} on {@code redisKey} by {@code EVALSHA}, loading it and retrying once if
     * the server does not have it, and reads the reply with {@code read}; never waits.
     *
     * @param read turns the reply into the result; throws {@link IllegalArgumentException} for a
     *     reply it does not expect
     * @return the result, or a stage failed with {@link IdempotencyStoreException} naming the
     *     operation, the key and, when known, the server
     */
    private <T> CompletableFuture<T> run(EntryScript script, String redisKey, Function<Object, T> read, byte[]... args) {
        byte[][] keys = {redisKey.getBytes(StandardCharsets.UTF_8)};
        CompletableFuture<T> result = new CompletableFuture<>();
        this.<Object>send(() -> commands.evalsha(script.sha1(), script.output(), keys, args))
                .exceptionallyCompose(failed -> {
                    if (!(unwrap(failed) instanceof RedisNoScriptException)) {
                        return CompletableFuture.failedFuture(failed);
                    }
                    log.debug("Redis does not have the {} script; loading it", script.operation());
                    return send(() -> commands.scriptLoad(script.source()))
                            .thenCompose(loaded -> send(() -> commands.evalsha(script.sha1(), script.output(), keys, args)));
                })
                .whenComplete((reply, failed) -> {
                    if (failed != null) {
                        result.completeExceptionally(failure(script, redisKey, unwrap(failed)));
                        return;
                    }
                    try {
                        result.complete(read.apply(reply));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(failure(script, redisKey, "unexpected reply: " + e.getMessage(), e));
                    }
                });
        return result;
    }

    /**
     * Sends one command; its reply fails with a {@link TimeoutException} when it does not arrive
     * within the command timeout, and the command is then cancelled, so that Lettuce does not send
     * it later (after a reconnect) on behalf of a caller that was told it failed.
     */
    private <T> CompletableFuture<T> send(Supplier<RedisFuture<T>> command) {
        RedisFuture<T> sent;
        try {
            sent = command.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> reply = sent.toCompletableFuture().copy()
                .orTimeout(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
        reply.whenComplete((value, failed) -> {
            if (failed instanceof TimeoutException) {
                sent.cancel(false);
            }
        });
        return reply;
    }

    /**
     * Waits for {@code reply} on the calling thread: the blocking form of every operation. No
     * timeout is needed here, as every command of the reply has its own.
     */
    private <T> T await(EntryScript script, String redisKey, CompletableFuture<T> reply) {
        try {
            return reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(script, redisKey, "interrupted while waiting for the reply", e);
        } catch (ExecutionException e) {
            // run(...) fails only with IdempotencyStoreException
            throw (IdempotencyStoreException) e.getCause();
        }
    }

    /** @return the stage {@code send} returns, or a stage failed with what it throws instead */
    private static <T> CompletionStage<T> stage(Supplier<CompletableFuture<T>> send) {
        try {
            return send.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable unwrap(Throwable failed) {
        return failed instanceof CompletionException && failed.getCause() != null ? failed.getCause() : failed;
    }

    private IdempotencyStoreException failure(EntryScript script, String redisKey, Throwable cause) {
        return failure(script, redisKey, detail(cause), cause);
    }

    /** @return what a failed command's message says of {@code cause} */
    private String detail(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return "no reply within " + commandTimeout.toMillis() + " ms";
        }
        // Lettuce: connection refused or closed, its own timeout, an error reply.
        return Objects.toString(cause.getMessage(), cause.getClass().getName());
    }

    private IdempotencyStoreException failure(EntryScript script, String redisKey, String detail, Throwable cause) {
        String at = address == null ? "" : " at " + address;
        return new IdempotencyStoreException(
                "Redis " + script.operation() + " of " + redisKey + " failed" + at + ": " + detail, cause);
    }

    private static byte[] decimal(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whole milliseconds, rounded up, as Redis expects for {@code PEXPIRE}. */
    private static byte[] millis(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
        long millis = duration.toMillis() + (duration.getNano() % 1_000_000 == 0 ? 0 : 1);
        return decimal(millis);
    }

    /**
     * A held claim: an entry key and the fencing token its follow-up scripts check. Each blocking
     * method waits for the reply of the command its asynchronous form sends.
     */
    /** @return the store's class, server address (when known, never credentials) and key prefix */
    @Override
    public String toString() {
        return "RedisIdempotencyStore[" + (address == null ? "" : address + ", ") + "keyPrefix=" + keyPrefix + "]";
    }

    private final class RedisClaim implements Claim {

        private final EntryKey key;
        private final String redisKey;
        private final long fencingToken;

        RedisClaim(EntryKey key, String redisKey, long fencingToken) {
            this.key = key;
            this.redisKey = redisKey;
            this.fencingToken = fencingToken;
        }

        @Override
        public EntryKey key() {
            return key;
        }

        @Override
        public long fencingToken() {
            return fencingToken;
        }

        /** {@inheritDoc} One {@code EVALSHA}; the record expires after {@code ttl}. */
        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            return await(EntryScript.COMPLETE, redisKey, sendComplete(response, ttl));
        }

        /** {@inheritDoc} One {@code EVALSHA}. */
        @Override
        public boolean release() {
            return await(EntryScript.RELEASE, redisKey, sendIfHeld(EntryScript.RELEASE));
        }

        /** {@inheritDoc} One {@code EVALSHA}. */
        @Override
        public boolean renew(Duration lease) {
            return await(EntryScript.RENEW, redisKey, sendRenew(lease));
        }

        /** {@inheritDoc} The {@code EVALSHA} of {@link #complete(StoredResponse, Duration)}, not waited for. */
        @Override
        public CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
            return stage(() -> sendComplete(response, ttl));
        }

        /** {@inheritDoc} The {@code EVALSHA} of {@link #release()}, not waited for. */
        @Override
        public CompletionStage<Boolean> releaseAsync() {
            return stage(() -> sendIfHeld(EntryScript.RELEASE));
        }

        /** {@inheritDoc} The {@code EVALSHA} of {@link #renew(Duration)}, not waited for. */
        @Override
        public CompletionStage<Boolean> renewAsync(Duration lease) {
            return stage(() -> sendRenew(lease));
        }

        private CompletableFuture<Boolean> sendComplete(StoredResponse response, Duration ttl) {
            byte[] ttlMillis = millis(ttl, "ttl");
            return sendIfHeld(EntryScript.COMPLETE, StoredResponseCodec.encode(response), ttlMillis);
        }

        private CompletableFuture<Boolean> sendRenew(Duration lease) {
            return sendIfHeld(EntryScript.RENEW, millis(lease, "lease"));
        }

        /** Sends {@code script} with this claim's fencing token before {@code args}. */
        private CompletableFuture<Boolean> sendIfHeld(EntryScript script, byte[]... args) {
            byte[][] withToken = new byte[args.length + 1][];
            withToken[0] = decimal(fencingToken);
            System.arraycopy(args, 0, withToken, 1, args.length);
            return run(script, redisKey, RedisIdempotencyStore::held, withToken);
        }

        @Override
        public String toString() {
            return "RedisClaim[" + redisKey + ", fencingToken=" + fencingToken + "]";
        }
    }

    /**
     * Configures a {@link RedisIdempotencyStore}. Not thread-safe; {@link #build()} may be called
     * more than once.
     */
    public static final class Builder {

        private final RedisScriptingAsyncCommands<byte[], byte[]> commands;
        private final RedisURI uri;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder(RedisScriptingAsyncCommands<byte[], byte[]> commands, RedisURI uri) {
            this.commands = commands;
            this.uri = uri;
        }

        /**
         * @param keyPrefix put before every key name (default
         *     {@value RedisIdempotencyStore#DEFAULT_KEY_PREFIX}); use one per application sharing
         *     a Redis database. It must not contain a brace (&#123; or &#125;), which would change
         *     the Redis Cluster hash tag.
         * @return this builder
         * @throws IllegalArgumentException if the prefix contains a brace
         */
        public Builder keyPrefix(String keyPrefix) {
            if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' (Redis Cluster would hash "
                        + "the prefix instead of the entry), was \"" + keyPrefix + "\"");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * @param commandTimeout how long each command waits for its reply before the operation
         *     fails with {@link IdempotencyStoreException} (default 2 s). Lettuce's own command
         *     timeout, when enabled on the connection, also applies.
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder commandTimeout(Duration commandTimeout) {
            if (commandTimeout.isNegative() || commandTimeout.isZero()) {
                throw new IllegalArgumentException("commandTimeout must be positive, was " + commandTimeout);
            }
            this.commandTimeout = commandTimeout;
            return this;
        }

        /**
         * @param clock the clock that the remaining time to live read from Redis is added to, to
         *     report expiry instants (default: the system clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the store; when built from a {@link RedisURI}, connected
         * @throws IdempotencyStoreException if built from a {@link RedisURI} and the connection
         *     cannot be opened
         */
        public RedisIdempotencyStore build() {
            if (uri == null) {
                return new RedisIdempotencyStore(this, commands, null, () -> { });
            }
            String address = describe(uri);
            RedisClient client = RedisClient.create(uri);
            // Every command of the store has its own timeout; Lettuce's would be a second timer per command.
            client.setOptions(ClientOptions.builder()
                    .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                    .build());
            try {
                StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
                return new RedisIdempotencyStore(this, connection.async(), address, () -> {
                    connection.close();
                    client.shutdown();
                });
            } catch (RuntimeException e) {
                client.shutdown();
                throw new IdempotencyStoreException(
                        "Cannot connect to Redis at " + address + ": " + e.getMessage(), e);
            }
        }

        /** The server's address for messages, without credentials. */
        private static String describe(RedisURI uri) {
            if (uri.getSocket() != null) {
                return uri.getSocket();
            }
            if (!uri.getSentinels().isEmpty()) {
                return "Sentinel master " + uri.getSentinelMasterId() + " via "
                        + uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort()).toList();
            }
            return uri.getHost() + ":" + uri.getPort();
        }
    }
}
