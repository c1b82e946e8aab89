package io.github.idempotency.spring.boot;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.StoragePolicy;
import io.github.idempotency.core.metrics.MicrometerIdempotencyListener;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.spring.internal.CompositeIdempotencyListener;
import io.github.idempotency.spring.internal.ScheduledPurge;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.jdbc.TimeSource;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * What every web stack's auto-configuration shares, imported by the Spring MVC one
 * ({@code IdempotencyAutoConfiguration}) and the WebFlux one: the default endpoint policy and scope
 * resolver, the store (unless the application defines an {@link IdempotencyStore} bean), the
 * engine and the Micrometer listener, configured by {@link IdempotencyProperties}. Every bean backs
 * off when the application defines its own.
 *
 * <p>Store types: each value of {@code idempotency.store.type} has its own nested configuration,
 * active for that value and only when no {@link IdempotencyStore} bean exists; a new store type
 * adds a value to {@link IdempotencyProperties.StoreType} and a configuration here. The store modules
 * are optional dependencies: a store type whose module (or, for {@code jdbc}, whose
 * {@link DataSource}) is missing fails startup with an {@link IllegalStateException} naming what to
 * add. Stores that open connections or threads of their own are closed with the context.
 *
 * <p>Not an auto-configuration itself: the importing one carries the conditions (web application
 * type, {@code idempotency.enabled}) and the ordering after the data source and meter registry.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyEngineConfiguration implements BeanClassLoaderAware {

    private static final String REDIS_STORE = "io.github.idempotency.store.redis.RedisIdempotencyStore";
    private static final String LETTUCE = "io.lettuce.core.RedisClient";
    private static final String JDBC_STORE = "io.github.idempotency.store.jdbc.JdbcIdempotencyStore";

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
            throw new IllegalStateException("idempotency.concurrency.max-wait must be positive when"
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
            throw new IllegalStateException("Invalid idempotency.* properties: " + e.getMessage(), e);
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
     * @return the engine; closed with the context
     * @throws IllegalStateException if there is no store, saying what the configured store type misses
     */
    @Bean
    @ConditionalOnMissingBean
    public IdempotencyEngine idempotencyEngine(ObjectProvider<IdempotencyStore> stores, IdempotencyProperties properties,
            ScopeResolver scopeResolver, ObjectProvider<IdempotencyListener> listeners) {
        IdempotencyStore store = stores.getIfAvailable(() -> {
            throw noStore(properties.getStore().getType());
        });
        return IdempotencyEngine.builder(store)
                .keyHeader(properties.getHeaderName())
                .scopeResolver(scopeResolver)
                .storeFailureMode(properties.getStoreFailureMode())
                .inFlightRetryAfter(properties.getInFlightRetryAfter())
                .storeUnavailableRetryAfter(properties.getStoreUnavailableRetryAfter())
                .listener(CompositeIdempotencyListener.of(listeners.orderedStream().toList()))
                .build();
    }

    /** {@code idempotency.store.type=memory} (the default): the in-memory store. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "idempotency.store", name = "type", havingValue = "memory", matchIfMissing = true)
    static class InMemoryStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean(IdempotencyStore.class)
        InMemoryIdempotencyStore idempotencyStore(IdempotencyProperties properties) {
            return InMemoryIdempotencyStore.builder()
                    .maximumWeightBytes(properties.getStore().getMemory().getMaximumSize().toBytes())
                    .build();
        }
    }

    /**
     * {@code idempotency.store.type=redis}: a Redis store with a connection of its own to
     * {@code idempotency.store.redis.url}, opened at startup and closed with the context.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {REDIS_STORE, LETTUCE})
    @ConditionalOnProperty(prefix = "idempotency.store", name = "type", havingValue = "redis")
    static class RedisStoreConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(IdempotencyStore.class)
        RedisIdempotencyStore idempotencyStore(IdempotencyProperties properties) {
            IdempotencyProperties.Redis redis = properties.getStore().getRedis();
            RedisIdempotencyStore.Builder builder;
            try {
                builder = RedisIdempotencyStore.builder(RedisURI.create(redis.getUrl()))
                        .keyPrefix(redis.getKeyPrefix())
                        .commandTimeout(redis.getCommandTimeout());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Invalid idempotency.store.redis.* properties: " + e.getMessage(), e);
            }
            try {
                return builder.build();
            } catch (IdempotencyStoreException e) {
                throw new IllegalStateException("idempotency.store.type is redis, but the server at"
                        + " idempotency.store.redis.url cannot be reached: " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code idempotency.store.type=jdbc}: a JDBC store on the application's {@link DataSource},
     * and, when {@code idempotency.store.jdbc.purge.enabled}, a schedule deleting its expired rows.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = JDBC_STORE)
    @ConditionalOnProperty(prefix = "idempotency.store", name = "type", havingValue = "jdbc")
    @ConditionalOnSingleCandidate(DataSource.class)
    static class JdbcStoreConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(IdempotencyStore.class)
        JdbcIdempotencyStore idempotencyStore(DataSource dataSource, IdempotencyProperties properties) {
            IdempotencyProperties.Jdbc jdbc = properties.getStore().getJdbc();
            JdbcIdempotencyStore.Builder builder = JdbcIdempotencyStore.builder(dataSource)
                    .timeSource(TimeSource.valueOf(jdbc.getTimeSource().name()))
                    .createTableIfMissing(jdbc.getInitializeSchema() == IdempotencyProperties.SchemaInitialization.ALWAYS);
            try {
                builder.tableName(jdbc.getTableName());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Invalid idempotency.store.jdbc.table-name: " + e.getMessage(), e);
            }
            try {
                builder.asyncThreads(jdbc.getAsyncThreads());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Invalid idempotency.store.jdbc.async-threads: " + e.getMessage(), e);
            }
            if (jdbc.getDialect() != IdempotencyProperties.JdbcDialectName.AUTO) {
                builder.dialect(JdbcDialect.valueOf(jdbc.getDialect().name()));
            }
            return builder.build();
        }

        @Bean(initMethod = "start", destroyMethod = "close")
        @ConditionalOnBean(JdbcIdempotencyStore.class)
        @ConditionalOnProperty(prefix = "idempotency.store.jdbc.purge", name = "enabled", havingValue = "true")
        ScheduledPurge idempotencyPurge(JdbcIdempotencyStore store, IdempotencyProperties properties) {
            IdempotencyProperties.Purge purge = properties.getStore().getJdbc().getPurge();
            try {
                return new ScheduledPurge(store::purgeExpired, purge.getBatchSize(), purge.getInterval());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Invalid idempotency.store.jdbc.purge.* properties: " + e.getMessage(), e);
            }
        }
    }

    /** Publishes decisions and store latencies when the application has a {@link MeterRegistry}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        @ConditionalOnMissingBean
        MicrometerIdempotencyListener micrometerIdempotencyListener(MeterRegistry registry) {
            return new MicrometerIdempotencyListener(registry);
        }
    }

    /** Why the configured store type has no store: the dependency or bean the application must add. */
    private IllegalStateException noStore(IdempotencyProperties.StoreType type) {
        String prefix = "idempotency.store.type is " + type.name().toLowerCase(Locale.ROOT) + ", but ";
        String orOwnStore = "; or define an IdempotencyStore bean";
        return switch (type) {
            case REDIS -> {
                List<String> missing = new ArrayList<>();
                if (!ClassUtils.isPresent(REDIS_STORE, classLoader)) {
                    missing.add("io.github.idempotency:idempotency-store-redis");
                }
                if (!ClassUtils.isPresent(LETTUCE, classLoader)) {
                    missing.add("io.lettuce:lettuce-core");
                }
                yield new IllegalStateException(prefix + "the Redis store is not on the class path: add the "
                        + (missing.size() == 1 ? "dependency " : "dependencies ") + String.join(" and ", missing)
                        + orOwnStore);
            }
            case JDBC -> ClassUtils.isPresent(JDBC_STORE, classLoader)
                    ? new IllegalStateException(prefix + "the application has no DataSource bean (or several, none of"
                            + " them @Primary): add spring-boot-starter-jdbc and set spring.datasource.url, or define a"
                            + " DataSource bean" + orOwnStore)
                    : new IllegalStateException(prefix + "the JDBC store is not on the class path: add the dependency"
                            + " io.github.idempotency:idempotency-store-jdbc" + orOwnStore);
            // Bound as the default, memory, yet not matched by the in-memory configuration: an empty value.
            case MEMORY -> new IllegalStateException("idempotency.store.type is empty: set it to memory, redis or jdbc"
                    + orOwnStore);
        };
    }
}
