package io.github.idempotency.spring.boot;

import io.github.idempotency.core.metrics.MicrometerIdempotencyListener;
import io.github.idempotency.core.metrics.ObservedIdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.spring.aot.IdempotencyRuntimeHints;
import io.github.idempotency.spring.boot.endpoint.IdempotencyEndpointConfiguration;
import io.github.idempotency.spring.boot.health.IdempotencyHealthConfiguration;
import io.github.idempotency.spring.internal.ScheduledPurge;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.jdbc.MissingTableException;
import io.github.idempotency.store.jdbc.TimeSource;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.util.ClassUtils;

/**
 * What every user of the store shares, HTTP or not: the {@link IdempotencyProperties}, the store
 * {@code idempotency.store.type} names (unless the application defines an {@link IdempotencyStore}
 * bean), the schedule purging a JDBC store's expired rows and, with a Micrometer
 * {@link MeterRegistry}, the metrics listener. Imported by {@link IdempotencyEngineConfiguration}
 * (the HTTP engine) and by the auto-configuration of {@code @IdempotentOperation} methods, which
 * needs the store and not the engine. Every bean backs off when the application defines its own.
 *
 * <p>Store types: each value of {@code idempotency.store.type} has its own nested configuration,
 * active for that value and only when no {@link IdempotencyStore} bean exists; a new store type
 * adds a value to {@link IdempotencyProperties.StoreType} and a configuration here. The store modules
 * are optional dependencies: a store type whose module (or, for {@code jdbc}, whose
 * {@link DataSource}) is missing fails startup with an {@link IdempotencyConfigurationException} naming what to
 * add (see {@link #requiredStore}). Stores that open connections or threads of their own are closed
 * with the context. What the store keeps is encrypted and redacted as {@code idempotency.encryption.*}
 * and {@code idempotency.redaction.*} say ({@link IdempotencyProtectionConfiguration}, a store
 * decorator applied first). With Spring Boot Actuator, the store's health indicator
 * ({@link IdempotencyHealthConfiguration}) and the endpoint {@code idempotency}
 * ({@link IdempotencyEndpointConfiguration}).
 *
 * <p>Not an auto-configuration itself: the importing one carries the conditions
 * ({@code idempotency.enabled}, the application type) and the ordering after the data source and
 * meter registry.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdempotencyProperties.class)
@Import({IdempotencyHealthConfiguration.class, IdempotencyEndpointConfiguration.class,
        IdempotencyProtectionConfiguration.class})
@ImportRuntimeHints(IdempotencyRuntimeHints.class)
public class IdempotencyStoreConfiguration {

    private static final String REDIS_STORE = "io.github.idempotency.store.redis.RedisIdempotencyStore";
    private static final String LETTUCE = "io.lettuce.core.RedisClient";
    private static final String JDBC_STORE = "io.github.idempotency.store.jdbc.JdbcIdempotencyStore";

    /**
     * The store a bean that needs one (the engine, the operations runner) is built on: the store
     * bean with every {@link IdempotencyStoreDecorator} bean applied, in order.
     *
     * @param stores the {@link IdempotencyStore} bean: the application's, or the configured type's
     * @param decorators the decorator beans
     * @param properties the bound properties
     * @param classLoader the application's class loader, to name the store module that is missing
     * @return the store, decorated
     * @throws IdempotencyConfigurationException if there is no store, saying what the configured store type misses
     */
    public static IdempotencyStore requiredStore(ObjectProvider<IdempotencyStore> stores,
            ObjectProvider<IdempotencyStoreDecorator> decorators, IdempotencyProperties properties,
            ClassLoader classLoader) {
        IdempotencyStore store = stores.getIfAvailable(() -> {
            throw noStore(properties.getStore().getType(), classLoader);
        });
        for (IdempotencyStoreDecorator decorator : decorators.orderedStream().toList()) {
            store = decorator.decorate(store);
        }
        return store;
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
                throw new IdempotencyConfigurationException("Invalid idempotency.store.redis.* properties: " + e.getMessage(), e);
            }
            try {
                return builder.build();
            } catch (IdempotencyStoreException e) {
                throw new IdempotencyConfigurationException("idempotency.store.type is redis, but the server at"
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

        private static final Logger log = LoggerFactory.getLogger(JdbcStoreConfiguration.class);

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(IdempotencyStore.class)
        JdbcIdempotencyStore idempotencyStore(DataSource dataSource, IdempotencyProperties properties) {
            IdempotencyProperties.Jdbc jdbc = properties.getStore().getJdbc();
            JdbcIdempotencyStore.Builder builder = JdbcIdempotencyStore.builder(dataSource)
                    .timeSource(TimeSource.valueOf(jdbc.getTimeSource().name()))
                    .createTableIfMissing(switch (jdbc.getInitializeSchema()) {
                        case ALWAYS -> true;
                        case EMBEDDED -> isInMemoryH2(dataSource);
                        case NEVER -> false;
                    });
            try {
                builder.tableName(jdbc.getTableName());
            } catch (IllegalArgumentException e) {
                throw new IdempotencyConfigurationException("Invalid idempotency.store.jdbc.table-name: " + e.getMessage(), e);
            }
            try {
                builder.asyncThreads(jdbc.getAsyncThreads());
            } catch (IllegalArgumentException e) {
                throw new IdempotencyConfigurationException("Invalid idempotency.store.jdbc.async-threads: " + e.getMessage(), e);
            }
            if (jdbc.getDialect() != IdempotencyProperties.JdbcDialectName.AUTO) {
                builder.dialect(JdbcDialect.valueOf(jdbc.getDialect().name()));
            }
            JdbcIdempotencyStore store;
            try {
                store = builder.build();
            } catch (IdempotencyStoreException e) {
                throw new IdempotencyConfigurationException("idempotency.store.type is jdbc, but the database could not"
                        + " be asked at startup " + (jdbc.getDialect() == IdempotencyProperties.JdbcDialectName.AUTO
                                ? "for its dialect (idempotency.store.jdbc.dialect=auto)" : "to create the table")
                        + ": " + e.getMessage() + "; check spring.datasource.*, or name the dialect and create the table"
                        + " with your migrations, so that the application starts while the database is down", e);
            }
            try {
                store.checkTable();
            } catch (MissingTableException e) {
                store.close();
                throw new IdempotencyConfigurationException(e.withRemedy("set idempotency.store.jdbc.initialize-schema=always"
                        + " (it is " + jdbc.getInitializeSchema().name().toLowerCase(Locale.ROOT) + ")").getMessage(), e);
            } catch (IdempotencyStoreException e) {
                // The database cannot be asked now: the store answers as configured when it fails.
                log.warn("Could not check the idempotency entries table {} at startup: {}", store.tableName(), e.getMessage());
            }
            return store;
        }

        /** @return whether {@code dataSource} is an in-memory H2 database, which {@code embedded} initialises */
        private static boolean isInMemoryH2(DataSource dataSource) {
            try (Connection connection = dataSource.getConnection()) {
                String url = connection.getMetaData().getURL();
                return url != null && url.startsWith("jdbc:h2:mem:");
            } catch (SQLException e) {
                return false;
            }
        }

        @Bean(initMethod = "start", destroyMethod = "close")
        @ConditionalOnBean(JdbcIdempotencyStore.class)
        @ConditionalOnProperty(prefix = "idempotency.store.jdbc.purge", name = "enabled", havingValue = "true")
        ScheduledPurge idempotencyPurge(JdbcIdempotencyStore store, IdempotencyProperties properties) {
            IdempotencyProperties.Purge purge = properties.getStore().getJdbc().getPurge();
            try {
                return new ScheduledPurge(store::purgeExpired, purge.getBatchSize(), purge.getInterval());
            } catch (IllegalArgumentException e) {
                throw new IdempotencyConfigurationException("Invalid idempotency.store.jdbc.purge.* properties: " + e.getMessage(), e);
            }
        }
    }

    /**
     * With Micrometer's observation API on the class path: the store calls of the engine and the
     * operations runner are observations of the application's {@code ObservationRegistry} bean
     * (Spring Boot's, with Actuator), children of the HTTP server's, so that Micrometer Tracing
     * shows them as spans; {@code idempotency.observations.enabled=false} turns them off.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
    @ConditionalOnProperty(prefix = "idempotency.observations", name = "enabled", havingValue = "true",
            matchIfMissing = true)
    static class ObservationConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "idempotencyObservations")
        IdempotencyStoreDecorator idempotencyObservations(ObjectProvider<ObservationRegistry> registries) {
            return store -> {
                ObservationRegistry registry = registries.getIfAvailable();
                return registry == null ? store : ObservedIdempotencyStore.observe(store, registry);
            };
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
    private static IdempotencyConfigurationException noStore(IdempotencyProperties.StoreType type, ClassLoader classLoader) {
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
                yield new IdempotencyConfigurationException(prefix + "the Redis store is not on the class path: add the "
                        + (missing.size() == 1 ? "dependency " : "dependencies ") + String.join(" and ", missing)
                        + orOwnStore);
            }
            case JDBC -> ClassUtils.isPresent(JDBC_STORE, classLoader)
                    ? new IdempotencyConfigurationException(prefix + "the application has no DataSource bean (or several, none of"
                            + " them @Primary): add spring-boot-starter-jdbc and set spring.datasource.url, or define a"
                            + " DataSource bean" + orOwnStore)
                    : new IdempotencyConfigurationException(prefix + "the JDBC store is not on the class path: add the dependency"
                            + " io.github.idempotency:idempotency-store-jdbc" + orOwnStore);
            // Bound as the default, memory, yet not matched by the in-memory configuration: an empty value.
            case MEMORY -> new IdempotencyConfigurationException("idempotency.store.type is empty: set it to memory, redis or jdbc"
                    + orOwnStore);
        };
    }
}
