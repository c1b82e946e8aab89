package io.github.idempotency.examples.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The demo on each store, chosen by environment variables alone: two instances configured alike
 * share a Redis or PostgreSQL store, so a retry sent to the other instance is replayed.
 */
class ServletDemoStoresTest {

    private static final String PAYMENT = "{\"amount\": 700, \"currency\": \"EUR\"}";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void onRedisARetryToAnotherInstanceIsReplayed() throws Exception {
        LocalServer.REDIS.requireRunning();
        Map<String, String> environment = Map.of("IDEMPOTENCY_STORE", "redis");

        try (DemoServer first = start(environment); DemoServer second = start(environment)) {
            assertThat(first.storeDescription()).isEqualTo("Redis at 127.0.0.1:6379");
            assertReplayedAcross(first, second);
        }
    }

    @Test
    void onPostgresqlARetryToAnotherInstanceIsReplayed() throws Exception {
        LocalServer.POSTGRESQL.requireRunning();
        Map<String, String> environment = Map.of("IDEMPOTENCY_STORE", "postgresql");

        try (DemoServer first = start(environment); DemoServer second = start(environment)) {
            assertThat(first.storeDescription())
                    .isEqualTo("POSTGRESQL table idempotency_entries at jdbc:postgresql://127.0.0.1:5432/test");
            assertReplayedAcross(first, second);
        }
    }

    @Test
    void inMemoryEachInstanceKeepsItsOwnEntries() throws Exception {
        try (DemoServer first = start(Map.of()); DemoServer second = start(Map.of())) {
            String key = UUID.randomUUID().toString();
            HttpResponse<String> created = send(first, key);
            HttpResponse<String> elsewhere = send(second, key);

            assertThat(first.storeDescription()).isEqualTo("in memory");
            assertThat(elsewhere.statusCode()).isEqualTo(201);
            assertThat(elsewhere.headers().firstValue("Idempotent-Replayed")).isEmpty();
            assertThat(elsewhere.body()).isNotEqualTo(created.body());
        }
    }

    private void assertReplayedAcross(DemoServer first, DemoServer second) throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> created = send(first, key);
        HttpResponse<String> retry = send(second, key);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(retry.headers().firstValue("Location")).isEqualTo(created.headers().firstValue("Location"));
        assertThat(retry.body()).isEqualTo(created.body());
    }

    private static DemoServer start(Map<String, String> storeEnvironment) throws Exception {
        Map<String, String> environment = new HashMap<>(storeEnvironment);
        environment.put("PORT", "0");
        DemoServer server = new DemoServer(DemoSettings.fromEnvironment(environment), payment -> { });
        try {
            server.start();
            return server;
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    private HttpResponse<String> send(DemoServer server, String key) throws Exception {
        String credentials = Base64.getEncoder().encodeToString("alice:alice-pass".getBytes(UTF_8));
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/payments"))
                        .header("Authorization", "Basic " + credentials)
                        .header("Idempotency-Key", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(PAYMENT))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
    }
}
