package io.github.idempotency.spring.operation.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.StoreFailureMode;
import io.github.idempotency.core.operation.ResultCodec;
import io.github.idempotency.spring.boot.IdempotencyConfigurationException;
import io.github.idempotency.spring.operation.jdbc.TransactionalOperations;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.jdbc.TransactionalJdbcIdempotencyStore;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The runner joining Spring-managed transactions, when the store is a {@link JdbcIdempotencyStore}
 * bean and the application has one {@link DataSource}, which the store is taken to be on. Imported
 * after the store configuration, so that the store bean it looks for is known.
 *
 * <p>Its runner fails closed whatever {@code idempotency.operations.store-failure-mode} says: a
 * store failure in transactional mode is the transaction's database failing, or a duplicate
 * waiting past the lock timeout for a transaction that may still commit, and neither may run the
 * method without idempotency.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"org.springframework.transaction.support.TransactionSynchronizationManager",
        "org.springframework.jdbc.datasource.DataSourceUtils",
        "io.github.idempotency.store.jdbc.TransactionalJdbcIdempotencyStore"})
@ConditionalOnBean(type = "io.github.idempotency.store.jdbc.JdbcIdempotencyStore")
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "idempotency.operations", name = "join-transactions", havingValue = "true",
        matchIfMissing = true)
class TransactionJoiningConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TransactionalOperations transactionalIdempotentOperations(JdbcIdempotencyStore store, DataSource dataSource,
            IdempotentOperationsProperties operations, ObjectProvider<ResultCodec> codecs,
            ObjectProvider<ObjectMapper> mappers, ObjectProvider<IdempotencyListener> listeners) {
        TransactionalJdbcIdempotencyStore transactional;
        try {
            transactional = store.transactional(TransactionalOperations.connectionSource(dataSource),
                    operations.getTransactionLockTimeout());
        } catch (IllegalArgumentException e) {
            throw new IdempotencyConfigurationException("Invalid idempotency.operations.transaction-lock-timeout: "
                    + e.getMessage(), e);
        }
        return new TransactionalOperations(dataSource, IdempotentOperationsAutoConfiguration.runner(transactional,
                StoreFailureMode.FAIL_CLOSED, operations, codecs, mappers, listeners));
    }
}
