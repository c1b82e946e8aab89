package io.github.idempotency.spring.operation.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.operation.IdempotentOperation;
import io.github.idempotency.spring.operation.testapp.RecordingListener;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Where the operation runs on a {@code @Transactional} method: inside the transaction by default
 * (so that a store joining the transaction could), around it when {@code idempotency.operations.order}
 * says so.
 */
class TransactionOrderTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID(),
                    "spring.datasource.generate-unique-name=false")
            .withBean(RecordingListener.class)
            .withBean(Transfers.class);

    private final AutoConfigurations boot = AutoConfigurations.of(DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
            IdempotentOperationsAutoConfiguration.class);

    @Test
    void byDefaultTheKeyIsClaimedInsideTheMethodsTransaction() {
        runner.withConfiguration(boot).run(context -> {
            assertThat(context.getBean(Transfers.class).transfer(UUID.randomUUID().toString())).isTrue();

            assertThat(context.getBean(RecordingListener.class).claimsInTransaction()).containsExactly(true);
        });
    }

    @Test
    void withSpringBootsAopConfigurationToo() {
        runner.withConfiguration(boot).withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
                .run(context -> {
                    context.getBean(Transfers.class).transfer(UUID.randomUUID().toString());

                    assertThat(context.getBean(RecordingListener.class).claimsInTransaction()).containsExactly(true);
                });
    }

    @Test
    void withTheApplicationsOwnEnableTransactionManagementToo() {
        runner.withUserConfiguration(OwnTransactions.class)
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        IdempotentOperationsAutoConfiguration.class))
                .run(context -> {
                    context.getBean(Transfers.class).transfer(UUID.randomUUID().toString());

                    assertThat(context.getBean(RecordingListener.class).claimsInTransaction()).containsExactly(true);
                });
    }

    @Test
    void aLowerOrderRunsTheOperationAroundTheTransaction() {
        runner.withConfiguration(boot).withPropertyValues("idempotency.operations.order=0").run(context -> {
            assertThat(context.getBean(Transfers.class).transfer(UUID.randomUUID().toString())).isTrue();

            assertThat(context.getBean(RecordingListener.class).claimsInTransaction()).containsExactly(false);
        });
    }

    static class Transfers {
        @Transactional
        @IdempotentOperation(key = "#id")
        public boolean transfer(String id) {
            return TransactionSynchronizationManager.isActualTransactionActive();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class OwnTransactions {
        @Bean
        JdbcTransactionManager transactionManager(DataSource dataSource) {
            return new JdbcTransactionManager(dataSource);
        }
    }
}
