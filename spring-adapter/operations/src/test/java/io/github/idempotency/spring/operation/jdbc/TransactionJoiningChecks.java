package io.github.idempotency.spring.operation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.spring.boot.LocalServer;
import io.github.idempotency.spring.operation.boot.IdempotentOperationsAutoConfiguration;
import io.github.idempotency.spring.operation.testapp.Concurrent;
import io.github.idempotency.spring.operation.testapp.Orders.GatewayTimeoutException;
import io.github.idempotency.spring.operation.testapp.Orders.Receipt;
import io.github.idempotency.spring.testapp.Executions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * With the JDBC store, {@code @IdempotentOperation} methods in Spring-managed transactions claim
 * and store their record in the transaction, on each database a subclass names: the record commits
 * and rolls back with the method's business row.
 */
abstract class TransactionJoiningChecks {

    private static final String STORE_TABLE = "idempotency_spring_operations_tx";

    private final LocalServer database;
    private final Executions executions = new Executions();
    private String url;

    TransactionJoiningChecks(LocalServer database) {
        this.database = database;
    }

    @BeforeEach
    void createLedger() throws SQLException {
        url = database.requireRunning();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + Ledger.TABLE + " (entry_id VARCHAR(36) PRIMARY KEY,"
                    + " order_id VARCHAR(64) NOT NULL, amount BIGINT NOT NULL)");
        }
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class, IdempotentOperationsAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + url, "spring.datasource.hikari.maximum-pool-size=20",
                        "idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always",
                        "idempotency.store.jdbc.table-name=" + STORE_TABLE)
                .withBean(Executions.class, () -> executions)
                .withBean(Ledger.class)
                .withBean(Checkout.class);
    }

    @Test
    void aMethodThatThrowsAfterWritingLeavesNeitherItsRowNorARecord() {
        runner().run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            String orderId = UUID.randomUUID().toString();

            assertThatThrownBy(() -> ledger.book(orderId, 1250, true)).isInstanceOf(GatewayTimeoutException.class);

            assertThat(ledger.rows(orderId)).isZero();
            assertThat(records(context, orderId)).isZero();
        });
    }

    @Test
    void aMethodThatCommitsLeavesBothAndADuplicateGetsTheStoredResultWithoutASecondRow() {
        runner().run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            String orderId = UUID.randomUUID().toString();

            Receipt first = ledger.book(orderId, 1250, false);
            Receipt duplicate = ledger.book(orderId, 1250, false);

            assertThat(duplicate).isEqualTo(first).isEqualTo(new Receipt(orderId, 1250, 1));
            assertThat(ledger.rows(orderId)).isEqualTo(1);
            assertThat(records(context, orderId)).isEqualTo(1);
            assertThat(executions.of(orderId)).isEqualTo(1);
        });
    }

    @Test
    void aTransactionRolledBackAfterTheMethodReturnedTakesItsRecordWithItsRow() {
        runner().run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            String orderId = UUID.randomUUID().toString();

            assertThatThrownBy(() -> context.getBean(Checkout.class).bookThenFail(orderId, 1250))
                    .isInstanceOf(GatewayTimeoutException.class);

            assertThat(ledger.rows(orderId)).isZero();
            assertThat(records(context, orderId)).isZero();
            assertThat(ledger.book(orderId, 1250, false).run()).isEqualTo(2);
            assertThat(ledger.rows(orderId)).isEqualTo(1);
        });
    }

    @Test
    void withoutJoiningTheRecordOfAMethodWhoseTransactionRolledBackAfterItReturnedStays() {
        runner().withPropertyValues("idempotency.operations.join-transactions=false").run(context -> {
            assertThat(context).doesNotHaveBean(TransactionalOperations.class);
            Ledger ledger = context.getBean(Ledger.class);
            String orderId = UUID.randomUUID().toString();

            assertThatThrownBy(() -> context.getBean(Checkout.class).bookThenFail(orderId, 1250))
                    .isInstanceOf(GatewayTimeoutException.class);

            assertThat(ledger.rows(orderId)).isZero();
            assertThat(records(context, orderId)).isEqualTo(1);
            assertThat(ledger.book(orderId, 1250, false).run()).isEqualTo(1);
            assertThat(ledger.rows(orderId)).isZero();
        });
    }

    @Test
    void aReadOnlyTransactionUsesTheStoreOutsideIt() {
        runner().run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            String orderId = UUID.randomUUID().toString();

            assertThat(ledger.countInReadOnlyTransaction(orderId)).isZero();
            assertThat(ledger.countInReadOnlyTransaction(orderId)).isZero();

            assertThat(executions.of("count " + orderId)).isEqualTo(1);
        });
    }

    @Test
    void thirtyTwoConcurrentDuplicatesAcrossTwoInstancesWriteOneRow() {
        ApplicationContextRunner instance = runner();
        instance.run(first -> instance.run(second -> {
            List<Ledger> ledgers = List.of(first.getBean(Ledger.class), second.getBean(Ledger.class));
            String orderId = UUID.randomUUID().toString();

            List<Receipt> receipts = Concurrent.calls(32, i -> ledgers.get(i % 2).book(orderId, 1250, false));

            assertThat(receipts).hasSize(32).containsOnly(new Receipt(orderId, 1250, 1));
            assertThat(ledgers.get(0).rows(orderId)).isEqualTo(1);
            assertThat(executions.of(orderId)).isEqualTo(1);
        }));
    }

    /** @return the rows of the store's table for the key of {@link Ledger#book} */
    private static int records(AssertableApplicationContext context, String orderId) {
        String id = new EntryKey("op:Ledger.book", orderId).digest();
        return context.getBean(JdbcTemplate.class)
                .queryForObject("SELECT COUNT(*) FROM " + STORE_TABLE + " WHERE id = ?", Integer.class, id);
    }
}
