package io.github.idempotency.spring.openapi;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.StoreFailureMode;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.spring.boot.IdempotencyProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link IdempotencyOpenApiCustomizer} when springdoc is on the class path (2.8 on Spring Boot
 * 3.5, 3.x on Boot 4; Spring MVC and WebFlux alike); {@code idempotency.openapi.enabled=false}
 * turns it off, and a bean named {@code idempotencyOpenApiCustomizer} replaces it. Imported by the
 * engine configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springdoc.core.customizers.GlobalOperationCustomizer")
@ConditionalOnProperty(prefix = "idempotency.openapi", name = "enabled", havingValue = "true", matchIfMissing = true)
public class IdempotencyOpenApiConfiguration {

    /**
     * @param defaults the policy of an annotation that sets no attribute
     * @param engine the engine, for its key header
     * @param scopeResolver the scope of keys: the default one is described as per caller
     * @param properties the bound properties, for the problem type base and the store failure mode
     * @return the customizer documenting guarded operations
     */
    @Bean
    @ConditionalOnMissingBean(name = "idempotencyOpenApiCustomizer")
    public IdempotencyOpenApiCustomizer idempotencyOpenApiCustomizer(EndpointPolicy defaults, IdempotencyEngine engine,
            ScopeResolver scopeResolver, IdempotencyProperties properties) {
        return new IdempotencyOpenApiCustomizer(defaults, engine.keyHeader(), properties.getProblemTypeBase(),
                scopeResolver == ScopeResolver.principalMethodRoute(),
                properties.getStoreFailureMode() == StoreFailureMode.FAIL_CLOSED);
    }
}
