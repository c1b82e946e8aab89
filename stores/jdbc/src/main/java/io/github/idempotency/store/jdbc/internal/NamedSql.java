package io.github.idempotency.store.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
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
     * @param now what {@code :now} becomes: a parameter placeholder or a SQL expression
     * @param nowIsBound whether {@code now} holds a placeholder that binds the value named
     *     {@code now}
     * @return the parsed statement
     */
    static NamedSql parse(String template, String table, String now, boolean nowIsBound) {
        Matcher m = PARAMETER.matcher(template.replace("{table}", table));
        StringBuilder sql = new StringBuilder();
        List<String> parameters = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            if (name.equals(NOW)) {
                m.appendReplacement(sql, Matcher.quoteReplacement(now));
                if (nowIsBound) {
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
