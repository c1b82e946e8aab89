package io.github.idempotency.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.spring.operation.jdbc.TransactionalOperations;
import io.github.idempotency.store.jdbc.JdbcDialect;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.store.redis.RedisIdempotencyStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.context.support.StandardServletEnvironment;

/**
 * The demo on each store, chosen by environment variables alone: two instances started with the
 * same variables share a Redis or PostgreSQL store, so a retry sent to the other instance is
 * replayed. Each instance runs in this JVM with the variables as its whole system environment.
 */
class PaymentsStoresTest {

    private static final String PAYMENT = "{\"amount\": 700, \"currency\": \"EUR\"}";

    private final HttpClient http = HttpClient.newHttpClient();

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

    /**
     * The crash window between the commit of a handler's writes and the storage of its response:
     * the payment row and its operation record commit in one transaction, so when the HTTP record
     * is lost (deleted here, as after a process that died before storing it and whose lease ran
     * out) the retry runs the handler again and gets the committed payment, not a second one.
     */
    @Test
    void onPostgresqlARetryThatLostItsResponseGetsTheCommittedPaymentNotASecondOne() throws Exception {
        requireServer("PostgreSQL", 5432);
        try (ConfigurableApplicationContext instance = start(Map.of("IDEMPOTENCY_STORE", "postgresql"))) {
            assertThat(instance.getBeanNamesForType(TransactionalOperations.class))
                    .as("operations in a transaction join it").hasSize(1);
            JdbcTemplate jdbc = instance.getBean(JdbcTemplate.class);
            String key = UUID.randomUUID().toString();
            HttpResponse<String> created = send(instance, key);
            String paymentId = paymentId(created);
            int httpRecords = jdbc.update("DELETE FROM idempotency_entries WHERE id = ?",
                    new EntryKey("p5:alice4:POST/payments", key).digest());

            HttpResponse<String> retry = send(instance, key);

            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(httpRecords).as("the HTTP record was there to lose").isEqualTo(1);
            assertThat(retry.statusCode()).isEqualTo(201);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).as("the handler ran again").isEmpty();
            assertThat(paymentId(retry)).isEqualTo(paymentId);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM demo_payments WHERE id = ?", Integer.class, paymentId))
                    .isEqualTo(1);
            assertThat(retry.headers().firstValue("Location")).isEqualTo(created.headers().firstValue("Location"));
        }
    }

    @Test
    void inMemoryByDefaultWithoutAnyDatabase() throws Exception {
        try (ConfigurableApplicationContext first = start(Map.of());
                ConfigurableApplicationContext second = start(Map.of())) {
            String key = UUID.randomUUID().toString();
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

    private void assertReplayedAcross(ConfigurableApplicationContext first, ConfigurableApplicationContext second)
            throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> created = send(first, key);
        HttpResponse<String> retry = send(second, key);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("Location")).isEqualTo(created.headers().firstValue("Location"));
        assertThat(retry.body()).isEqualTo(created.body());
    }

    private static String paymentId(HttpResponse<String> response) {
        Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(response.body());
        assertThat(id.find()).as("a payment id in %s", response.body()).isTrue();
        return id.group(1);
    }

    /** Starts the demo on a free port with {@code variables} (and {@code PORT=0}) as its whole environment. */
    private static ConfigurableApplicationContext start(Map<String, String> variables) {
        Map<String, Object> environment = new HashMap<>(variables);
        environment.put("PORT", "0");
        SpringApplication application = new SpringApplication(PaymentsApplication.class);
        application.setEnvironment(new StandardServletEnvironment() {
            @Override
            public Map<String, Object> getSystemEnvironment() {
                return environment;
            }
        });
        return application.run();
    }

    private HttpResponse<String> send(ConfigurableApplicationContext instance, String key) throws Exception {
        int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
        String credentials = Base64.getEncoder().encodeToString("alice:alice-pass".getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/payments"))
                        .header("Authorization", "Basic " + credentials)
                        .header("Idempotency-Key", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(PAYMENT))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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
