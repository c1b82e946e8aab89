package io.github.idempotency.spring.webflux.boot;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.boot.IdempotencyEngineConfiguration;
import io.github.idempotency.spring.internal.StartupReport;
import io.github.idempotency.spring.webflux.IdempotencyHttpHandlerDecorator;
import io.github.idempotency.spring.webflux.IdempotencyWebFilter;
import io.github.idempotency.spring.webflux.ReactiveIdempotencyGuard;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Guards {@code @Idempotent} handlers of a Spring WebFlux application, and offers
 * {@link ReactiveIdempotencyGuard#routeFilter()} for functional endpoints: the guard, the web
 * filter and the response-capturing {@code HttpHandler} decorator, on the engine, store and
 * {@code idempotency.*} properties of the imported {@link IdempotencyEngineConfiguration} (the same
 * as Spring MVC's). Every bean backs off when the application defines its own;
 * {@code idempotency.enabled=false} turns the whole configuration off.
 *
 * <p>Works on Spring Boot 3.5 and 4.0; auto-configurations that moved between them are named by
 * class name.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({DispatcherHandler.class, ReactiveIdempotencyGuard.class})
@ConditionalOnProperty(prefix = "idempotency", name = "enabled", havingValue = "true", matchIfMissing = true)
@Import(IdempotencyEngineConfiguration.class)
public class IdempotencyWebFluxAutoConfiguration {

    /**
     * @param engine the engine
     * @param defaults the policy of an annotation that sets no attribute and of {@code routeFilter()}
     * @return the guard, also for functional endpoints
     */
    @Bean
    @ConditionalOnMissingBean
    public ReactiveIdempotencyGuard reactiveIdempotencyGuard(IdempotencyEngine engine, EndpointPolicy defaults) {
        return new ReactiveIdempotencyGuard(engine, defaults);
    }

    /** @return the decorator capturing guarded responses, whoever writes them */
    @Bean
    @ConditionalOnMissingBean
    public IdempotencyHttpHandlerDecorator idempotencyHttpHandlerDecorator() {
        return new IdempotencyHttpHandlerDecorator();
    }

    /**
     * @param guard the guard
     * @param handlers the application's annotated handler methods (WebFlux's own mapping, not the
     *     actuator's)
     * @param codecs the application's codecs
     * @return the filter guarding {@code @Idempotent} handler methods
     */
    @Bean
    @ConditionalOnMissingBean
    public IdempotencyWebFilter idempotencyWebFilter(ReactiveIdempotencyGuard guard,
            @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping handlers, ServerCodecConfigurer codecs) {
        return new IdempotencyWebFilter(guard, handlers, codecs);
    }

    /**
     * @param store the store, named in the line
     * @param defaults the policy of an annotation that sets no attribute
     * @return logs the store and the guarded handlers once the context is refreshed
     */
    @Bean
    public ApplicationListener<ContextRefreshedEvent> idempotencyStartupReport(IdempotencyStore store,
            EndpointPolicy defaults) {
        return event -> StartupReport.log(store, defaults, event.getApplicationContext()
                .getBeansOfType(RequestMappingHandlerMapping.class).values().stream()
                .map(RequestMappingHandlerMapping::getHandlerMethods).toList());
    }
}
