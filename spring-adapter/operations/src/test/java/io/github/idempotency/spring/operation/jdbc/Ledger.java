package io.github.idempotency.spring.operation.jdbc;

import io.github.idempotency.spring.operation.IdempotentOperation;
import io.github.idempotency.spring.operation.testapp.Orders.GatewayTimeoutException;
import io.github.idempotency.spring.operation.testapp.Orders.Receipt;
import io.github.idempotency.spring.testapp.Executions;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** Books orders into a business table, in the transactions the tests check. */
public class Ledger {

    /** The business table. */
    public static final String TABLE = "idempotency_spring_operations_ledger";

    private final JdbcTemplate jdbc;
    private final Executions executions;

    /**
     * @param jdbc the application's JdbcTemplate
     * @param executions counts runs, rolled back or not
     */
    public Ledger(JdbcTemplate jdbc, Executions executions) {
        this.jdbc = jdbc;
        this.executions = executions;
    }

    /**
     * @param orderId the order, the key
     * @param amount what is booked, the inputs
     * @param failAfterWriting whether the method throws after writing its row
     * @return the receipt
     */
    @Transactional
    @IdempotentOperation(key = "#orderId", inputs = "#amount")
    public Receipt book(String orderId, long amount, boolean failAfterWriting) {
        int run = executions.record(orderId);
        jdbc.update("INSERT INTO " + TABLE + " (entry_id, order_id, amount) VALUES (?, ?, ?)",
                UUID.randomUUID().toString(), orderId, amount);
        if (failAfterWriting) {
            throw new GatewayTimeoutException("failed after booking " + orderId);
        }
        return new Receipt(orderId, amount, run);
    }

    /**
     * @param orderId the order
     * @return how many rows it has, counted in a read-only transaction
     */
    @Transactional(readOnly = true)
    @IdempotentOperation(key = "#orderId", scope = "ledger.count")
    public int countInReadOnlyTransaction(String orderId) {
        executions.record("count " + orderId);
        return rows(orderId);
    }

    /**
     * @param orderId the order
     * @return how many rows it has
     */
    public int rows(String orderId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE + " WHERE order_id = ?", Integer.class, orderId);
    }
}
