package io.github.idempotency.examples.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Test-only additions to the consumer, which {@link ConsumerWithFaults} adds to the application
 * (the application never loads them): every delivery and every fault is recorded in the table
 * {@value #EVENTS_TABLE}, on a connection of its own, outside the booking's transaction; and
 * faults happen right after the ledger insert, inside the transaction. Its properties:
 * <ul>
 *   <li>{@code faults.reject-rate} (default 0): the share of bookings that fail, half of them by
 *       an exception right after the ledger insert (the transaction rolls back), half by an
 *       exception after the commit (the message is requeued although the order was booked);
 *       either way the listener throws and the container requeues the message;</li>
 *   <li>{@code faults.seed}: the seed of the random draws;</li>
 *   <li>{@code faults.block-on}: an order id; the first booking of it, by any instance, records a
 *       {@value #BLOCKED} event, prints {@value #BLOCKED_MARKER} and the id, and blocks inside its
 *       transaction until the JVM is killed.</li>
 * </ul>
 * Plain {@code @Bean} methods on a class that is not a {@code @Configuration}, so that the
 * application's component scan does not pick it up in the tests' own JVM.
 */
class FaultInjection {

    static final String EVENTS_TABLE = "orders_test_events";
    static final String DELIVERED = "delivered";
    static final String REDELIVERED = "redelivered";
    static final String REJECTED_IN_TRANSACTION = "rejected-in-transaction";
    static final String REJECTED_AFTER_COMMIT = "rejected-after-commit";
    static final String BLOCKED = "blocked";
    static final String BLOCKED_MARKER = "BLOCKED-IN-TRANSACTION ";

    /** Thrown by an injected fault; an ordinary listener failure, so the container requeues the message. */
    static final class InjectedFault extends RuntimeException {
        InjectedFault(String message) {
            super(message);
        }
    }

    @Bean
    Events events(DataSource dataSource, Environment environment) {
        return new Events(dataSource, environment.getRequiredProperty("orders.instance"));
    }

    @Bean
    ContainerCustomizer<SimpleMessageListenerContainer> deliveryCounting(Events events) {
        return container -> container.addAfterReceivePostProcessors(message -> {
            events.record(message.getMessageProperties().getMessageId(),
                    message.getMessageProperties().isRedelivered() ? REDELIVERED : DELIVERED);
            return message;
        });
    }

    /**
     * Wraps the application's {@link OrderLedger} (which may already be a proxy: exception translation of a
     * {@code @Repository}) so that {@link Faults#afterInsert} runs after each insert.
     */
    @Bean
    static BeanPostProcessor ledgerFaults(ObjectProvider<Events> events, Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof OrderLedger)) {
                    return bean;
                }
                Faults faults = new Faults(events.getObject(), environment);
                MethodInterceptor afterInsert = invocation -> {
                    Object result = invocation.proceed();
                    if (invocation.getMethod().getName().equals("insert")) {
                        faults.afterInsert((Order) invocation.getArguments()[0]);
                    }
                    return result;
                };
                ProxyFactory proxy = new ProxyFactory(bean);
                proxy.setProxyTargetClass(true);
                proxy.addAdvice(afterInsert);
                return proxy.getProxy(bean.getClass().getClassLoader());
            }
        };
    }

    /** The faults, drawn for each booking that reached the ledger insert. */
    static final class Faults {

        private final Events events;
        private final double rejectRate;
        private final Random random;
        private final String blockOn;

        Faults(Events events, Environment environment) {
            this.events = events;
            this.rejectRate = environment.getProperty("faults.reject-rate", Double.class, 0.0);
            this.random = new Random(environment.getProperty("faults.seed", Long.class, 1L));
            this.blockOn = environment.getProperty("faults.block-on", "");
        }

        void afterInsert(Order order) throws InterruptedException {
            String id = order.id();
            if (id.equals(blockOn) && events.count(id, BLOCKED) == 0) {
                events.record(id, BLOCKED);
                System.out.println(BLOCKED_MARKER + id);
                System.out.flush();
                new CountDownLatch(1).await();
            }
            double draw = random.nextDouble();
            if (draw < rejectRate / 2) {
                events.record(id, REJECTED_IN_TRANSACTION);
                throw new InjectedFault("rejected inside the transaction, after the ledger insert: " + id);
            }
            if (draw < rejectRate) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        events.record(id, REJECTED_AFTER_COMMIT);
                        throw new InjectedFault("rejected after the commit: " + id);
                    }
                });
            }
        }
    }

    /** Writes and counts events on connections of their own, in auto-commit, whatever transaction is open. */
    static final class Events {

        private final DataSource dataSource;
        private final String instance;

        Events(DataSource dataSource, String instance) {
            this.dataSource = dataSource;
            this.instance = instance;
        }

        void record(String orderId, String kind) {
            try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + EVENTS_TABLE + " (order_id, instance, kind) VALUES (?, ?, ?)")) {
                insert.setString(1, orderId);
                insert.setString(2, instance);
                insert.setString(3, kind);
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("could not record " + kind + " of " + orderId, e);
            }
        }

        long count(String orderId, String kind) {
            try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection.prepareStatement(
                    "SELECT COUNT(*) FROM " + EVENTS_TABLE + " WHERE order_id = ? AND kind = ?")) {
                query.setString(1, orderId);
                query.setString(2, kind);
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not count " + kind + " of " + orderId, e);
            }
        }
    }
}
