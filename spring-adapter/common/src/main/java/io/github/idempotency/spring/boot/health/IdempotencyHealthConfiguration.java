package io.github.idempotency.spring.boot.health;

import io.github.idempotency.core.store.IdempotencyStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The health of the idempotency store, as the component {@code idempotencyStore} of Spring Boot's
 * health endpoint, when Actuator is on the class path: {@code UP} when the store answers
 * {@link IdempotencyStore#probe()}, {@code DOWN} with the error otherwise; the store's description
 * ({@code JdbcIdempotencyStore[POSTGRESQL, table=idempotency_entries]}) as a detail. One indicator
 * per Spring Boot line, whose health APIs live in different packages;
 * {@code management.health.idempotency.enabled=false} turns it off. Imported by the store
 * configuration. The store is looked up at each check, so that a missing store fails the startup with
 * the store configuration's message rather than this bean's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "management.health.idempotency", name = "enabled", havingValue = "true",
        matchIfMissing = true)
public class IdempotencyHealthConfiguration {

    /** Spring Boot 3.5. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Actuator {

        @Bean
        @ConditionalOnMissingBean(name = "idempotencyStoreHealthIndicator")
        ActuatorStoreHealthIndicator idempotencyStoreHealthIndicator(ObjectProvider<IdempotencyStore> store) {
            return new ActuatorStoreHealthIndicator(store);
        }
    }

    /** Spring Boot 4. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class BootHealth {

        @Bean
        @ConditionalOnMissingBean(name = "idempotencyStoreHealthIndicator")
        BootHealthStoreHealthIndicator idempotencyStoreHealthIndicator(ObjectProvider<IdempotencyStore> store) {
            return new BootHealthStoreHealthIndicator(store);
        }
    }
}
