package io.github.idempotency.examples.orders;

import java.util.List;
import java.util.Properties;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;

/**
 * The tests' producer: publishes orders to a queue of the local RabbitMQ as JSON, persistent, each
 * with the order's id as message id, and waits for the broker to confirm them.
 */
final class OrderPublisher implements AutoCloseable {

    private final CachingConnectionFactory connections;
    private final RabbitTemplate template;
    private final AmqpAdmin admin;
    private final String queue;

    /** @param queue the queue the consumers declare and listen to */
    OrderPublisher(String queue) {
        this.queue = queue;
        connections = new CachingConnectionFactory("127.0.0.1", 5672);
        connections.setUsername("guest");
        connections.setPassword("guest");
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        template = new RabbitTemplate(connections);
        template.setMessageConverter(new JacksonJsonMessageConverter());
        admin = new RabbitAdmin(connections);
    }

    /** Publishes the orders in their order and returns once the broker has confirmed every one. */
    void publish(List<Order> orders) {
        template.invoke(operations -> {
            for (Order order : orders) {
                operations.convertAndSend("", queue, order, message -> {
                    message.getMessageProperties().setMessageId(order.id());
                    return message;
                });
            }
            operations.waitForConfirmsOrDie(60_000);
            return null;
        });
    }

    /** @return the messages ready in the queue (not counting those delivered and not yet acknowledged) */
    int readyMessages() {
        Properties properties = admin.getQueueProperties(queue);
        if (properties == null) {
            throw new IllegalStateException("queue " + queue + " does not exist");
        }
        return ((Number) properties.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).intValue();
    }

    /** Deletes the test's queue and its dead-letter queue, and closes the connection. */
    @Override
    public void close() {
        admin.deleteQueue(queue);
        admin.deleteQueue(queue + ".dead-letter");
        connections.destroy();
    }
}
