package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The store's health indicator on Spring Boot 3.5's Actuator: up while the store answers, down with the reason. */
class StoreHealthTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

    @Test
    void theInMemoryStoreIsUpAndNamed() {
        runner.run(context -> {
            Health health = context.getBean("idempotencyStoreHealthIndicator", HealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails().get("store").toString()).startsWith("InMemoryIdempotencyStore[");
        });
    }

    @Test
    void aJdbcStoreWhoseTableIsGoneIsDownWithTheReason() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:health-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

        runner.withBean(DataSource.class, () -> h2)
                .withPropertyValues("idempotency.store.type=jdbc")
                .run(context -> {
                    HealthIndicator indicator = context.getBean("idempotencyStoreHealthIndicator", HealthIndicator.class);
                    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                    try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
                        statement.execute("DROP TABLE idempotency_entries");
                    }

                    Health health = indicator.health();

                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails().get("error").toString())
                            .startsWith("The idempotency entries table idempotency_entries is missing");
                    assertThat(health.getDetails()).containsEntry("store", "JdbcIdempotencyStore[H2, table=idempotency_entries]");
                });
    }

    @Test
    void offWhenTheApplicationSaysSo() {
        runner.withPropertyValues("management.health.idempotency.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("idempotencyStoreHealthIndicator"));
    }
}
