package io.github.idempotency.spring.boot;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.servlet.CapturingResponse;
import io.github.idempotency.spring.IdempotencyCaptureFilter;
import io.github.idempotency.spring.IdempotencyHandlerInterceptor;
import io.github.idempotency.spring.internal.StartupReport;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Guards {@code @Idempotent} handlers of a Spring MVC application: the interceptor and the filter,
 * on the engine, store and properties of the imported {@link IdempotencyEngineConfiguration}. Every
 * bean backs off when the application defines its own; {@code idempotency.enabled=false} turns the
 * whole configuration off.
 *
 * <p>Works on Spring Boot 3.5 and 4.0; auto-configurations that moved between them are named by
 * class name.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({HandlerInterceptor.class, CapturingResponse.class})
@ConditionalOnProperty(prefix = "idempotency", name = "enabled", havingValue = "true", matchIfMissing = true)
@Import(IdempotencyEngineConfiguration.class)
public class IdempotencyAutoConfiguration {

    /**
     * @param engine the engine
     * @param defaults the policy of an annotation that sets no attribute
     * @return the interceptor guarding {@code @Idempotent} handlers
     */
    @Bean
    @ConditionalOnMissingBean
    public IdempotencyHandlerInterceptor idempotencyHandlerInterceptor(IdempotencyEngine engine,
            EndpointPolicy defaults) {
        return new IdempotencyHandlerInterceptor(engine, defaults);
    }

    /**
     * @param interceptor the interceptor
     * @return registers the interceptor for every path
     */
    @Bean
    @ConditionalOnMissingBean(name = "idempotencyWebMvcConfigurer")
    public WebMvcConfigurer idempotencyWebMvcConfigurer(IdempotencyHandlerInterceptor interceptor) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }

    /**
     * @param engine the engine, for its key header
     * @param defaults the policy of an annotation that sets no attribute, for its request body limit
     * @return the filter installing the wrappers and storing responses
     */
    @Bean
    @ConditionalOnMissingBean
    public IdempotencyCaptureFilter idempotencyFilter(IdempotencyEngine engine, EndpointPolicy defaults) {
        return new IdempotencyCaptureFilter(engine.keyHeader(), defaults.maxRequestBodyBytes());
    }

    /**
     * @param filter the filter
     * @return registers the filter for request, asynchronous and error dispatches, at
     *     {@link IdempotencyCaptureFilter#ORDER}
     */
    @Bean
    @ConditionalOnMissingBean(name = "idempotencyFilterRegistration")
    public FilterRegistrationBean<IdempotencyCaptureFilter> idempotencyFilterRegistration(IdempotencyCaptureFilter filter) {
        FilterRegistrationBean<IdempotencyCaptureFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(IdempotencyCaptureFilter.ORDER);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        registration.setAsyncSupported(true);
        return registration;
    }

    /**
     * @param filter the filter
     * @return registers the filter as a request listener, releasing keys no response was stored for
     */
    @Bean
    @ConditionalOnMissingBean(name = "idempotencyRequestListenerRegistration")
    public ServletListenerRegistrationBean<IdempotencyCaptureFilter> idempotencyRequestListenerRegistration(
            IdempotencyCaptureFilter filter) {
        return new ServletListenerRegistrationBean<>(filter);
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
