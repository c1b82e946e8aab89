package io.github.idempotency.spring.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.operation.OperationInProgressException;
import io.github.idempotency.core.operation.OperationKey;
import io.github.idempotency.core.operation.OperationKeyReusedException;
import io.github.idempotency.core.operation.ReplayedFailureException;
import io.github.idempotency.spring.operation.boot.IdempotentOperationsAutoConfiguration;
import io.github.idempotency.spring.operation.testapp.InFlight;
import io.github.idempotency.spring.operation.testapp.OperationsTestConfiguration;
import io.github.idempotency.spring.operation.testapp.Orders.CardDeclinedException;
import io.github.idempotency.spring.operation.testapp.Orders.GatewayTimeoutException;
import io.github.idempotency.spring.operation.testapp.Orders.Line;
import io.github.idempotency.spring.operation.testapp.Orders.Order;
import io.github.idempotency.spring.operation.testapp.Orders.OrderPlaced;
import io.github.idempotency.spring.operation.testapp.Orders.Receipt;
import io.github.idempotency.spring.operation.testapp.PaymentService;
import io.github.idempotency.spring.operation.testapp.RecordingListener;
import io.github.idempotency.spring.operation.testapp.RecordingListener.Decision;
import io.github.idempotency.spring.testapp.Executions;
import io.github.idempotency.spring.testapp.Gate;
import io.github.idempotency.spring.testapp.Gates;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code @IdempotentOperation} on the beans of a non-web application, on the in-memory store: what
 * runs, what is returned, what is thrown, and the expressions.
 */
class IdempotentOperationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotentOperationsAutoConfiguration.class))
            .withUserConfiguration(OperationsTestConfiguration.class);

    private final InFlight inFlight = new InFlight();

    @AfterEach
    void stopThreads() {
        inFlight.close();
    }

    @Test
    void aServiceMethodRunsOncePerKeyAndTheSecondCallGetsTheStoredResultDecoded() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            Order order = order("acme", 1250);

            Receipt first = payments.charge(order);
            Receipt second = payments.charge(order);

            assertThat(first).isEqualTo(new Receipt(order.id(), 1250, 1));
            assertThat(second).isEqualTo(first).isNotSameAs(first);
            assertThat(runs(context, order)).isEqualTo(1);
            assertThat(decisions(context)).containsExactly(
                    new Decision(Outcome.NEW, "PaymentService.charge", sf(order.id())),
                    new Decision(Outcome.REPLAYED, "PaymentService.charge", sf(order.id())));
        });
    }

    @Test
    void anotherKeyRunsAgainAndAMethodWithoutTheAnnotationIsUntouched() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            Order order = order("acme", 1250);
            Order other = order("acme", 1250);

            payments.charge(order);
            payments.charge(other);
            payments.chargeUnguarded(order);

            assertThat(runs(context, order)).isEqualTo(2);
            assertThat(runs(context, other)).isEqualTo(1);
            assertThat(decisions(context)).extracting(Decision::outcome).containsExactly(Outcome.NEW, Outcome.NEW);
        });
    }

    @Test
    void theSameKeyWithOtherInputsIsRejectedWithoutRunning() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            Order order = order("acme", 1250);
            payments.charge(order);

            assertThatThrownBy(() -> payments.charge(new Order(order.id(), "acme", 9999)))
                    .isInstanceOf(OperationKeyReusedException.class)
                    .satisfies(e -> assertThat(((OperationKeyReusedException) e).key())
                            .isEqualTo(OperationKey.of("PaymentService.charge", order.id())));
            assertThat(runs(context, order)).isEqualTo(1);
        });
    }

    @Test
    void aDuplicateWhileTheFirstCallRunsIsRejected() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            Order order = order("acme", 1250);
            Gate gate = context.getBean(Gates.class).named(order.id());

            Future<Receipt> first = inFlight.startHeld(gate, () -> payments.chargeHeld(order, order.id()));

            assertThatThrownBy(() -> payments.chargeHeld(order, order.id()))
                    .isInstanceOf(OperationInProgressException.class);
            gate.open();
            assertThat(first.get(10, TimeUnit.SECONDS).run()).isEqualTo(1);
            assertThat(payments.chargeHeld(order, order.id())).isEqualTo(first.get());
            assertThat(runs(context, order)).isEqualTo(1);
        });
    }

    @Test
    void withMaxWaitADuplicateWaitsForTheFirstCallAndGetsItsResult() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            Order order = order("acme", 1250);
            Gate gate = context.getBean(Gates.class).named(order.id());

            Future<Receipt> first = inFlight.startHeld(gate, () -> payments.chargeHeldWaiting(order, order.id()));
            Future<Receipt> duplicate = inFlight.startWaiting(context.getBean(RecordingListener.class),
                    () -> payments.chargeHeldWaiting(order, order.id()));
            assertThat(duplicate).isNotDone();

            gate.open();

            assertThat(duplicate.get(10, TimeUnit.SECONDS)).isEqualTo(first.get(10, TimeUnit.SECONDS));
            assertThat(runs(context, order)).isEqualTo(1);
        });
    }

    @Test
    void anExceptionReleasesTheKeyByDefaultAndTheNextCallRuns() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            String orderId = UUID.randomUUID().toString();

            assertThatThrownBy(() -> payments.chargeOverFlakyGateway(orderId, true))
                    .isInstanceOf(GatewayTimeoutException.class)
                    .hasMessage("the gateway timed out for " + orderId);
            Receipt receipt = payments.chargeOverFlakyGateway(orderId, false);

            assertThat(receipt.run()).isEqualTo(2);
            assertThat(payments.chargeOverFlakyGateway(orderId, true)).isEqualTo(receipt);
            assertThat(context.getBean(Executions.class).of(orderId)).isEqualTo(2);
        });
    }

    @Test
    void aFailureNamedInStoreFailuresOfIsStoredRethrownAndReplayed() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            String orderId = UUID.randomUUID().toString();

            assertThatThrownBy(() -> payments.chargeDeclinedCard(orderId))
                    .isExactlyInstanceOf(CardDeclinedException.class)
                    .hasMessage("card declined for " + orderId);
            assertThatThrownBy(() -> payments.chargeDeclinedCard(orderId))
                    .isInstanceOf(ReplayedFailureException.class)
                    .satisfies(e -> {
                        ReplayedFailureException replayed = (ReplayedFailureException) e;
                        assertThat(replayed.failureClassName()).isEqualTo(CardDeclinedException.class.getName());
                        assertThat(replayed.failureMessage()).contains("card declined for " + orderId);
                    });
            assertThat(context.getBean(Executions.class).of(orderId)).isEqualTo(1);
        });
    }

    @Test
    void theScopeExpressionSeparatesTheKeysOfEachTenant() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            String id = UUID.randomUUID().toString();

            Receipt acme = payments.chargeForTenant(new Order(id, "acme", 100));
            Receipt globex = payments.chargeForTenant(new Order(id, "globex", 100));
            Receipt acmeAgain = payments.chargeForTenant(new Order(id, "acme", 100));

            assertThat(acme.run()).isEqualTo(1);
            assertThat(globex.run()).isEqualTo(2);
            assertThat(acmeAgain).isEqualTo(acme);
            assertThat(decisions(context)).containsExactly(
                    new Decision(Outcome.NEW, "orders.acme", sf(id)),
                    new Decision(Outcome.NEW, "orders.globex", sf(id)),
                    new Decision(Outcome.REPLAYED, "orders.acme", sf(id)));
        });
    }

    @Test
    void aVoidMethodRunsOnce() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            Order order = order("acme", 1250);

            payments.sendConfirmation(order);
            payments.sendConfirmation(order);

            assertThat(runs(context, order)).isEqualTo(1);
            assertThat(decisions(context)).extracting(Decision::outcome).containsExactly(Outcome.NEW, Outcome.REPLAYED);
        });
    }

    @Test
    void aGenericResultIsDecodedIntoTheDeclaredElementType() {
        runner.run(context -> {
            PaymentService payments = context.getBean(PaymentService.class);
            Order order = order("acme", 3);

            List<Line> first = payments.invoice(order);
            List<Line> replayed = payments.invoice(order);

            assertThat(replayed).isEqualTo(first).isNotSameAs(first)
                    .hasOnlyElementsOfType(Line.class)
                    .containsExactly(new Line("sku-1", 2), new Line("sku-2", 3));
            assertThat(runs(context, order)).isEqualTo(1);
        });
    }

    @Test
    void aTypeVariableOfAGenericBeanClassIsResolvedAgainstTheBeansClass() {
        runner.withBean(ReceiptLookup.class).run(context -> {
            ReceiptLookup lookup = context.getBean(ReceiptLookup.class);
            String id = UUID.randomUUID().toString();

            Receipt first = lookup.find(id);
            List<Receipt> all = lookup.findAll(id);

            assertThat(lookup.find(id)).isEqualTo(first).isNotSameAs(first);
            assertThat(lookup.findAll(id)).isEqualTo(all).hasOnlyElementsOfType(Receipt.class);
            assertThat(first.run()).isEqualTo(1);
            assertThat(all).extracting(Receipt::run).containsExactly(2);
        });
    }

    @Test
    void anEventListenerRunsOncePerEvent() {
        runner.run(context -> {
            OrderPlaced event = new OrderPlaced(UUID.randomUUID().toString());

            context.publishEvent(event);
            context.publishEvent(event);
            context.publishEvent(new OrderPlaced(event.orderId()));

            assertThat(context.getBean(Executions.class).of(event.orderId())).isEqualTo(1);
            assertThat(decisions(context)).extracting(Decision::scope).containsOnly("OrderEvents.onOrderPlaced");
        });
    }

    abstract static class Lookup<R> {
        @IdempotentOperation(key = "#p0")
        public R find(String id) {
            return make(id);
        }

        @IdempotentOperation(key = "#p0", scope = "lookup.all")
        public List<R> findAll(String id) {
            return List.of(make(id));
        }

        abstract R make(String id);
    }

    static class ReceiptLookup extends Lookup<Receipt> {
        private final AtomicInteger runs = new AtomicInteger();

        @Override
        Receipt make(String id) {
            return new Receipt(id, 7, runs.incrementAndGet());
        }
    }

    private static Order order(String tenant, long amount) {
        return new Order(UUID.randomUUID().toString(), tenant, amount);
    }

    private static int runs(AssertableApplicationContext context, Order order) {
        return context.getBean(Executions.class).of(order.id());
    }

    private static List<Decision> decisions(AssertableApplicationContext context) {
        return context.getBean(RecordingListener.class).decisions();
    }

    /** The key as the runner's listener sees it, an sf-string. */
    private static String sf(String key) {
        return "\"" + key + "\"";
    }
}
