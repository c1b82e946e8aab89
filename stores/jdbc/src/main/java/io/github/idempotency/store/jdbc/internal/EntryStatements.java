package io.github.idempotency.store.jdbc.internal;

import io.github.idempotency.core.store.EntrySummary;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.store.jdbc.JdbcDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The statements of one entries table in one dialect, and how a claim runs them. Every statement is
 * a single auto-committed statement; none holds a lock beyond its own execution.
 *
 * <p>An entry has expired when {@code expires_at <= now}. Named parameters: {@code :id} (the entry
 * digest), {@code :fingerprint}, {@code :token} (the fencing token), {@code :now}, {@code :lease},
 * {@code :ttl} (milliseconds), {@code :response} (encoded) and {@code :max} (purge batch size).
 * Immutable and thread-safe.
 */
public final class EntryStatements {

    static final String ENTRY_COLUMNS = "state, fingerprint, fencing_token, expires_at, response";

    private static final String POSTGRESQL_CLAIM = """
            WITH taken AS (
                INSERT INTO {table} AS e (id, state, fingerprint, fencing_token, expires_at, response, created_at)
                VALUES (:id, 'CLAIM', :fingerprint, :token, :now + :lease, NULL, :now)
                ON CONFLICT (id) DO UPDATE SET state = 'CLAIM', fingerprint = EXCLUDED.fingerprint,
                    fencing_token = EXCLUDED.fencing_token, expires_at = EXCLUDED.expires_at, response = NULL,
                    created_at = EXCLUDED.created_at
                WHERE e.expires_at <= :now
                RETURNING e.state, e.fingerprint, e.fencing_token, e.expires_at, e.response)
            SELECT state, fingerprint, fencing_token, expires_at, response, :now AS now_ms FROM taken
            UNION ALL
            SELECT state, fingerprint, fencing_token, expires_at, response, :now AS now_ms FROM {table}
            WHERE id = :id AND NOT EXISTS (SELECT 1 FROM taken)""";

    // MySQL applies the assignments left to right and later ones see earlier results, so expires_at,
    // which every condition reads, is assigned last.
    private static final String MYSQL_UPSERT = """
            INSERT INTO {table} (id, state, fingerprint, fencing_token, expires_at, response, created_at)
            VALUES (:id, 'CLAIM', :fingerprint, :token, :now + :lease, NULL, :now)
            ON DUPLICATE KEY UPDATE
                state = IF(expires_at <= :now, 'CLAIM', state),
                fingerprint = IF(expires_at <= :now, :fingerprint, fingerprint),
                response = IF(expires_at <= :now, NULL, response),
                created_at = IF(expires_at <= :now, :now, created_at),
                fencing_token = IF(expires_at <= :now, :token, fencing_token),
                expires_at = IF(expires_at <= :now, :now + :lease, expires_at)""";

    private static final String MARIADB_CLAIM =
            MYSQL_UPSERT + "\nRETURNING " + ENTRY_COLUMNS + ", :now AS now_ms";

    private static final String H2_CLAIM = """
            SELECT state, fingerprint, fencing_token, expires_at, response, :now AS now_ms FROM FINAL TABLE (
                MERGE INTO {table} e USING (VALUES (CAST(:id AS CHAR(64)))) s (id) ON e.id = s.id
                WHEN MATCHED AND e.expires_at <= :now THEN UPDATE SET state = 'CLAIM', fingerprint = :fingerprint,
                    fencing_token = :token, expires_at = :now + :lease, response = NULL, created_at = :now
                WHEN NOT MATCHED THEN INSERT (id, state, fingerprint, fencing_token, expires_at, response, created_at)
                    VALUES (s.id, 'CLAIM', :fingerprint, :token, :now + :lease, NULL, :now))""";

    static final String SELECT_ENTRY =
            "SELECT " + ENTRY_COLUMNS + ", :now AS now_ms FROM {table} WHERE id = :id";

    /**
     * The most bytes of the encoded response an inspection reads: enough for the status, the
     * header lines of nearly any response and the body length, which is all it needs.
     */
    static final int INSPECTED_RESPONSE_BYTES = 8192;

    /** The live row, with the first bytes of its response under the column name {@code response}. */
    private static final String INSPECT = "SELECT state, fingerprint, fencing_token, expires_at, SUBSTRING(response, 1, "
            + INSPECTED_RESPONSE_BYTES + ") AS response, :now AS now_ms FROM {table} WHERE id = :id AND expires_at > :now";

    private static final String EVICT = "DELETE FROM {table} WHERE id = :id AND expires_at > :now";

    /** The row is the claim with the caller's fencing token. */
    static final String CLAIM_OF_TOKEN = "id = :id AND fencing_token = :token AND state = 'CLAIM'";

    /** The row is the claim with the caller's fencing token, and its lease has not run out. */
    private static final String HELD = CLAIM_OF_TOKEN + " AND expires_at > :now";

    /** Completes the claim the {@code WHERE} clause that follows picks. */
    static final String COMPLETE_WHERE =
            "UPDATE {table} SET state = 'RECORD', response = :response, expires_at = :now + :ttl WHERE ";

    /** Deletes the claim the {@code WHERE} clause that follows picks. */
    static final String RELEASE_WHERE = "DELETE FROM {table} WHERE ";

    private static final String COMPLETE = COMPLETE_WHERE + HELD;

    private static final String RENEW = "UPDATE {table} SET expires_at = :now + :lease WHERE " + HELD;

