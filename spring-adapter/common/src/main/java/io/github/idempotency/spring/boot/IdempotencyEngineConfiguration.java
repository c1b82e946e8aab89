package io.github.idempotency.spring.boot;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.StoragePolicy;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.internal.CompositeIdempotencyListener;
import io.github.idempotency.spring.openapi.IdempotencyOpenApiConfiguration;
import java.net.URI;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What every web stack's auto-configuration shares, imported by the Spring MVC one
 * ({@code IdempotencyAutoConfiguration}) and the WebFlux one: the default endpoint policy and scope
 * resolver and the engine, configured by {@link IdempotencyProperties}, on the store and metrics
 * listener of the imported {@link IdempotencyStoreConfiguration}, and, with springdoc, the OpenAPI
 * customizer of the imported {@link IdempotencyOpenApiConfiguration}. Every bean backs off when the
 * application defines its own.
 *
 * <p>Not an auto-configuration itself: the importing one carries the conditions (web application
 * type, {@code idempotency.enabled}) and the ordering after the data source and meter registry.
 */
@Configuration(proxyBeanMethods = false)
@Import({IdempotencyStoreConfiguration.class, IdempotencyOpenApiConfiguration.class})
public class IdempotencyEngineConfiguration implements BeanClassLoaderAware {

    private ClassLoader classLoader = IdempotencyEngineConfiguration.class.getClassLoader();

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /**
     * @param properties the bound properties
     * @return the policy of an {@code @Idempotent} handler whose annotation sets no attribute
     */
    @Bean
    @ConditionalOnMissingBean
    public EndpointPolicy idempotencyEndpointPolicy(IdempotencyProperties properties) {
        IdempotencyProperties.Concurrency concurrency = properties.getConcurrency();
        if (concurrency.getMode() == IdempotencyProperties.ConcurrencyMode.WAIT
                && (concurrency.getMaxWait().isNegative() || concurrency.getMaxWait().isZero())) {
            throw new IdempotencyConfigurationException("idempotency.concurrency.max-wait must be positive when"
                    + " idempotency.concurrency.mode is wait, was " + concurrency.getMaxWait());
        }
        try {
            return EndpointPolicy.builder()
                    .methods(properties.getMethods().toArray(String[]::new))
                    .keyRequired(properties.isKeyRequired())
                    .ttl(properties.getTtl())
                    .lease(properties.getLease())
                    .storagePolicy(properties.getStoragePolicy() == IdempotencyProperties.StoragePolicyName.ALL
                            ? StoragePolicy.storeAll()
                            : StoragePolicy.defaults())
                    .concurrency(concurrency.getMode() == IdempotencyProperties.ConcurrencyMode.WAIT
                            ? ConcurrencyPolicy.waitUpTo(concurrency.getMaxWait())
                            : ConcurrencyPolicy.reject())
                    .maxRequestBodyBytes(properties.getMaxRequestBody().toBytes())
                    .maxStoredBodyBytes(properties.getMaxStoredBody().toBytes())
                    .excludedResponseHeaders(properties.getExcludedResponseHeaders().toArray(String[]::new))
                    .storedResponseHeaders(properties.getStoredResponseHeaders().toArray(String[]::new))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IdempotencyConfigurationException("Invalid idempotency.* properties: " + e.getMessage(), e);
        }
    }

    /**
     * @return the default scope: the principal (Spring Security's when present), the HTTP method and
     *     the route template
     */
    @Bean
    @ConditionalOnMissingBean
    public ScopeResolver idempotencyScopeResolver() {
        return ScopeResolver.principalMethodRoute();
    }

    /**
     * @param stores the {@link IdempotencyStore} bean: the application's, or the configured type's
     * @param properties the bound properties
     * @param scopeResolver the scope of keys
     * @param listeners every {@link IdempotencyListener} bean, called in order
     * @param decorators every {@link IdempotencyStoreDecorator} bean, applied in order to the store
     * @return the engine; closed with the context
     * @throws IdempotencyConfigurationException if there is no store, saying what the configured store type misses
     */
    @Bean
    @ConditionalOnMissingBean
    public IdempotencyEngine idempotencyEngine(ObjectProvider<IdempotencyStore> stores, IdempotencyProperties properties,
            ScopeResolver scopeResolver, ObjectProvider<IdempotencyListener> listeners,
            ObjectProvider<IdempotencyStoreDecorator> decorators) {
        IdempotencyStore store = IdempotencyStoreConfiguration.requiredStore(stores, decorators, properties, classLoader);
        return IdempotencyEngine.builder(store)
                .keyHeader(properties.getHeaderName())
                .problemBase(problemTypeBase(properties.getProblemTypeBase()))
                .scopeResolver(scopeResolver)
                .storeFailureMode(properties.getStoreFailureMode())
                .inFlightRetryAfter(properties.getInFlightRetryAfter())
                .storeUnavailableRetryAfter(properties.getStoreUnavailableRetryAfter())
                .listener(CompositeIdempotencyListener.of(listeners.orderedStream().toList()))
                .build();
    }

    private static URI problemTypeBase(URI base) {
        if (base == null || !base.isAbsolute() || !base.getPath().endsWith("/")) {
            throw new IdempotencyConfigurationException("Invalid idempotency.problem-type-base: " + base
                    + " is not an absolute URI ending with a slash, such as https://api.example.com/problems/ (each problem"
                    + " type is this base followed by its name, missing-idempotency-key for one)");
        }
        return base;
    }
}
