package io.github.idempotency.spring.operation.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.StoreFailureMode;
import io.github.idempotency.core.operation.IdempotentOperations;
import io.github.idempotency.core.operation.JacksonResultCodec;
import io.github.idempotency.core.operation.ResultCodec;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.boot.IdempotencyConfigurationException;
import io.github.idempotency.spring.boot.IdempotencyProperties;
import io.github.idempotency.spring.boot.IdempotencyStoreConfiguration;
import io.github.idempotency.spring.boot.IdempotencyStoreDecorator;
import io.github.idempotency.spring.internal.CompositeIdempotencyListener;
import io.github.idempotency.spring.operation.IdempotentOperationAdvisor;
import io.github.idempotency.spring.operation.jdbc.TransactionalOperations;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs {@code @IdempotentOperation} methods once per key, in any application (a message consumer
 * without a web server as much as a web application): one {@link IdempotentOperations} on the store
 * of the imported {@link IdempotencyStoreConfiguration} (the one {@code idempotency.store.*} names,
 * shared with HTTP requests; no HTTP engine is created), configured by
 * {@link IdempotentOperationsProperties}, and the {@link IdempotentOperationAdvisor} that proxies
 * annotated beans. Every bean backs off when the application defines its own;
 * {@code idempotency.enabled=false} turns the whole configuration off.
 *
 * <p>The runner encodes inputs and results with the application's {@link ResultCodec} bean, else
 * with its Jackson {@link ObjectMapper} bean (with its modules, {@code java.time} for one), else
 * with {@link ResultCodec#jackson()}. Decisions reach every {@link IdempotencyListener} bean, the
 * Micrometer one included.
 *
 * <p>With the JDBC store (a {@code JdbcIdempotencyStore} bean, on the application's one
 * {@code DataSource}) and Spring's JDBC and transaction support on the class path, a second runner
 * on the store's transactional mode, {@link TransactionalOperations}, runs the calls made in a
 * Spring-managed read-write transaction on that data source, so that their records commit with
 * them; {@code idempotency.operations.join-transactions=false} turns it off.
 *
 * <p>Ordered after the transaction auto-configuration, so that the advisor (at the same order as
 * the transaction advisor unless {@code idempotency.operations.order} says otherwise) runs inside
 * the method's transaction. Registers an auto-proxy creator when the application has none, as
 * {@code @EnableTransactionManagement} does, proxying classes unless
 * {@code spring.aop.proxy-target-class=false}. Works on Spring Boot 3.5 and 4.0;
 * auto-configurations that moved between them are named by class name.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"})
@ConditionalOnProperty(prefix = "idempotency", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(IdempotentOperationsProperties.class)
@Import({IdempotencyStoreConfiguration.class, TransactionJoiningConfiguration.class,
        IdempotentOperationsAutoConfiguration.AutoProxying.class})
public class IdempotentOperationsAutoConfiguration implements BeanClassLoaderAware {

    private ClassLoader classLoader = IdempotentOperationsAutoConfiguration.class.getClassLoader();

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /**
     * @param stores the {@link IdempotencyStore} bean: the application's, or the configured type's
     * @param properties the {@code idempotency.*} properties, for the store type's message
     * @param operations the {@code idempotency.operations.*} properties
     * @param codecs the application's {@link ResultCodec}, if it defines one
     * @param mappers the application's {@link ObjectMapper}, if it has one
     * @param listeners every {@link IdempotencyListener} bean, called in order
     * @param decorators every {@link IdempotencyStoreDecorator} bean, applied in order to the store
     * @return the runner; closed with the context
     * @throws IdempotencyConfigurationException if there is no store, or a property is not valid
     */
    @Bean
    @ConditionalOnMissingBean
    public IdempotentOperations idempotentOperations(ObjectProvider<IdempotencyStore> stores,
            IdempotencyProperties properties, IdempotentOperationsProperties operations,
            ObjectProvider<ResultCodec> codecs, ObjectProvider<ObjectMapper> mappers,
            ObjectProvider<IdempotencyListener> listeners, ObjectProvider<IdempotencyStoreDecorator> decorators) {
        return runner(IdempotencyStoreConfiguration.requiredStore(stores, decorators, properties, classLoader),
                operations.getStoreFailureMode(), operations, codecs, mappers, listeners);
    }

    /**
     * Static, and given the runners lazily, so that creating the advisor (which happens while bean
     * post-processors are set up) creates neither the store nor this configuration.
     *
     * @param operations the application's runner
     * @param transactional the runner joining Spring-managed transactions, with the JDBC store
     * @param beanFactory resolves {@code @beanName} in the annotations' expressions
     * @param environment for {@code idempotency.operations.order}
     * @return the advisor proxying {@code @IdempotentOperation} methods
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    public static IdempotentOperationAdvisor idempotentOperationAdvisor(ObjectProvider<IdempotentOperations> operations,
            ObjectProvider<TransactionalOperations> transactional, BeanFactory beanFactory, Environment environment) {
        Supplier<IdempotentOperations> application = SingletonSupplier.of(operations::getObject);
        Supplier<Optional<TransactionalOperations>> joining =
                SingletonSupplier.of(() -> Optional.ofNullable(transactional.getIfAvailable()));
        IdempotentOperationAdvisor advisor = new IdempotentOperationAdvisor(
                () -> joining.get().flatMap(TransactionalOperations::forCurrentTransaction).orElseGet(application),
                beanFactory);
        advisor.setOrder(Binder.get(environment)
                .bindOrCreate("idempotency.operations", IdempotentOperationsProperties.class).getOrder());
        return advisor;
    }

    /**
     * @return a runner on {@code store} configured by the properties, the codec and the listeners
     * @throws IdempotencyConfigurationException if a property is not valid
     */
    static IdempotentOperations runner(IdempotencyStore store, StoreFailureMode storeFailureMode,
            IdempotentOperationsProperties operations, ObjectProvider<ResultCodec> codecs,
            ObjectProvider<ObjectMapper> mappers, ObjectProvider<IdempotencyListener> listeners) {
        try {
            return IdempotentOperations.builder(store)
                    .codec(codec(codecs, mappers))
                    .lease(operations.getLease())
                    .ttl(operations.getTtl())
                    .concurrency(new ConcurrencyPolicy(operations.getMaxWait()))
                    .storeFailureMode(storeFailureMode)
                    .inProgressRetryAfter(operations.getInProgressRetryAfter())
                    .listener(CompositeIdempotencyListener.of(listeners.orderedStream().toList()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IdempotencyConfigurationException("Invalid idempotency.operations.* properties: " + e.getMessage(), e);
        }
    }

    private static ResultCodec codec(ObjectProvider<ResultCodec> codecs, ObjectProvider<ObjectMapper> mappers) {
        ResultCodec own = codecs.getIfUnique();
        if (own != null) {
            return own;
        }
        ObjectMapper mapper = mappers.getIfUnique();
        if (mapper == null) {
            return ResultCodec.jackson();
        }
        try {
            return new JacksonResultCodec(mapper);
        } catch (IllegalArgumentException e) {
            throw new IdempotencyConfigurationException("The application's ObjectMapper cannot encode @IdempotentOperation results: "
                    + e.getMessage() + ". Define a ResultCodec bean for them, for example new JacksonResultCodec(mapper)"
                    + " on a mapper without default typing.", e);
        }
    }

    /** Registers an auto-proxy creator unless there is one, as {@code @EnableTransactionManagement} does. */
    static class AutoProxying implements ImportBeanDefinitionRegistrar, EnvironmentAware {

        private Environment environment;

        @Override
        public void setEnvironment(Environment environment) {
            this.environment = environment;
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
            if (environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true)) {
                AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
            }
        }
    }
}
