package io.github.idempotency.store.jdbc.internal;

import io.github.idempotency.store.jdbc.JdbcDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL statement written with named parameters ({@code :id}, {@code :now}, ...), turned once into
 * JDBC's positional form. A name may occur several times; each occurrence binds the same value.
 *
 * <p>The parameter {@code :now} is special: it becomes the dialect's "current time in epoch
 * milliseconds" expression when the database supplies the time, and a bound parameter otherwise.
 * Values are always bound, never written into the SQL text. Immutable and thread-safe.
 */
public final class NamedSql {

    /** The name of the current-time parameter. */
    private static final String NOW = "now";

    private static final Pattern PARAMETER = Pattern.compile(":([a-z_]+)");

    private final String sql;
    private final List<String> parameters;

    private NamedSql(String sql, List<String> parameters) {
        this.sql = sql;
        this.parameters = parameters;
    }

    /**
     * @param template the statement, with {@code {table}} for the table name and {@code :name} for
     *     parameters
     * @param table the table name, already validated as a plain identifier
     * @param dialect the dialect, which says how {@code :now} reads the database's clock
     * @param databaseTime whether {@code :now} reads the database's clock in the statement;
     *     otherwise it is a bound parameter, the value named {@code now}
     * @return the parsed statement
     */
    static NamedSql parse(String template, String table, JdbcDialect dialect, boolean databaseTime) {
        String now = databaseTime ? databaseNow(dialect) : dialect == JdbcDialect.H2 ? "CAST(? AS BIGINT)" : "?";
        Matcher m = PARAMETER.matcher(template.replace("{table}", table));
        StringBuilder sql = new StringBuilder();
        List<String> parameters = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            if (name.equals(NOW)) {
                m.appendReplacement(sql, Matcher.quoteReplacement(now));
                if (!databaseTime) {
                    parameters.add(NOW);
                }
            } else {
                m.appendReplacement(sql, "?");
                parameters.add(name);
            }
        }
        m.appendTail(sql);
        return new NamedSql(sql.toString(), List.copyOf(parameters));
    }

    /** The dialect's expression for the database's current time in epoch milliseconds, constant within a statement. */
    private static String databaseNow(JdbcDialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp()) * 1000) AS BIGINT)";
            case MARIADB, MYSQL -> "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(3)) DIV 1000)";
            case H2 -> "CAST(FLOOR(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000) AS BIGINT)";
        };
    }

    /**
     * @param clock the application clock, or {@code null} when the database supplies the time
     * @param namesAndValues parameter names, each followed by its value
     * @return the values by name, with {@code now} (epoch milliseconds) added when {@code clock}
     *     is set
     */
    static Map<String, Object> values(Clock clock, Object... namesAndValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        if (clock != null) {
            values.put(NOW, clock.millis());
        }
        return values;
    }

    /**
     * Prepares the statement and binds every parameter from {@code values} ({@link String},
     * {@link Long}, {@link Integer} or {@code byte[]}).
     *
     * @throws IllegalArgumentException if a parameter has no value (a programming error)
     */
    PreparedStatement prepare(Connection connection, Map<String, Object> values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.size(); i++) {
                bind(statement, i + 1, parameters.get(i), values);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /**
     * Runs the statement as a query.
     *
     * @return the first row it returns, or {@code null} if none
     */
    EntryRow queryRow(Connection connection, Map<String, Object> values) throws SQLException {
        try (PreparedStatement statement = prepare(connection, values);
                ResultSet rs = statement.executeQuery()) {
            return rs.next() ? EntryRow.read(rs) : null;
        }
    }

    /**
     * Runs the statement, which may be a list of statements separated by semicolons (on a driver
     * that accepts them), and returns the first update count among their results, skipping result
     * sets before it.
     *
     * @return the rows the first {@code INSERT}, {@code UPDATE} or {@code DELETE} changed
     * @throws SQLException if a statement fails, or none of them reports an update count
     */
    int update(Connection connection, Map<String, Object> values) throws SQLException {
        try (PreparedStatement statement = prepare(connection, values)) {
            boolean resultSet = statement.execute();
            while (resultSet) {
                resultSet = statement.getMoreResults();
            }
            int count = statement.getUpdateCount();
            if (count < 0) {
                throw new SQLException("statement reported no update count: " + sql);
            }
            return count;
        }
    }

    private static void bind(PreparedStatement statement, int index, String name, Map<String, Object> values)
            throws SQLException {
        Object value = values.get(name);
        if (value instanceof String s) {
            statement.setString(index, s);
        } else if (value instanceof Long l) {
            statement.setLong(index, l);
        } else if (value instanceof Integer n) {
            statement.setInt(index, n);
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else {
            throw new IllegalArgumentException("no value of a supported type for parameter :" + name + ": " + value);
        }
    }
}
