package io.github.idempotency.store.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Wraps a {@link DataSource} so that every connection borrowed and every statement executed
 * through it is recorded. Each statement execution is one round trip to the database.
 */
final class StatementCounter {

    private static final Set<String> EXECUTE_METHODS =
            Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final DataSource dataSource;
    private final List<String> statements = new ArrayList<>();
    private int connections;

    StatementCounter(DataSource target) {
        this.dataSource = proxy(DataSource.class, (method, args) -> {
            Object result = method.invoke(target, args);
            if (result instanceof Connection connection) {
                synchronized (this) {
                    connections++;
                }
                return counting(connection);
            }
            return result;
        });
    }

    /** @return the data source to give the store */
    DataSource dataSource() {
        return dataSource;
    }

    /** @return the first keyword of each statement executed since the last call, then forgets them */
    synchronized List<String> takeStatements() {
        List<String> taken = List.copyOf(statements);
        statements.clear();
        return taken;
    }

    /** @return the number of connections borrowed since the last call, then forgets them */
    synchronized int takeConnections() {
        int taken = connections;
        connections = 0;
        return taken;
    }

    private Connection counting(Connection target) {
        return proxy(Connection.class, (method, args) -> {
            Object result = method.invoke(target, args);
            if (result instanceof Statement statement) {
                String preparedSql = args != null && args.length > 0 && args[0] instanceof String sql ? sql : null;
                return counting(method.getReturnType().asSubclass(Statement.class), statement, preparedSql);
            }
            return result;
        });
    }

    private <S extends Statement> S counting(Class<S> type, Statement target, String preparedSql) {
        return proxy(type, (method, args) -> {
            if (EXECUTE_METHODS.contains(method.getName())) {
                record(preparedSql != null ? preparedSql : (String) args[0]);
            }
            return method.invoke(target, args);
        });
    }

    private synchronized void record(String sql) {
        statements.add(sql.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT));
    }

    @FunctionalInterface
    private interface Call {
        Object invoke(Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Call call) {
        return type.cast(Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] {type},
                (p, method, args) -> {
                    try {
                        return call.invoke(method, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
