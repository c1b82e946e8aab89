package io.github.idempotency.spring.operation.testapp;

import io.github.idempotency.spring.operation.IdempotentOperation;
import io.github.idempotency.spring.operation.testapp.Orders.CardDeclinedException;
import io.github.idempotency.spring.operation.testapp.Orders.GatewayTimeoutException;
import io.github.idempotency.spring.operation.testapp.Orders.Line;
import io.github.idempotency.spring.operation.testapp.Orders.Order;
import io.github.idempotency.spring.operation.testapp.Orders.Receipt;
import io.github.idempotency.spring.testapp.Executions;
import io.github.idempotency.spring.testapp.Gates;
import java.util.List;

/** A service whose methods run once per key; each counts its runs per order in {@link Executions}. */
public class PaymentService {

    private final Executions executions;
    private final Gates gates;

    /**
     * @param executions counts runs
     * @param gates holds the methods that take a gate's name
     */
    public PaymentService(Executions executions, Gates gates) {
        this.executions = executions;
        this.gates = gates;
    }

    /**
     * @param order the order
     * @return its receipt
     */
    @IdempotentOperation(key = "#order.id")
    public Receipt charge(Order order) {
        return receipt(order);
    }

    /**
     * @param order the order
     * @param gate where the method waits until the test opens it
     * @return its receipt
     */
    @IdempotentOperation(key = "#p0.id", inputs = "#order")
    public Receipt chargeHeld(Order order, String gate) {
        gates.pass(gate);
        return receipt(order);
    }

    /**
     * @param order the order
     * @param gate where the method waits until the test opens it
     * @return its receipt
     */
    @IdempotentOperation(key = "#root.args[0].id", inputs = "#order", maxWait = "20s")
    public Receipt chargeHeldWaiting(Order order, String gate) {
        gates.pass(gate);
        return receipt(order);
    }

    /**
     * @param order the order
     * @return its receipt; a duplicate waits for the first call's
     */
    @IdempotentOperation(key = "#order.id", maxWait = "30s")
    public Receipt chargeWaiting(Order order) {
        return receipt(order);
    }

    /**
     * @param orderId the order
     * @param timeOut whether the gateway times out this time
     * @return its receipt
     */
    @IdempotentOperation(key = "#orderId", inputs = "#orderId")
    public Receipt chargeOverFlakyGateway(String orderId, boolean timeOut) {
        int run = executions.record(orderId);
        if (timeOut) {
            throw new GatewayTimeoutException("the gateway timed out for " + orderId);
        }
        return new Receipt(orderId, 100, run);
    }

    /**
     * @param orderId the order
     * @return never
     * @throws CardDeclinedException always
     */
    @IdempotentOperation(key = "#orderId", storeFailuresOf = CardDeclinedException.class)
    public Receipt chargeDeclinedCard(String orderId) throws CardDeclinedException {
        executions.record(orderId);
        throw new CardDeclinedException("card declined for " + orderId);
    }

    /**
     * @param order the order
     * @return its receipt
     */
    @IdempotentOperation(key = "#order.id", scope = "orders.#{#order.tenant}")
    public Receipt chargeForTenant(Order order) {
        return receipt(order);
    }

    /** @param order the order */
    @IdempotentOperation(key = "#order.id", ttl = "1h", lease = "10s")
    public void sendConfirmation(Order order) {
        executions.record(order.id());
    }

    /**
     * @param order the order
     * @return its lines
     */
    @IdempotentOperation(key = "#order.id")
    public List<Line> invoice(Order order) {
        executions.record(order.id());
        return List.of(new Line("sku-1", 2), new Line("sku-2", (int) order.amount()));
    }

    /**
     * @param order the order
     * @return its receipt, without idempotency
     */
    public Receipt chargeUnguarded(Order order) {
        return receipt(order);
    }

    private Receipt receipt(Order order) {
        return new Receipt(order.id(), order.amount(), executions.record(order.id()));
    }
}
