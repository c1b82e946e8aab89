package io.github.idempotency.spring.boot.endpoint;

import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.IdempotencyStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator endpoint {@code idempotency} ({@link IdempotencyEndpoint}), when Actuator is on the
 * class path; one class serves every Spring Boot line, whose endpoint annotations are the same.
 * Like every Actuator endpoint it is exposed over HTTP only when the application includes it in
 * {@code management.endpoints.web.exposure.include}. Imported by the store configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint")
public class IdempotencyEndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    IdempotencyEndpoint idempotencyEndpoint(ObjectProvider<IdempotencyStore> store,
            ObjectProvider<ScopeResolver> scopeResolver) {
        return new IdempotencyEndpoint(store::getObject,
                scopeResolver.getIfAvailable(ScopeResolver::principalMethodRoute));
    }
}
