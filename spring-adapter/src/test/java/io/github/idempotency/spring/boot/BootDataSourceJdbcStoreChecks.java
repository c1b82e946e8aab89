package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.internal.ScheduledPurge;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * {@code idempotency.store.type=jdbc} on the DataSource that Spring Boot creates from
 * {@code spring.datasource.url}: the store is built on it, with its schema and purge schedule.
 * Subclassed once per Spring Boot line, each naming the line's DataSource auto-configuration, which
 * Boot 4 moved to another module and package than 3.5's.
 */
public abstract class BootDataSourceJdbcStoreChecks {

    /** The DataSource auto-configuration of the Spring Boot line under test. */
    protected abstract Class<?> dataSourceAutoConfiguration();

    @Test
    void jdbcStoreIsBuiltOnBootsDataSource() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(dataSourceAutoConfiguration(),
                        IdempotencyAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:boot-datasource-" + UUID.randomUUID(),
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
