package io.github.idempotency.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.boot.IdempotencyAutoConfiguration;
import io.github.idempotency.spring.internal.ScheduledPurge;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * {@code idempotency.store.type=jdbc} on Spring Boot 4.0, whose DataSource auto-configuration lives
 * in another module and package than on 3.5: the store is built on the DataSource that Boot creates
 * from {@code spring.datasource.url}.
 */
class Boot40JdbcStoreTest {

    @Test
    void jdbcStoreIsBuiltOnBootsDataSource() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        IdempotencyAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:boot4-" + UUID.randomUUID(),
                        "idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always",
                        "idempotency.store.jdbc.purge.enabled=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(IdempotencyStore.class);
                    assertThat(context.getBean(JdbcIdempotencyStore.class).dialect()).isEqualTo(JdbcDialect.H2);
                    assertThat(context).hasSingleBean(ScheduledPurge.class);
                    try (Connection connection = context.getBean(DataSource.class).getConnection();
                            ResultSet table = connection.getMetaData().getTables(null, null, "IDEMPOTENCY_ENTRIES", null)) {
                        assertThat(table.next()).as("the entries table was created").isTrue();
                    }
                });
    }
}
