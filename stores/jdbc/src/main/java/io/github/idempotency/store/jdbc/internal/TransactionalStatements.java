package io.github.idempotency.store.jdbc.internal;

import io.github.idempotency.store.jdbc.JdbcDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The statements of the JDBC store's transactional mode, run on the caller's connection inside the
 * caller's transaction. None commits, rolls back or ends the transaction, and each waits at most the
 * lock timeout for a row that another open transaction holds.
 *
 * <p>A claim runs {@link #insert}; when the row exists, {@link #select}; when that row has expired,
 * {@link #takeOver}. The insert of a row another open transaction inserted waits for that
 * transaction (the unique key), then inserts nothing if it committed and inserts if it rolled back.
 * The select sees the latest committed row: at {@code READ COMMITTED} each statement reads what has
 * been committed when it starts; on MySQL and MariaDB it is a locking read ({@code LOCK IN SHARE
 * MODE}), which reads the latest committed row at {@code REPEATABLE READ} too. Complete and release
 * match the caller's fencing token, not the lease: while the transaction holds the claim row, no
 * other transaction can take it over, however long it runs.
 *
 * <p>The lock timeout, per dialect: PostgreSQL sets {@code lock_timeout} for each statement that
 * can wait ({@code set_config(..., true)} before it and back to the previous value after it, in the
 * same round trip); MariaDB runs each statement under {@code SET STATEMENT innodb_lock_wait_timeout
 * = <s> FOR}; MySQL ({@code innodb_lock_wait_timeout}) and H2 ({@code SET LOCK_TIMEOUT}) set the
 * session's value for the operation and set the previous value back afterwards. MySQL and MariaDB
 * count whole seconds, so the timeout is rounded up to them. Immutable and thread-safe.
 */
public final class TransactionalStatements {

    private static final String INSERT_INTO = """
            INTO {table} (id, state, fingerprint, fencing_token, expires_at, response, created_at)
            VALUES (:id, 'CLAIM', :fingerprint, :token, :now + :lease, NULL, :now)""";

    private static final String TAKE_OVER = """
            UPDATE {table} SET state = 'CLAIM', fingerprint = :fingerprint, fencing_token = :token,
                expires_at = :now + :lease, response = NULL, created_at = :now
            WHERE id = :id AND expires_at <= :now""";

    /** The custom PostgreSQL setting that keeps the caller's {@code lock_timeout} during a statement. */
    private static final String POSTGRESQL_SAVED_SETTING = "idempotency.saved_lock_timeout";

    /** H2's error code for a lock wait that timed out. */
    private static final int H2_LOCK_TIMEOUT = 50200;

    /** MySQL's and MariaDB's error code for a lock wait that timed out ({@code ER_LOCK_WAIT_TIMEOUT}). */
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;

    private final JdbcDialect dialect;
    /** The application clock; {@code null} when the database supplies the time. */
    private final Clock clock;
    private final NamedSql insert;
    private final NamedSql select;
    private final NamedSql takeOver;
    private final NamedSql complete;
    private final NamedSql release;
    /** MySQL, H2: reads the session's lock timeout; {@code null} where each statement sets it. */
    private final String readSessionTimeout;
    /** MySQL, H2: sets the session's lock timeout, {@code %d} its value in the setting's unit. */
    private final String setSessionTimeout;
    /** The lock timeout in the unit of the dialect's setting. */
    private final long timeout;

    private TransactionalStatements(JdbcDialect dialect, String table, Clock clock, Duration lockTimeout) {
        this.dialect = dialect;
        this.clock = clock;
        boolean databaseTime = clock == null;
        long millis = lockTimeout.toMillis();
        this.timeout = switch (dialect) {
            case MARIADB, MYSQL -> Math.max(1, (millis + 999) / 1000);
            case POSTGRESQL, H2 -> millis;
        };
        String insertClaim = switch (dialect) {
            case POSTGRESQL -> "INSERT " + INSERT_INTO + "\nON CONFLICT (id) DO NOTHING";
            case MARIADB, MYSQL -> "INSERT IGNORE " + INSERT_INTO;
            case H2 -> "INSERT " + INSERT_INTO;
        };
        String selectEntry = switch (dialect) {
            case MARIADB, MYSQL -> EntryStatements.SELECT_ENTRY + " LOCK IN SHARE MODE";
            case POSTGRESQL, H2 -> EntryStatements.SELECT_ENTRY;
        };
        this.insert = parse(withTimeout(insertClaim), table, databaseTime);
        this.select = parse(dialect == JdbcDialect.POSTGRESQL ? selectEntry : withTimeout(selectEntry), table,
                databaseTime);
        this.takeOver = parse(withTimeout(TAKE_OVER), table, databaseTime);
        this.complete = parse(withTimeout(EntryStatements.COMPLETE_WHERE + EntryStatements.CLAIM_OF_TOKEN), table,
                databaseTime);
        this.release = parse(withTimeout(EntryStatements.RELEASE_WHERE + EntryStatements.CLAIM_OF_TOKEN), table,
                databaseTime);
        this.readSessionTimeout = switch (dialect) {
            case MYSQL -> "SELECT @@SESSION.innodb_lock_wait_timeout";
            case H2 -> "SELECT LOCK_TIMEOUT()";
            case POSTGRESQL, MARIADB -> null;
        };
        this.setSessionTimeout = switch (dialect) {
            case MYSQL -> "SET SESSION innodb_lock_wait_timeout = %d";
            case H2 -> "SET LOCK_TIMEOUT %d";
            case POSTGRESQL, MARIADB -> null;
        };
    }

    /**
     * @param dialect the dialect
     * @param table the table name, already validated as a plain identifier
     * @param clock the application clock that {@code :now} is read from, bound as a parameter;
     *     {@code null} to read the database's clock in each statement
     * @param lockTimeout how long a statement waits for a row another transaction holds, 1 ms to
     *     {@link Integer#MAX_VALUE} ms
     * @return the statements
     */
    public static TransactionalStatements of(JdbcDialect dialect, String table, Clock clock, Duration lockTimeout) {
        return new TransactionalStatements(dialect, table, clock, lockTimeout);
    }

    private NamedSql parse(String template, String table, boolean databaseTime) {
        return NamedSql.parse(template, table, dialect, databaseTime);
    }

    /** The statement, made to wait at most the lock timeout where the dialect sets it per statement. */
    private String withTimeout(String statement) {
        return switch (dialect) {
            case POSTGRESQL -> "SELECT set_config('" + POSTGRESQL_SAVED_SETTING + "', current_setting('lock_timeout'), true);\n"
                    + "SELECT set_config('lock_timeout', '" + timeout + "ms', true);\n"
                    + statement + ";\n"
                    + "SELECT set_config('lock_timeout', current_setting('" + POSTGRESQL_SAVED_SETTING + "'), true)";
            case MARIADB -> "SET STATEMENT innodb_lock_wait_timeout = " + timeout + " FOR " + statement;
            case MYSQL, H2 -> statement;
        };
    }

    /**
     * @param namesAndValues parameter names, each followed by its value
     * @return the values by name, with {@code now} added when the application clock supplies it
     */
    public Map<String, Object> values(Object... namesAndValues) {
        return NamedSql.values(clock, namesAndValues);
    }

    /**
     * Runs {@code work} with the lock timeout in force: on MySQL and H2 sets the session's lock
     * timeout first and sets its previous value back afterwards, also when {@code work} fails; on
     * PostgreSQL and MariaDB, whose statements carry the timeout themselves, just runs it.
     *
     * @return what {@code work} returns
     */
    public <T> T withLockTimeout(Connection connection, SqlWork<T> work) throws SQLException {
        if (readSessionTimeout == null) {
            return work.run(connection);
        }
        long previous;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(readSessionTimeout)) {
            rs.next();
            previous = rs.getLong(1);
        }
        setSessionTimeout(connection, timeout);
        T result;
        try {
            result = work.run(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                setSessionTimeout(connection, previous);
            } catch (SQLException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        setSessionTimeout(connection, previous);
        return result;
    }

    private void setSessionTimeout(Connection connection, long value) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(String.format(setSessionTimeout, value));
        }
    }

    /**
     * Inserts the claim row unless a row with its id exists; waits for an uncommitted row of
     * another transaction to be committed or rolled back.
     *
     * @return whether the row was inserted: the claim is acquired
     */
    public boolean insert(Connection connection, Map<String, Object> values) throws SQLException {
        if (dialect != JdbcDialect.H2) {
            return insert.update(connection, values) == 1;
        }
        // H2 has no insert-if-absent outside its compatibility modes; a failed statement is rolled
        // back alone and leaves the transaction usable.
        try {
            return insert.update(connection, values) == 1;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** @return the entry's latest committed row (or the transaction's own), or {@code null} if there is none */
    public EntryRow select(Connection connection, Map<String, Object> values) throws SQLException {
        return select.queryRow(connection, values);
    }

    /** @return whether the expired row was made the caller's claim */
    public boolean takeOver(Connection connection, Map<String, Object> values) throws SQLException {
        return takeOver.update(connection, values) == 1;
    }

    /** @return whether the claim with the caller's token was completed */
    public boolean complete(Connection connection, Map<String, Object> values) throws SQLException {
        return complete.update(connection, values) == 1;
    }

    /** @return whether the claim with the caller's token was deleted */
    public boolean release(Connection connection, Map<String, Object> values) throws SQLException {
        return release.update(connection, values) == 1;
    }

    /** @return whether {@code e} says a statement waited longer than the lock timeout */
    public boolean isLockTimeout(SQLException e) {
        return switch (dialect) {
            case POSTGRESQL -> "55P03".equals(e.getSQLState());
            case MARIADB, MYSQL -> e.getErrorCode() == MYSQL_LOCK_WAIT_TIMEOUT;
            case H2 -> e.getErrorCode() == H2_LOCK_TIMEOUT;
        };
    }
}
