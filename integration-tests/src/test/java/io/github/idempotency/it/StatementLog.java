package io.github.idempotency.it;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Records the statements executed through a {@link DataSource}: a proxy around it hands out
 * connections whose statements note their first SQL keyword each time they execute. With the
 * PostgreSQL driver each execution of a statement is one round trip to the server.
 */
final class StatementLog {

    private static final Set<String> EXECUTE = Set.of(
            "execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final List<String> executed = new ArrayList<>();

    /**
     * @param target the data source to watch
     * @return a data source that behaves as {@code target} and records into this log
     */
    DataSource watch(DataSource target) {
        return proxy(DataSource.class, target, (self, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection connection ? watch(connection) : result;
        });
    }

    /** @return the first keyword (upper case) of each statement executed since the last call, in order */
    synchronized List<String> take() {
        List<String> taken = List.copyOf(executed);
        executed.clear();
        return taken;
    }

    private Connection watch(Connection target) {
        return proxy(Connection.class, target, (self, method, args) -> {
            Object result = invoke(target, method, args);
            if (result instanceof Statement statement) {
                String prepared = args != null && args.length > 0 && args[0] instanceof String sql ? sql : null;
                return watch(method.getReturnType().asSubclass(Statement.class), statement, prepared);
            }
            return result;
        });
    }

    private <S extends Statement> S watch(Class<S> type, Statement target, String preparedSql) {
        return proxy(type, target, (self, method, args) -> {
            if (EXECUTE.contains(method.getName())) {
                record(preparedSql != null ? preparedSql : (String) args[0]);
            }
            return invoke(target, method, args);
        });
    }

    private synchronized void record(String sql) {
        executed.add(sql.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT));
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, Object target, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(StatementLog.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
