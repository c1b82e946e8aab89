package io.github.idempotency.store.jdbc;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.StoredResponseCodec;
import io.github.idempotency.store.jdbc.internal.EntryRow;
import io.github.idempotency.store.jdbc.internal.EntryStatements;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
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
 * plain pooled {@code DataSource}, not one that joins the application's transactions.
 *
 * <p>Times are epoch milliseconds, taken from the {@linkplain Builder#clock(Clock) clock} or, with
 * {@link TimeSource#DATABASE}, from the database server. An entry has expired when its
 * {@code expires_at} is at or before now; expired rows stay until a claim takes them over or
 * {@link #purgeExpired(int)} deletes them.
 *
 * <p>Thread-safe. Every database failure, including a pool that hands out no connection in time,
 * is thrown as {@link IdempotencyStoreException} naming the operation and the SQL state.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

    /** The table name used unless {@link Builder#tableName(String)} says otherwise. */
    public static final String DEFAULT_TABLE_NAME = "idempotency_entries";

    /** Longest table name: leaves room for the index name {@code <table>_expires_at_idx} in 63 characters. */
    private static final int MAX_TABLE_NAME_LENGTH = 48;

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** How often one claim call tries again when the entry changes under it. */
    private static final int CLAIM_ATTEMPTS = 5;

    private static final SecureRandom FENCING_TOKENS = new SecureRandom();

    private final DataSource dataSource;
    private final String tableName;
    private final JdbcDialect dialect;
    /** The application clock; {@code null} when the database supplies the time. */
    private final Clock clock;
    private final EntryStatements statements;

    private JdbcIdempotencyStore(DataSource dataSource, String tableName, JdbcDialect dialect, Clock clock) {
        this.dataSource = dataSource;
        this.tableName = tableName;
        this.dialect = dialect;
        this.clock = clock;
        this.statements = EntryStatements.of(dialect, tableName, clock == null);
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
     * {@inheritDoc}
     *
     * <p>Each acquired claim gets a new random 64-bit fencing token. When the entry changes between
     * the upsert and the read of the row (a concurrent release or takeover), the claim is tried
     * again, at most five times, before an {@link IdempotencyStoreException} is thrown.
     */
    @Override
    public ClaimResult claim(ClaimRequest request) {
        String id = request.key().digest();
        long token = FENCING_TOKENS.nextLong();
        byte[] fingerprint = request.fingerprint().bytes();
        long lease = request.lease().toMillis();
        return run("claim", connection -> {
            SQLException conflict = null;
            for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                Map<String, Object> values = values("id", id, "fingerprint", fingerprint, "token", token, "lease", lease);
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
                if (row != null && (row.fencingToken() == token || !row.expired())) {
                    return result(request.key(), id, token, row);
                }
            }
            throw new IdempotencyStoreException("JDBC idempotency store: claim on table " + tableName + " gave up after "
                    + CLAIM_ATTEMPTS + " attempts, as the entry kept changing concurrently", conflict);
        });
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
        return run("purgeExpired", connection -> statements.purge(connection, values("max", maxRows)));
    }

    private ClaimResult result(EntryKey key, String id, long token, EntryRow row) {
        if (row.fencingToken() == token) {
            return new ClaimResult.Acquired(new HeldClaim(key, id, token));
        }
        try {
            Fingerprint fingerprint = Fingerprint.of(row.fingerprint());
            Instant expiresAt = Instant.ofEpochMilli(row.expiresAt());
            return switch (row.state()) {
                case EntryRow.CLAIM -> new ClaimResult.InFlight(fingerprint, expiresAt);
                case EntryRow.RECORD -> {
                    if (row.response() == null) {
                        throw new IllegalArgumentException("a completed record without a response");
                    }
                    yield new ClaimResult.Completed(fingerprint, StoredResponseCodec.decode(row.response()), expiresAt);
                }
                default -> throw new IllegalArgumentException("unknown state '" + row.state() + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new IdempotencyStoreException("JDBC idempotency store: row " + id + " of table " + tableName
                    + " cannot be read as an entry: " + e.getMessage(), e);
        }
    }

    /** Parameter values by name, with the current time added when the application clock supplies it. */
    private Map<String, Object> values(Object... namesAndValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        if (clock != null) {
            values.put("now", clock.millis());
        }
        return values;
    }

    private static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        // 23505: a concurrent insert of the same id won; class 40: deadlock or serialization failure.
        return state != null && (state.equals("23505") || state.startsWith("40"));
    }

    private <T> T run(String operation, SqlWork<T> work) {
        return run(dataSource, operation, tableName, work);
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
            throw new IdempotencyStoreException("JDBC idempotency store: " + operation + " on table " + tableName
                    + " failed (" + (e.getSQLState() == null ? "no SQL state" : "SQL state " + e.getSQLState())
                    + "): " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
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
                    connection, values("id", id, "token", token, "response", encoded, "ttl", ttlMillis)));
        }

        @Override
        public boolean release() {
            return run("release", connection -> statements.release(connection, values("id", id, "token", token)));
        }

        @Override
        public boolean renew(Duration lease) {
            long leaseMillis = positiveMillis(lease, "lease");
            return run("renew", connection -> statements.renew(
                    connection, values("id", id, "token", token, "lease", leaseMillis)));
        }

        private static long positiveMillis(Duration duration, String name) {
            if (duration.toMillis() <= 0) {
                throw new IllegalArgumentException(name + " must be at least 1 ms, was " + duration);
            }
            return duration.toMillis();
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
         * @param create whether {@link #build()} creates the table and its index when they do not
         *     exist, from the dialect's {@linkplain JdbcDialect#schemaResource() schema file} with
         *     the table name put in (default {@code false}: manage the schema with your migration
         *     tool). Safe to repeat: the script only creates what is missing.
         * @return this builder
         */
        public Builder createTableIfMissing(boolean create) {
            this.createTableIfMissing = create;
            return this;
        }

        /**
         * Builds the store. Opens a connection only to detect the dialect (when not set) and to
         * create the table (when asked).
         *
         * @return the store
         * @throws IllegalStateException if a clock was set together with {@link TimeSource#DATABASE}
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
            JdbcDialect chosen = dialect != null
                    ? dialect
                    : run(dataSource, "detect the dialect", tableName, connection -> detect(connection.getMetaData()));
            if (createTableIfMissing) {
                String script = schemaScript(chosen);
                run(dataSource, "create the table", tableName, connection -> {
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
            return new JdbcIdempotencyStore(dataSource, tableName, chosen, effective);
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
