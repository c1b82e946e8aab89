package io.github.idempotency.store.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Data sources that run an action before each connection they hand out: to fail, stall or see who asks. */
final class InterceptedDataSource {

    /** Runs before a connection is handed out; throwing refuses the connection. */
    @FunctionalInterface
    interface BeforeConnection {
        void run() throws SQLException, InterruptedException;
    }

    private InterceptedDataSource() {
    }

    /** @return a data source that runs {@code before} and then hands out a connection of {@code target} */
    static DataSource of(DataSource target, BeforeConnection before) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        before.run();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
