package io.github.idempotency.examples.orders;

import io.github.idempotency.core.store.EntryKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What the tests read from the local PostgreSQL, on connections of their own (so they see only
 * what the consumers committed). Each test names its orders and customers with a prefix of its
 * own, so that runs do not see each other's rows.
 */
final class OrdersDatabase {

    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=2";

    private OrdersDatabase() {
    }

    /** Creates the table {@link FaultInjection} records deliveries and faults in. */
    static void createEventsTable() {
        update("CREATE TABLE IF NOT EXISTS " + FaultInjection.EVENTS_TABLE + " (event_id BIGSERIAL PRIMARY KEY,"
                + " order_id VARCHAR(255) NOT NULL, instance VARCHAR(64) NOT NULL, kind VARCHAR(32) NOT NULL,"
                + " at TIMESTAMPTZ NOT NULL DEFAULT now())");
    }

    /** @return the ledger rows of the orders whose id starts with {@code prefix} */
    static long ledgerRows(String prefix) {
        return count("SELECT COUNT(*) FROM orders_ledger WHERE order_id LIKE ?", prefix + "%");
    }

    /** @return the distinct order ids of those rows */
    static long distinctLedgerOrders(String prefix) {
        return count("SELECT COUNT(DISTINCT order_id) FROM orders_ledger WHERE order_id LIKE ?", prefix + "%");
    }

    /** @return the order counters of the customers whose id starts with {@code prefix}, added up */
    static long customerOrders(String prefix) {
        return count("SELECT COALESCE(SUM(orders), 0) FROM orders_customer_totals WHERE customer_id LIKE ?",
                prefix + "%");
    }

    /** @return the ledger rows of one order */
    static long ledgerRowsOf(String orderId) {
        return count("SELECT COUNT(*) FROM orders_ledger WHERE order_id = ?", orderId);
    }

    /** @return which consumer instances booked the order, comma-separated */
    static String bookedBy(String orderId) {
        return string("SELECT COALESCE(string_agg(booked_by, ','), '') FROM orders_ledger WHERE order_id = ?", orderId);
    }

    /** @return the idempotency store's committed records of the order's key */
    static long idempotencyRecordsOf(String orderId) {
        return count("SELECT COUNT(*) FROM orders_idempotency WHERE id = ?",
                new EntryKey("op:orders.book", orderId).digest());
    }

    /** @return the events of a kind ({@code FaultInjection}'s constants) for the orders starting with {@code prefix} */
    static long events(String prefix, String kind) {
        return count("SELECT COUNT(*) FROM " + FaultInjection.EVENTS_TABLE + " WHERE order_id LIKE ? AND kind = ?",
                prefix + "%", kind);
    }

    /** @return the deliveries (first or redelivered) one instance saw of those orders */
    static long deliveriesTo(String prefix, String instance) {
        return count("SELECT COUNT(*) FROM " + FaultInjection.EVENTS_TABLE + " WHERE order_id LIKE ? AND instance = ?"
                + " AND kind IN ('" + FaultInjection.DELIVERED + "', '" + FaultInjection.REDELIVERED + "')",
                prefix + "%", instance);
    }

    /** @return the events of one order, oldest first, as {@code instance:kind} separated by commas */
    static String eventsOf(String orderId) {
        return string("SELECT COALESCE(string_agg(instance || ':' || kind, ',' ORDER BY event_id), '') FROM "
                + FaultInjection.EVENTS_TABLE + " WHERE order_id = ?", orderId);
    }

    /**
     * Polls the database every 100 ms until the condition holds.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
     */
    static void awaitUntil(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void update(String sql) {
        try (Connection connection = DriverManager.getConnection(URL);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static long count(String sql, String... parameters) {
        return Long.parseLong(string(sql, parameters));
    }

    private static String string(String sql, String... parameters) {
        try (Connection connection = DriverManager.getConnection(URL);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