    private static final String RELEASE = RELEASE_WHERE + HELD;

    private static final String POSTGRESQL_PURGE = """
            DELETE FROM {table} WHERE id IN (
                SELECT id FROM {table} WHERE expires_at <= :now LIMIT :max FOR UPDATE SKIP LOCKED)""";

    private static final String MYSQL_PURGE = "DELETE FROM {table} WHERE expires_at <= :now LIMIT :max";

    private static final String H2_PURGE = "DELETE FROM {table} WHERE expires_at <= :now FETCH FIRST :max ROWS ONLY";

    /** The application clock; {@code null} when the database supplies the time. */
    private final Clock clock;
    private final NamedSql claim;
    private final boolean claimReturnsRow;
    private final NamedSql selectEntry;
    private final NamedSql complete;
    private final NamedSql renew;
    private final NamedSql release;
    private final NamedSql purge;
    private final NamedSql inspect;
    private final NamedSql evict;

    private EntryStatements(JdbcDialect dialect, String table, Clock clock) {
        boolean databaseTime = clock == null;
        this.clock = clock;
        this.claim = NamedSql.parse(switch (dialect) {
            case POSTGRESQL -> POSTGRESQL_CLAIM;
            case MARIADB -> MARIADB_CLAIM;
            case MYSQL -> MYSQL_UPSERT;
            case H2 -> H2_CLAIM;
        }, table, dialect, databaseTime);
        this.claimReturnsRow = dialect != JdbcDialect.MYSQL;
        this.selectEntry = NamedSql.parse(SELECT_ENTRY, table, dialect, databaseTime);
        this.complete = NamedSql.parse(COMPLETE, table, dialect, databaseTime);
        this.renew = NamedSql.parse(RENEW, table, dialect, databaseTime);
        this.release = NamedSql.parse(RELEASE, table, dialect, databaseTime);
        this.purge = NamedSql.parse(switch (dialect) {
            case POSTGRESQL -> POSTGRESQL_PURGE;
            case MARIADB, MYSQL -> MYSQL_PURGE;
            case H2 -> H2_PURGE;
        }, table, dialect, databaseTime);
        this.inspect = NamedSql.parse(INSPECT, table, dialect, databaseTime);
        this.evict = NamedSql.parse(EVICT, table, dialect, databaseTime);
    }

    /**
     * @param dialect the dialect
     * @param table the table name, already validated as a plain identifier
     * @param clock the application clock that {@code :now} is read from, bound as a parameter;
     *     {@code null} to read the database's clock in each statement
     * @return the statements
     */
    public static EntryStatements of(JdbcDialect dialect, String table, Clock clock) {
        return new EntryStatements(dialect, table, clock);
    }

    /**
     * @param namesAndValues parameter names, each followed by its value
     * @return the values by name, with {@code now} added when the application clock supplies it
     */
    public Map<String, Object> values(Object... namesAndValues) {
        return NamedSql.values(clock, namesAndValues);
    }

    /**
     * Runs the claim upsert for one entry and returns the row it produced or found: the row holds
     * {@code values.get("token")} when the claim was acquired. When the upsert does not return the
     * row (MySQL) or returned none (the entry was neither taken nor visible to it), the row is read
     * with a second statement.
     *
     * @return the row, or {@code null} if the entry vanished in between (the caller tries again)
     */
    public EntryRow claim(Connection connection, Map<String, Object> values) throws SQLException {
        if (claimReturnsRow) {
            EntryRow row = claim.queryRow(connection, values);
            if (row != null) {
                return row;
            }
        } else {
            try (PreparedStatement upsert = claim.prepare(connection, values)) {
                upsert.executeUpdate();
            }
        }
        return selectEntry.queryRow(connection, values);
    }

    /** @return whether the held claim was completed */
    public boolean complete(Connection connection, Map<String, Object> values) throws SQLException {
        return complete.update(connection, values) == 1;
    }

    /** @return whether the held claim was renewed */
    public boolean renew(Connection connection, Map<String, Object> values) throws SQLException {
        return renew.update(connection, values) == 1;
    }

    /** @return whether the held claim was released */
    public boolean release(Connection connection, Map<String, Object> values) throws SQLException {
        return release.update(connection, values) == 1;
    }

    /**
     * Reads the live row for an inspection: the first {@value #INSPECTED_RESPONSE_BYTES} bytes of a
     * record's response, or all of it when its header lines run past them.
     *
     * @param tableName the entries table, for the message of a row that cannot be read
     * @return what the row holds; empty if there is no live row
     * @throws IdempotencyStoreException if the row is not a valid entry
     */
    public Optional<EntrySummary> inspect(Connection connection, Map<String, Object> values, String tableName)
            throws SQLException {
        String id = (String) values.get("id");
        EntryRow row = inspect.queryRow(connection, values);
        if (row == null) {
            return Optional.empty();
        }
        Optional<EntrySummary> summary = row.summary(tableName, id, false);
        if (summary.isPresent()) {
            return summary;
        }
        row = selectEntry.queryRow(connection, values);
        return row == null || row.expired() ? Optional.empty() : row.summary(tableName, id, true);
    }

    /** @return whether a live row was deleted */
    public boolean evict(Connection connection, Map<String, Object> values) throws SQLException {
        return evict.update(connection, values) == 1;
    }

    /** @return the number of expired rows deleted */
    public int purge(Connection connection, Map<String, Object> values) throws SQLException {
        return purge.update(connection, values);
    }
}
