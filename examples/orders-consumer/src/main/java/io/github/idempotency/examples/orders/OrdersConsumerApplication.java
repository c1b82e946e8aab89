package io.github.idempotency.examples.orders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.amqp.support.converter.MessageConverter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * A RabbitMQ consumer that books orders in PostgreSQL once per order id: {@link OrderListener}.
 * Declares its durable queue and a dead-letter queue beside it for messages that can never be
 * booked (a body that is not an order), and reads JSON messages with Spring Boot's Jackson mapper.
 * Everything else is in {@code application.properties}.
 */
@SpringBootApplication
public class OrdersConsumerApplication {

    private static final Logger log = LoggerFactory.getLogger(OrdersConsumerApplication.class);

    /** @param args Spring Boot's command line ({@code --orders.queue=...}) */
    public static void main(String[] args) {
        SpringApplication.run(OrdersConsumerApplication.class, args);
    }

    /**
     * @param name {@code orders.queue}
     * @return the orders queue: durable, classic (a quorum queue would drop a message after its
     *         delivery limit, 20 requeues by default), dead-lettering what is rejected without requeue
     */
    @Bean
    Queue ordersQueue(@Value("${orders.queue}") String name) {
        return QueueBuilder.durable(name).deadLetterExchange("").deadLetterRoutingKey(name + ".dead-letter").build();
    }

    /**
     * @param name {@code orders.queue}
     * @return where messages that cannot be converted into an {@link Order} end, for someone to look at
     */
    @Bean
    Queue ordersDeadLetterQueue(@Value("${orders.queue}") String name) {
        return QueueBuilder.durable(name + ".dead-letter").build();
    }

    /**
     * @param mapper Spring Boot's Jackson 3 mapper
     * @return the converter of the listener container: JSON bodies into the listener's argument type
     */
    @Bean
    MessageConverter jsonMessageConverter(JsonMapper mapper) {
        return new JacksonJsonMessageConverter(mapper);
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready(ApplicationReadyEvent event) {
        log.info("Consuming orders from queue '{}' as instance '{}'",
                event.getApplicationContext().getEnvironment().getProperty("orders.queue"),
                event.getApplicationContext().getEnvironment().getProperty("orders.instance"));
    }
}
