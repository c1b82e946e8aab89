package io.github.idempotency.examples.orders;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The consumer application with the tests' {@link FaultInjection}: the main class of the
 * consumer JVMs that {@link ConsumerProcess} starts.
 */
public final class ConsumerWithFaults {

    private ConsumerWithFaults() {
    }

    /** @param args Spring Boot's command line: {@code --orders.queue=...}, {@code --faults.reject-rate=...} */
    public static void main(String[] args) {
        new SpringApplicationBuilder(OrdersConsumerApplication.class, FaultInjection.class).run(args);
    }
}
