package io.github.idempotency.spring.operation.testapp;

import io.github.idempotency.spring.testapp.Executions;
import io.github.idempotency.spring.testapp.Gates;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The application the annotation is tested in: annotated beans, their counters and gates, and a listener. */
@Configuration(proxyBeanMethods = false)
public class OperationsTestConfiguration {

    /** @return counts the methods' runs, unless a test shares one between applications */
    @Bean
    @ConditionalOnMissingBean
    public Executions executions() {
        return new Executions();
    }

    /** @return holds the methods given a gate */
    @Bean
    public Gates gates() {
        return new Gates();
    }

    /**
     * @param executions counts runs
     * @param gates holds methods
     * @return the payments
     */
    @Bean
    public PaymentService paymentService(Executions executions, Gates gates) {
        return new PaymentService(executions, gates);
    }

    /**
     * @param executions counts runs
     * @return the event listener
     */
    @Bean
    public OrderEvents orderEvents(Executions executions) {
        return new OrderEvents(executions);
    }

    /** @return records the runner's decisions */
    @Bean
    public RecordingListener recordingListener() {
        return new RecordingListener();
    }
}
