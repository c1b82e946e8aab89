package io.github.idempotency.store.jdbc;

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
import io.github.idempotency.store.jdbc.internal.BoundedExecutor;
import io.github.idempotency.store.jdbc.internal.EntryRow;
import io.github.idempotency.store.jdbc.internal.EntryStatements;
import io.github.idempotency.store.jdbc.internal.SqlFailure;
import io.github.idempotency.store.jdbc.internal.SqlWork;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * An {@link IdempotencyStore} keeping entries in one table of a relational database reached
 * through a {@link DataSource}: PostgreSQL, MySQL, MariaDB or H2.
 *
 * <p>Each entry is one row keyed by {@link EntryKey#digest()}, so no client input ever reaches SQL
 * text; every value is a bound parameter. A claim is one atomic upsert in the database's own syntax
 * (see {@link JdbcDialect} for the statements per claim); complete, release and renew are each one
 * conditional {@code UPDATE} or {@code DELETE} that matches only while the caller's fencing token
 * is on the row and its lease has not run out. Every statement runs on its own in auto-commit mode
 * (a connection handed out with auto-commit off is switched on for the call and back afterwards),
 * so the store never holds a transaction open or locks more than the rows it touches. Give it a
 * plain pooled {@code DataSource}, not one that joins the application's transactions. To store the
 * record in the application's own transaction instead, together with its writes, use
 * {@link #transactional(ConnectionSource)}.
 *
 * <p>Times are epoch milliseconds, taken from the {@linkplain Builder#clock(Clock) clock} or, with
 * {@link TimeSource#DATABASE}, from the database server. An entry has expired when its
 * {@code expires_at} is at or before now; expired rows stay until a claim takes them over or
 * {@link #purgeExpired(int)} deletes them.
 *
 * <p><b>Inspection.</b> {@link #inspect(EntryKey)} is one {@code SELECT} of the live row that
 * reads only the first bytes of a record's response, enough for its status and body length (a
 * second one reads the whole response in the rare case that its header lines run past them);
 * {@link #evict(EntryKey)} is one {@code DELETE} of the live row. The
 * {@linkplain #transactional(ConnectionSource) transactional mode} does not inspect: this store
 * inspects and evicts the rows of both, as they share the table.
 *
 * <p><b>Non-blocking path.</b> JDBC blocks, so {@link #claimAsync(ClaimRequest)} and the
 * {@code ...Async} methods of a claim hand the blocking operation to an executor and return at
 * once, without blocking the calling thread (an event loop, say); the stage completes on the
 * executor's thread. A call takes as long as its JDBC work: the pool's connection timeout and the
 * driver's socket or query timeout bound it, as they bound the blocking methods. By default the
 * executor belongs to the store: at most {@value #DEFAULT_ASYNC_THREADS} daemon threads named
 * {@code idempotency-jdbc-<n>}, with at most {@value #ASYNC_QUEUE_CAPACITY} calls waiting for one.
 * The threads start with the first asynchronous call, so an application that makes none starts
 * none, and end after a minute without work. Handing a call over never waits; when every thread
 * is busy and the queue is full, the stage fails at once with an {@link IdempotencyStoreException}
 * saying so. Each running call holds one pooled connection, so threads beyond the connections the
 * pool can lend the store would only queue inside the pool, holding a thread each: the default of
 * eight is a typical share of a pool of ten (HikariCP's default size), leaving the application
 * connections of its own. Size {@link Builder#asyncThreads(int)} to the connections the store may
 * hold at once, or give an executor the application owns with
 * {@link Builder#asyncExecutor(Executor)}. {@link #close()} shuts down the executor the store owns.
 *
 * <p>Thread-safe. Every database failure, including a pool that hands out no connection in time,
 * is an {@link IdempotencyStoreException} naming the operation and the SQL state: thrown by the
 * blocking methods, the failure of the stage of the asynchronous ones, which never throw.
 */
public final class JdbcIdempotencyStore implements InspectableStore, AutoCloseable {

    /** The table name used unless {@link Builder#tableName(String)} says otherwise. */
    public static final String DEFAULT_TABLE_NAME = "idempotency_entries";

    /** The threads of the store's own asynchronous executor unless {@link Builder#asyncThreads(int)} says otherwise. */
    public static final int DEFAULT_ASYNC_THREADS = 8;

    /** The most asynchronous calls that wait for a thread of the store's own executor. */
    public static final int ASYNC_QUEUE_CAPACITY = 1024;

    /** The most threads {@link Builder#asyncThreads(int)} accepts (the limit of a {@code ForkJoinPool}). */
    private static final int MAX_ASYNC_THREADS = 32767;

    /** Longest table name: leaves room for the index name {@code <table>_expires_at_idx} in 63 characters. */
    private static final int MAX_TABLE_NAME_LENGTH = 48;

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** How often one claim call tries again when the entry changes under it. */
    private static final int CLAIM_ATTEMPTS = 5;

    private static final FencingTokens FENCING_TOKENS = FencingTokens.seededBySecureRandom();

    private final DataSource dataSource;
    private final String tableName;
    private final JdbcDialect dialect;
    /** The application clock; {@code null} when the database supplies the time. */
    private final Clock clock;
    private final EntryStatements statements;
    /** Runs the asynchronous calls: {@link #ownedExecutor}, or the application's. */
    private final Executor asyncExecutor;
    /** The executor the store made and shuts down; {@code null} when the application gave one. */
    private final BoundedExecutor ownedExecutor;

    private JdbcIdempotencyStore(DataSource dataSource, String tableName, JdbcDialect dialect, Clock clock,
            Executor applicationExecutor, int asyncThreads) {
        this.dataSource = dataSource;
        this.tableName = tableName;
        this.dialect = dialect;
        this.clock = clock;
        this.statements = EntryStatements.of(dialect, tableName, clock);
        this.ownedExecutor = applicationExecutor != null ? null : new BoundedExecutor("idempotency-jdbc-", asyncThreads,
                ASYNC_QUEUE_CAPACITY, contextClassLoader());
        this.asyncExecutor = applicationExecutor != null ? applicationExecutor : ownedExecutor;
    }

    /** The class loader the threads of the asynchronous executor see: that of the thread building the store. */
    private static ClassLoader contextClassLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : JdbcIdempotencyStore.class.getClassLoader();
    }

    /**
     * @param dataSource hands out connections to the database holding the entries table
     * @return a builder with the defaults: table {@value #DEFAULT_TABLE_NAME}, dialect detected from
     *     the database, {@link TimeSource#CLOCK} with the system UTC clock, no table creation
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** @return the dialect this store speaks */
    public JdbcDialect dialect() {
        return dialect;
    }

    /** @return the name of the entries table */
    public String tableName() {
        return tableName;
    }

    /**
     * Checks that the entries table exists with the columns this store reads and writes, with one
     * query that reads no row: at startup, so that a missing table is found before the first
     * request needs it, instead of every keyed request failing as a store that cannot be reached.
     *
     * @throws MissingTableException if the database answers that the table or one of its columns
     *     does not exist or cannot be read (SQL state class {@code 42}); the message names the
     *     table and the dialect's schema file
     * @throws IdempotencyStoreException if the database cannot be asked (it cannot be reached, say)
     */
    public void checkTable() {
        try (Connection connection = dataSource.getConnection()) {
            probeTable(connection, tableName);
        } catch (SQLException e) {
            if (isMissingTable(e)) {
                throw new MissingTableException(tableName, dialect.schemaResource(), e);
            }
            throw SqlFailure.of("check the table", tableName, e);
        }
    }

    /** Checks the table, as {@link #checkTable()} does. */
    @Override
    public void probe() {
        checkTable();
    }

    /** Reads no row of the table, naming every column this store uses: fails when one is missing. */
    private static void probeTable(Connection connection, String tableName) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT id, state, fingerprint, fencing_token, expires_at, response, created_at FROM "
                    + tableName + " WHERE 1 = 0").close();
        }
    }

    /** @return whether the database answered that a table or column does not exist or cannot be read */
    private static boolean isMissingTable(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("42");
    }

    /**
     * This store's transactional mode, waiting at most
     * {@link TransactionalJdbcIdempotencyStore#DEFAULT_LOCK_TIMEOUT} for a row another transaction
     * holds: see {@link #transactional(ConnectionSource, Duration)}.
     *
     * @param source hands out the connection of the calling thread's current transaction
     * @return a store whose statements run in the caller's transaction
     */
    public TransactionalJdbcIdempotencyStore transactional(ConnectionSource source) {
        return transactional(source, TransactionalJdbcIdempotencyStore.DEFAULT_LOCK_TIMEOUT);
    }

    /**
     * This store's transactional mode: a store on the same table, with the same dialect and time
     * source, whose statements run in the caller's current transaction, on the connection
     * {@code source} hands out, so that the record commits with the caller's own writes (see
     * {@link TransactionalJdbcIdempotencyStore}). This store stays as it was, for auto-commit use
     * and {@link #purgeExpired(int)}.
     *
     * @param source hands out the connection of the calling thread's current transaction
     * @param lockTimeout how long a statement waits for a row another transaction holds before it
     *     fails, 1 ms to {@link Integer#MAX_VALUE} ms; MySQL and MariaDB round it up to whole
     *     seconds
     * @return a store whose statements run in the caller's transaction
     * @throws IllegalArgumentException if {@code lockTimeout} is out of range
     */
    public TransactionalJdbcIdempotencyStore transactional(ConnectionSource source, Duration lockTimeout) {
        Objects.requireNonNull(source, "source");
        if (lockTimeout.toMillis() < 1 || lockTimeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("lockTimeout must be between 1 ms and " + Integer.MAX_VALUE + " ms, was "
                    + lockTimeout);
        }
        return new TransactionalJdbcIdempotencyStore(source, tableName, dialect, clock, lockTimeout);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each acquired claim gets a new random 64-bit fencing token. When the entry changes between
     * the upsert and the read of the row (a concurrent release or takeover), the claim is tried
     * again, at most five times, before an {@link IdempotencyStoreException} is thrown.
     */
    @Override
    public ClaimResult claim(ClaimRequest request) {
        String id = request.key().digest();
        long token = newFencingToken();
        byte[] fingerprint = request.fingerprint().bytes();
        long lease = request.lease().toMillis();
        return run("claim", connection -> {
            SQLException conflict = null;
            for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                Map<String, Object> values =
                        statements.values("id", id, "fingerprint", fingerprint, "token", token, "lease", lease);
                EntryRow row;
                try {
                    row = statements.claim(connection, values);
                } catch (SQLException e) {
                    if (!isConflict(e)) {
                        throw e;
                    }
                    conflict = e;
                    continue;
                }
                if (row != null && row.fencingToken() == token) {
                    return new ClaimResult.Acquired(new HeldClaim(request.key(), id, token));
                }
                if (row != null && !row.expired()) {
                    return row.found(tableName, id);
                }
            }
            throw new IdempotencyStoreException("JDBC idempotency store: claim on table " + tableName + " gave up after "
                    + CLAIM_ATTEMPTS + " attempts, as the entry kept changing concurrently", conflict);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs {@link #claim(ClaimRequest)} on the asynchronous executor (see the class
     * description).
     */
    @Override
    public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
        return async("claim", () -> claim(request));
    }

    /** {@inheritDoc} One {@code SELECT}, rarely two (see the class description). */
    @Override
    public Optional<EntrySummary> inspect(EntryKey key) {
        String id = key.digest();
        return run("inspect", connection -> statements.inspect(connection, statements.values("id", id), tableName));
    }

    /** {@inheritDoc} One {@code DELETE}. */
    @Override
    public boolean evict(EntryKey key) {
        String id = key.digest();
        return run("evict", connection -> statements.evict(connection, statements.values("id", id)));
    }

    /**
     * Shuts down the asynchronous executor the store made: asynchronous calls made from now on
     * fail, those already made still run, and its threads end when they are done. Does not wait,
     * leaves an executor given to {@link Builder#asyncExecutor(Executor)} alone, and leaves the
     * blocking methods working. Safe to repeat.
     */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    /**
     * Deletes at most {@code maxRows} expired entries (claims whose lease ran out and records past
     * their TTL) in one statement that locks only the rows it deletes. Call it on a schedule, for
     * example every minute with a few thousand rows, and again at once while it returns
     * {@code maxRows}.
     *
     * @param maxRows the most rows to delete, positive
     * @return the number of rows deleted
     * @throws IllegalArgumentException if {@code maxRows} is not positive
     * @throws IdempotencyStoreException if the database fails
     */
    public int purgeExpired(int maxRows) {
        if (maxRows <= 0) {
            throw new IllegalArgumentException("maxRows must be positive, was " + maxRows);
        }
        return run("purgeExpired", connection -> statements.purge(connection, statements.values("max", maxRows)));
    }

    /** @return a new random fencing token */
    static long newFencingToken() {
        return FENCING_TOKENS.next();
    }

    /** @return {@code duration} in milliseconds, at least 1 */
    static long positiveMillis(Duration duration, String name) {
        if (duration.toMillis() <= 0) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, was " + duration);
        }
        return duration.toMillis();
    }

    private static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        // 23505: a concurrent insert of the same id won; class 40: deadlock or serialization failure.
        return state != null && (state.equals("23505") || state.startsWith("40"));
    }

    private <T> T run(String operation, SqlWork<T> work) {
        return run(dataSource, operation, tableName, work);
    }

    /**
     * Hands {@code call}, a blocking operation, to the asynchronous executor.
     *
     * @return a stage with what {@code call} returns, failed with what it throws, or failed at once
     *     with an {@link IdempotencyStoreException} when the executor refuses it
     */
    private <T> CompletionStage<T> async(String operation, Supplier<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            asyncExecutor.execute(() -> {
                try {
                    result.complete(call.get());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new IdempotencyStoreException("JDBC idempotency store: " + operation
                    + " on table " + tableName + " refused: " + refusal(e), e));
        }
        return result;
    }

    private String refusal(RuntimeException e) {
        if (ownedExecutor == null) {
            return "the executor given to JdbcIdempotencyStore.Builder.asyncExecutor(Executor) rejected it ("
                    + e.getMessage() + ")";
        }
        if (ownedExecutor.isShutdown()) {
            return "the store is closed";
        }
        int threads = ownedExecutor.threads();
        return "the JDBC store's asynchronous executor is saturated (" + threads + (threads == 1 ? " thread" : " threads")
                + " busy, " + ownedExecutor.capacity() + " calls waiting); raise JdbcIdempotencyStore.Builder"
                + ".asyncThreads(int) (and the connection pool with it) or give an executor with asyncExecutor(Executor)";
    }

    private static <T> T run(DataSource dataSource, String operation, String tableName, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getAutoCommit()) {
                return work.run(connection);
            }
            connection.setAutoCommit(true);
            try {
                return work.run(connection);
            } finally {
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw SqlFailure.of(operation, tableName, e);
        }
    }

    /** @return the store's class, dialect and table */
    @Override
    public String toString() {
        return "JdbcIdempotencyStore[" + dialect + ", table=" + tableName + "]";
    }

    /** The handle of an acquired claim: its row id and fencing token. */
    private final class HeldClaim implements Claim {

        private final EntryKey key;
        private final String id;
        private final long token;

        HeldClaim(EntryKey key, String id, long token) {
            this.key = key;
            this.id = id;
            this.token = token;
        }

        @Override
        public EntryKey key() {
            return key;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            byte[] encoded = StoredResponseCodec.encode(response);
            long ttlMillis = positiveMillis(ttl, "ttl");
            return run("complete", connection -> statements.complete(
                    connection, statements.values("id", id, "token", token, "response", encoded, "ttl", ttlMillis)));
        }

        @Override
        public boolean release() {
            return run("release", connection -> statements.release(connection, statements.values("id", id, "token", token)));
        }

        @Override
        public boolean renew(Duration lease) {
            long leaseMillis = positiveMillis(lease, "lease");
            return run("renew", connection -> statements.renew(
                    connection, statements.values("id", id, "token", token, "lease", leaseMillis)));
        }

        /** {@inheritDoc} Runs {@link #complete(StoredResponse, Duration)} on the asynchronous executor. */
        @Override
        public CompletionStage<Boolean> completeAsync(StoredResponse response, Duration ttl) {
            return async("complete", () -> complete(response, ttl));
        }

        /** {@inheritDoc} Runs {@link #release()} on the asynchronous executor. */
        @Override
        public CompletionStage<Boolean> releaseAsync() {
            return async("release", this::release);
        }

        /** {@inheritDoc} Runs {@link #renew(Duration)} on the asynchronous executor. */
        @Override
        public CompletionStage<Boolean> renewAsync(Duration lease) {
            return async("renew", () -> renew(lease));
        }

        @Override
        public String toString() {
            return "JdbcClaim[table=" + tableName + ", id=" + id + ", fencingToken=" + token + "]";
        }
    }

    /**
     * Configures a {@link JdbcIdempotencyStore}. Not thread-safe; {@link #build()} may be called
     * more than once.
     */
    public static final class Builder {

        private final DataSource dataSource;
        private String tableName = DEFAULT_TABLE_NAME;
        private JdbcDialect dialect;
        private TimeSource timeSource = TimeSource.CLOCK;
        private Clock clock;
        private boolean createTableIfMissing;
        private Integer asyncThreads;
        private Executor asyncExecutor;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * @param tableName the entries table: 1 to 48 letters, digits and underscores, not starting
         *     with a digit; unquoted, so the database's case folding applies. To use another schema,
         *     set the connection's default schema (for example PostgreSQL's {@code currentSchema}).
         * @return this builder
         * @throws IllegalArgumentException if the name is not such an identifier
         */
        public Builder tableName(String tableName) {
            Objects.requireNonNull(tableName, "tableName");
            if (!TABLE_NAME.matcher(tableName).matches() || tableName.length() > MAX_TABLE_NAME_LENGTH) {
                throw new IllegalArgumentException("Table name '" + tableName + "' is not a plain SQL identifier: use 1 to "
                        + MAX_TABLE_NAME_LENGTH + " letters (A-Z, a-z), digits and underscores, not starting with a digit");
            }
            this.tableName = tableName;
            return this;
        }

        /**
         * @param dialect the SQL to speak; when not set, {@link #build()} opens a connection and
         *     picks it from the database's product name and version
         * @return this builder
         */
        public Builder dialect(JdbcDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * @param timeSource where the current time comes from (default {@link TimeSource#CLOCK})
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /**
         * @param clock the clock for {@link TimeSource#CLOCK} (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param create whether {@link #build()} creates the table and its index when the table does
         *     not exist, from the dialect's {@linkplain JdbcDialect#schemaResource() schema file}
         *     with the table name put in (default {@code false}: manage the schema with your
         *     migration tool). Safe to repeat: when the table exists (with the store's columns) the
         *     script does not run, so a start never waits for the locks of transactions using the
         *     table; two instances creating it at once both succeed.
         * @return this builder
         */
        public Builder createTableIfMissing(boolean create) {
            this.createTableIfMissing = create;
            return this;
        }

        /**
         * @param threads the most threads of the store's own asynchronous executor (default
         *     {@value JdbcIdempotencyStore#DEFAULT_ASYNC_THREADS}), which run the
         *     {@code ...Async} methods: about as many as the pool's connections the store may
         *     hold at once (see the class description). They start with the first asynchronous
         *     call.
         * @return this builder
         * @throws IllegalArgumentException if not between 1 and 32767
         */
        public Builder asyncThreads(int threads) {
            if (threads < 1 || threads > MAX_ASYNC_THREADS) {
                throw new IllegalArgumentException("asyncThreads must be between 1 and " + MAX_ASYNC_THREADS
                        + " (about the connections the store may hold at once), was " + threads);
            }
            this.asyncThreads = threads;
            return this;
        }

        /**
         * @param executor runs the {@code ...Async} methods instead of an executor of the store's
         *     own; the application owns it and shuts it down ({@link JdbcIdempotencyStore#close()}
         *     does not). Its {@code execute} is called on the caller's thread, perhaps an event
         *     loop, so it must not block there: give it a bounded queue and reject when full (not
         *     {@code CallerRunsPolicy}). A rejection fails the stage.
         * @return this builder
         */
        public Builder asyncExecutor(Executor executor) {
            this.asyncExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Builds the store. Opens a connection only to detect the dialect (when not set) and to
         * create the table (when asked); starts no thread.
         *
         * @return the store
         * @throws IllegalStateException if a clock was set together with {@link TimeSource#DATABASE},
         *     or both {@link #asyncThreads(int)} and {@link #asyncExecutor(Executor)}
         * @throws IllegalArgumentException if the dialect is detected and the database is not
         *     supported
         * @throws IdempotencyStoreException if the database fails while detecting or creating
         */
        public JdbcIdempotencyStore build() {
            if (timeSource == TimeSource.DATABASE && clock != null) {
                throw new IllegalStateException(
                        "A clock was set but the time source is DATABASE, which reads the database server's clock: "
                                + "set one or the other");
            }
            if (asyncThreads != null && asyncExecutor != null) {
                throw new IllegalStateException("Both asyncThreads and asyncExecutor were set, but asyncThreads sizes the "
                        + "store's own executor, which a given executor replaces: set one or the other");
            }
            JdbcDialect chosen = dialect != null
                    ? dialect
                    : run(dataSource, "detect the dialect", tableName, connection -> detect(connection.getMetaData()));
            if (createTableIfMissing) {
                String script = schemaScript(chosen);
                run(dataSource, "create the table", tableName, connection -> {
                    // Only when the table is missing: PostgreSQL's CREATE INDEX IF NOT EXISTS locks the table
                    // before it looks, so on a table in use it would wait for every open transaction writing to it.
                    try {
                        probeTable(connection, tableName);
                        return null;
                    } catch (SQLException e) {
                        if (!isMissingTable(e)) {
                            throw e;
                        }
                    }
                    try (Statement statement = connection.createStatement()) {
                        for (String ddl : script.split(";")) {
                            if (!ddl.isBlank()) {
                                statement.execute(ddl);
                            }
                        }
                    }
                    return null;
                });
            }
            Clock effective = timeSource == TimeSource.DATABASE ? null : clock == null ? Clock.systemUTC() : clock;
            return new JdbcIdempotencyStore(dataSource, tableName, chosen, effective, asyncExecutor,
                    asyncThreads == null ? DEFAULT_ASYNC_THREADS : asyncThreads);
        }

        private static JdbcDialect detect(DatabaseMetaData metaData) throws SQLException {
            return JdbcDialect.detect(metaData.getDatabaseProductName(), metaData.getDatabaseProductVersion(),
                    metaData.getDatabaseMajorVersion(), metaData.getDatabaseMinorVersion());
        }

        /** The dialect's schema file with comments removed and the table name put in. */
        private String schemaScript(JdbcDialect chosen) {
            try (InputStream in = JdbcIdempotencyStore.class.getClassLoader().getResourceAsStream(chosen.schemaResource())) {
                if (in == null) {
                    throw new IllegalStateException("Schema resource " + chosen.schemaResource() + " is missing from the class path");
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return text.replaceAll("--[^\n]*", "").replace(DEFAULT_TABLE_NAME, tableName);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema resource " + chosen.schemaResource(), e);
            }
        }
    }
}
