package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.spring.boot.endpoint.IdempotencyEndpoint;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.jdbc.TransactionalJdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The Actuator endpoint {@code idempotency} on Spring Boot 3.5, called as Actuator calls it: how
 * it names entries with the default and with an application's scope resolver, and what it answers
 * for a store that cannot inspect or fails, and that it is exposed only when the application says
 * so. The HTTP round trip is in the protocol checks.
 */
class AdminEndpointTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

    @Test
    void namesEntriesByTheDefaultScopesPartsOrByTheScopeItself() {
        runner.run(context -> {
            IdempotencyEndpoint endpoint = context.getBean(IdempotencyEndpoint.class);
            String key = UUID.randomUUID().toString();
            claim(context.getBean(IdempotencyStore.class), new EntryKey("a0:4:POST/payments", key));

            WebEndpointResponse<Map<String, Object>> byParts = endpoint.entry(key, null, "POST", "/payments", null);
            WebEndpointResponse<Map<String, Object>> byScope = endpoint.entry(key, null, null, null, "a0:4:POST/payments");

            assertThat(byParts.getStatus()).isEqualTo(200);
            assertThat(byParts.getBody()).containsEntry("scope", "a0:4:POST/payments").containsEntry("state", "IN_FLIGHT");
            assertThat(byScope.getBody()).isEqualTo(byParts.getBody());
            assertThat(endpoint.entry(key, "alice", "POST", "/payments", null).getStatus()).isEqualTo(404);
            assertThatThrownBy(() -> endpoint.entry(key, "alice", null, null, "a0:4:POST/payments"))
                    .isInstanceOf(InvalidEndpointRequestException.class);
        });
    }

    @Test
    void withTheApplicationsOwnScopeResolverOnlyTheScopeItselfNamesAnEntry() {
        runner.withBean(ScopeResolver.class, () -> request -> "tenant-7")
                .run(context -> {
                    IdempotencyEndpoint endpoint = context.getBean(IdempotencyEndpoint.class);
                    String key = UUID.randomUUID().toString();
                    claim(context.getBean(IdempotencyStore.class), new EntryKey("tenant-7", key));

                    assertThatThrownBy(() -> endpoint.entry(key, "alice", "POST", "/payments", null))
                            .isInstanceOf(InvalidEndpointRequestException.class)
                            .hasMessageContaining("ScopeResolver of its own");
                    assertThat(endpoint.evict(key, null, null, null, "tenant-7").getBody()).containsEntry("evicted", true);
                    assertThat(endpoint.evict(key, null, null, null, "tenant-7").getStatus()).isEqualTo(404);
                });
    }

    @Test
    void aStoreThatCannotInspectAnswers501() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:endpoint-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        TransactionalJdbcIdempotencyStore transactional = JdbcIdempotencyStore.builder(h2).dialect(JdbcDialect.H2).build()
                .transactional(h2::getConnection);

        runner.withBean(IdempotencyStore.class, () -> transactional)
                .run(context -> {
                    WebEndpointResponse<Map<String, Object>> answer =
                            context.getBean(IdempotencyEndpoint.class).entry("k", null, "POST", "/payments", null);

                    assertThat(answer.getStatus()).isEqualTo(501);
                    assertThat(answer.getBody().get("error").toString()).contains("cannot inspect or evict entries");
                });
    }

    @Test
    void aStoreThatFailsAnswers503WithItsError() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:endpoint-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

        runner.withBean(DataSource.class, () -> h2)
                .withPropertyValues("idempotency.store.type=jdbc")
                .run(context -> {
                    try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
                        statement.execute("DROP TABLE idempotency_entries");
                    }

                    WebEndpointResponse<Map<String, Object>> answer =
                            context.getBean(IdempotencyEndpoint.class).evict("k", null, "POST", "/payments", null);

                    assertThat(answer.getStatus()).isEqualTo(503);
                    assertThat(answer.getBody().get("error").toString()).startsWith("JDBC idempotency store: evict on table");
                });
    }

    @Test
    void exposedOverHttpOnlyWhenTheApplicationExposesIt() {
        WebApplicationContextRunner actuator = runner.withConfiguration(
                AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class));
        EndpointId id = EndpointId.of("idempotency");

        actuator.run(context -> assertThat(context.getBean(PathMappedEndpoints.class).getEndpoint(id)).isNull());
        actuator.withPropertyValues("management.endpoints.web.exposure.include=idempotency")
                .run(context -> assertThat(context.getBean(PathMappedEndpoints.class).getPath(id))
                        .isEqualTo("/actuator/idempotency"));
    }

    @Test
    void theRecordShowsItsStatusAndBodySizeNotItsBody() {
        runner.run(context -> {
            IdempotencyStore store = context.getBean(IdempotencyStore.class);
            String key = UUID.randomUUID().toString();
            ClaimResult.Acquired acquired = claim(store, new EntryKey("p5:alice4:POST/payments", key));
            acquired.claim().complete(new StoredResponse(201, List.of(), "{\"secret\":1}".getBytes()), Duration.ofHours(1));

            Map<String, Object> body = context.getBean(IdempotencyEndpoint.class).entry(key, "alice", "POST", "/payments", null)
                    .getBody();

            assertThat(body).containsEntry("state", "COMPLETED").containsEntry("status", 201).containsEntry("bodyBytes", 12)
                    .containsKeys("fingerprint", "expiresAt");
            assertThat(body.toString()).doesNotContain("secret");
        });
    }

    private static ClaimResult.Acquired claim(IdempotencyStore store, EntryKey key) {
        return (ClaimResult.Acquired) store.claim(new ClaimRequest(key, Fingerprint.of(new byte[] {1, 2, 3}), LEASE));
    }
}
