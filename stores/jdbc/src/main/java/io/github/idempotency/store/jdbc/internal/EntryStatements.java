package io.github.idempotency.store.jdbc.internal;

import io.github.idempotency.store.jdbc.JdbcDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

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

    private static final String ENTRY_COLUMNS = "state, fingerprint, fencing_token, expires_at, response";

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

    private static final String SELECT_ENTRY =
            "SELECT " + ENTRY_COLUMNS + ", :now AS now_ms FROM {table} WHERE id = :id";

    private static final String HELD = "id = :id AND fencing_token = :token AND state = 'CLAIM' AND expires_at > :now";

    private static final String COMPLETE =
            "UPDATE {table} SET state = 'RECORD', response = :response, expires_at = :now + :ttl WHERE " + HELD;

    private static final String RENEW = "UPDATE {table} SET expires_at = :now + :lease WHERE " + HELD;

    private static final String RELEASE = "DELETE FROM {table} WHERE " + HELD;

    private static final String POSTGRESQL_PURGE = """
            DELETE FROM {table} WHERE id IN (
                SELECT id FROM {table} WHERE expires_at <= :now LIMIT :max FOR UPDATE SKIP LOCKED)""";

    private static final String MYSQL_PURGE = "DELETE FROM {table} WHERE expires_at <= :now LIMIT :max";

    private static final String H2_PURGE = "DELETE FROM {table} WHERE expires_at <= :now FETCH FIRST :max ROWS ONLY";

    private final NamedSql claim;
    private final boolean claimReturnsRow;
    private final NamedSql selectEntry;
    private final NamedSql complete;
    private final NamedSql renew;
    private final NamedSql release;
    private final NamedSql purge;

    private EntryStatements(
            String claim, boolean claimReturnsRow, String purge, String table, String now, boolean nowIsBound) {
        this.claim = NamedSql.parse(claim, table, now, nowIsBound);
        this.claimReturnsRow = claimReturnsRow;
        this.selectEntry = NamedSql.parse(SELECT_ENTRY, table, now, nowIsBound);
        this.complete = NamedSql.parse(COMPLETE, table, now, nowIsBound);
        this.renew = NamedSql.parse(RENEW, table, now, nowIsBound);
        this.release = NamedSql.parse(RELEASE, table, now, nowIsBound);
        this.purge = NamedSql.parse(purge, table, now, nowIsBound);
    }

    /**
     * @param dialect the dialect
     * @param table the table name, already validated as a plain identifier
     * @param databaseTime whether {@code :now} is the database's clock (otherwise a bound value)
     * @return the statements
     */
    public static EntryStatements of(JdbcDialect dialect, String table, boolean databaseTime) {
        return switch (dialect) {
            case POSTGRESQL -> new EntryStatements(POSTGRESQL_CLAIM, true, POSTGRESQL_PURGE, table,
                    databaseTime ? "CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp()) * 1000) AS BIGINT)" : "?",
                    !databaseTime);
            case MARIADB, MYSQL -> new EntryStatements(
                    dialect == JdbcDialect.MARIADB ? MARIADB_CLAIM : MYSQL_UPSERT,
                    dialect == JdbcDialect.MARIADB, MYSQL_PURGE, table,
                    databaseTime ? "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(3)) DIV 1000)" : "?",
                    !databaseTime);
            case H2 -> new EntryStatements(H2_CLAIM, true, H2_PURGE, table,
                    databaseTime
                            ? "CAST(FLOOR(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000) AS BIGINT)"
                            : "CAST(? AS BIGINT)",
                    !databaseTime);
        };
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
            EntryRow row = queryRow(connection, claim, values);
            if (row != null) {
                return row;
            }
        } else {
            try (PreparedStatement upsert = claim.prepare(connection, values)) {
                upsert.executeUpdate();
            }
        }
        return queryRow(connection, selectEntry, values);
    }

    /** @return whether the held claim was completed */
    public boolean complete(Connection connection, Map<String, Object> values) throws SQLException {
        return update(connection, complete, values) == 1;
    }

    /** @return whether the held claim was renewed */
    public boolean renew(Connection connection, Map<String, Object> values) throws SQLException {
        return update(connection, renew, values) == 1;
    }

    /** @return whether the held claim was released */
    public boolean release(Connection connection, Map<String, Object> values) throws SQLException {
        return update(connection, release, values) == 1;
    }

    /** @return the number of expired rows deleted */
    public int purge(Connection connection, Map<String, Object> values) throws SQLException {
        return update(connection, purge, values);
    }

    private static EntryRow queryRow(Connection connection, NamedSql sql, Map<String, Object> values)
            throws SQLException {
        try (PreparedStatement statement = sql.prepare(connection, values);
                ResultSet rs = statement.executeQuery()) {
            return rs.next() ? EntryRow.read(rs) : null;
        }
    }

    private static int update(Connection connection, NamedSql sql, Map<String, Object> values) throws SQLException {
        try (PreparedStatement statement = sql.prepare(connection, values)) {
            return statement.executeUpdate();
        }
    }
}
