package io.github.idempotency.examples.webflux;

import static io.github.idempotency.examples.webflux.PaymentsClient.PAYMENT;
import static io.github.idempotency.examples.webflux.PaymentsClient.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.reactive.context.StandardReactiveWebEnvironment;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo on each store, chosen by environment variables alone: two instances started with the
 * same variables share a Redis or PostgreSQL store, so a retry sent to the other instance is
 * replayed. Each instance runs in this JVM with the variables as its whole system environment.
 */
class PaymentsStoresTest {

    @Test
    void onRedisARetryToAnotherInstanceIsReplayed() throws Exception {
        requireServer("Redis", 6379);
        Map<String, String> environment = Map.of("IDEMPOTENCY_STORE", "redis");

        try (ConfigurableApplicationContext first = start(environment);
                ConfigurableApplicationContext second = start(environment)) {
            assertThat(first.getBean(IdempotencyStore.class)).isInstanceOf(RedisIdempotencyStore.class);
            assertReplayedAcross(first, second);
        }
    }

    @Test
    void onPostgresqlARetryToAnotherInstanceIsReplayed() throws Exception {
        requireServer("PostgreSQL", 5432);
        Map<String, String> environment = Map.of("IDEMPOTENCY_STORE", "postgresql");

        try (ConfigurableApplicationContext first = start(environment);
                ConfigurableApplicationContext second = start(environment)) {
            assertThat(first.getBean(IdempotencyStore.class)).isInstanceOfSatisfying(JdbcIdempotencyStore.class,
                    store -> assertThat(store.dialect()).isEqualTo(JdbcDialect.POSTGRESQL));
            assertReplayedAcross(first, second);
        }
    }

    @Test
    void inMemoryByDefaultWithoutAnyDatabase() throws Exception {
        try (ConfigurableApplicationContext first = start(Map.of());
                ConfigurableApplicationContext second = start(Map.of())) {
            String key = key();
            HttpResponse<String> created = send(first, key);
            HttpResponse<String> elsewhere = send(second, key);

            assertThat(first.getBean(IdempotencyStore.class)).isInstanceOf(InMemoryIdempotencyStore.class);
            assertThat(first.getBeanNamesForType(DataSource.class)).isEmpty();
            assertThat(elsewhere.statusCode()).isEqualTo(201);
            assertThat(elsewhere.headers().firstValue("Idempotent-Replayed")).isEmpty();
            assertThat(elsewhere.body()).isNotEqualTo(created.body());
        }
    }

    @Test
    void leaseFromTheEnvironment() {
        try (ConfigurableApplicationContext instance = start(Map.of("IDEMPOTENCY_LEASE_MS", "3000"))) {
            assertThat(instance.getBean(EndpointPolicy.class).lease()).isEqualTo(Duration.ofSeconds(3));
        }
    }

    private static void assertReplayedAcross(ConfigurableApplicationContext first, ConfigurableApplicationContext second)
            throws Exception {
        String key = key();
        HttpResponse<String> created = send(first, key);
        HttpResponse<String> retry = send(second, key);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("Location")).isEqualTo(created.headers().firstValue("Location"));
        assertThat(retry.body()).isEqualTo(created.body());
    }

    /** Starts the demo on a free port with {@code variables} (and {@code PORT=0}) as its whole environment. */
    private static ConfigurableApplicationContext start(Map<String, String> variables) {
        Map<String, Object> environment = new HashMap<>(variables);
        environment.put("PORT", "0");
        SpringApplication application = new SpringApplication(PaymentsApplication.class);
        application.setEnvironment(new StandardReactiveWebEnvironment() {
            @Override
            public Map<String, Object> getSystemEnvironment() {
                return environment;
            }
        });
        return application.run();
    }

    private static HttpResponse<String> send(ConfigurableApplicationContext instance, String key) throws Exception {
        PaymentsClient client = new PaymentsClient(((WebServerApplicationContext) instance).getWebServer().getPort());
        return client.send(client.post("alice", PAYMENT, key));
    }

    /** Skips (or, when the environment variable CI is true, fails) the test unless the server is up. */
    private static void requireServer(String name, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        } catch (IOException e) {
            String problem = name + " at 127.0.0.1:" + port + " does not accept connections (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                fail(problem + "; it is required when CI=true");
            }
            Assumptions.abort(problem + "; skipping the demo on it");
        }
    }
}
