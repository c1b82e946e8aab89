package io.github.idempotency.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.examples.servlet.DemoSettings.StoreKind;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoSettingsTest {

    @Test
    void withoutVariablesTheDemoRunsInMemoryOnPort8080() {
        DemoSettings settings = DemoSettings.fromEnvironment(Map.of());

        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.processingDelay()).isZero();
        assertThat(settings.store()).isEqualTo(StoreKind.MEMORY);
        assertThat(settings.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        assertThat(settings.lease()).isEmpty();
    }

    @Test
    void everyVariableIsRead() {
        DemoSettings settings = DemoSettings.fromEnvironment(Map.of(
                "PORT", "9090",
                "PAYMENTS_PROCESSING_DELAY_MS", "250",
                "IDEMPOTENCY_STORE", "JDBC",
                "IDEMPOTENCY_REDIS_URL", "redis://cache:6380",
                "IDEMPOTENCY_JDBC_URL", "jdbc:mariadb://db:3306/app?user=app",
                "IDEMPOTENCY_LEASE_MS", "1500"));

        assertThat(settings).isEqualTo(new DemoSettings(9090, Duration.ofMillis(250), StoreKind.JDBC,
                "redis://cache:6380", "jdbc:mariadb://db:3306/app?user=app", Optional.of(Duration.ofMillis(1500))));
    }

    @Test
    void anUnknownStoreNamesTheVariableTheValueAndTheAcceptedValues() {
        assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of("IDEMPOTENCY_STORE", "mongodb")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment variable IDEMPOTENCY_STORE=\"mongodb\" is not accepted: "
                        + "use one of memory, redis, postgresql, jdbc");
    }

    @Test
    void postgresqlNeedsAPostgresqlUrl() {
        assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of(
                "IDEMPOTENCY_STORE", "postgresql", "IDEMPOTENCY_JDBC_URL", "jdbc:mariadb://127.0.0.1:3306/test")))
                .hasMessageStartingWith("environment variable IDEMPOTENCY_JDBC_URL=\"jdbc:mariadb://127.0.0.1:3306/test\" "
                        + "is not accepted: use a jdbc:postgresql: URL")
                .hasMessageContaining("IDEMPOTENCY_STORE=jdbc");
    }

    @Test
    void jdbcNeedsAJdbcUrl() {
        assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of(
                "IDEMPOTENCY_STORE", "jdbc", "IDEMPOTENCY_JDBC_URL", "postgresql://127.0.0.1/test")))
                .hasMessageStartingWith("environment variable IDEMPOTENCY_JDBC_URL=\"postgresql://127.0.0.1/test\" "
                        + "is not accepted: use a JDBC URL");
    }

    @Test
    void aRedisUrlThatIsNotOneIsRejected() {
        assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of(
                "IDEMPOTENCY_STORE", "redis", "IDEMPOTENCY_REDIS_URL", "localhost:6379")))
                .hasMessageStartingWith("environment variable IDEMPOTENCY_REDIS_URL=\"localhost:6379\" "
                        + "is not accepted: use a Redis URI such as redis://127.0.0.1:6379");
    }

    @Test
    void aLeaseMustBeAPositiveNumberOfMilliseconds() {
        assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of("IDEMPOTENCY_LEASE_MS", "0")))
                .hasMessage("environment variable IDEMPOTENCY_LEASE_MS=\"0\" is not accepted: "
                        + "use a whole number from 1 to 86400000");
        assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of("IDEMPOTENCY_LEASE_MS", "2s")))
                .hasMessageContaining("IDEMPOTENCY_LEASE_MS=\"2s\"");
    }

    @Test
    void aPortOutOfRangeIsRejected() {
        assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of("PORT", "70000")))
                .hasMessage("environment variable PORT=\"70000\" is not accepted: use a whole number from 0 to 65535");
    }
}
