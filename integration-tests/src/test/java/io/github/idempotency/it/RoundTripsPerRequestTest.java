package io.github.idempotency.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What one HTTP request through the filter costs the store, counted where it reaches the server:
 * the commands the instance's Redis connection sends (on the server's {@code MONITOR} feed) and
 * the statements the instance's PostgreSQL store executes (each one round trip). Scripts and
 * statements are warmed up first, as in a running application.
 */
class RoundTripsPerRequestTest {

    private static final String ORDER = "{\"item\":\"book\",\"quantity\":1}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final OrderServlet orders = new OrderServlet();

    /** The store operations sent since the previous call, in order. */
    @FunctionalInterface
    private interface RoundTrips {
        List<String> since() throws Exception;
    }

    @Test
    void onRedisEachStoreOperationOfARequestIsOneEvalsha() throws Exception {
        try (SharedRedis redis = SharedRedis.openOrSkip()) {
            SharedRedis.Instance store = redis.connectInstance();
            Matcher address = Pattern.compile("addr=(\\S+)").matcher(store.connection().sync().clientInfo());
            assertThat(address.find()).isTrue();
            try (AppInstance app = AppInstance.start(store, orders);
                 RedisCommandFeed feed = new RedisCommandFeed(SharedRedis.HOST, SharedRedis.PORT)) {
                int[] spans = {0};
                RoundTrips commands = () -> {
                    String marker = "end-of-span-" + ++spans[0];
                    store.connection().sync().echo(marker.getBytes(StandardCharsets.US_ASCII));
                    return feed.commandsUntilEcho(address.group(1), marker);
                };
                assertRoundTripsPerRequest(app, commands, "evalsha", "evalsha", "evalsha");
            }
        }
    }

    @Test
    void onPostgresqlEachStoreOperationOfARequestIsOneStatement() throws Exception {
        try (SharedPostgresql postgresql = SharedPostgresql.openOrSkip()) {
            SharedPostgresql.Instance store = postgresql.connectInstance(2);
            try (AppInstance app = AppInstance.start(store, orders)) {
                assertRoundTripsPerRequest(app, store.statements()::take, "WITH", "UPDATE", "DELETE");
            }
        }
    }

    /**
     * @param claim the command or statement of a claim
     * @param complete the command or statement that stores a response
     * @param release the command or statement that drops a claim
     */
    private void assertRoundTripsPerRequest(AppInstance app, RoundTrips roundTrips, String claim, String complete,
            String release) throws Exception {
        String warmUp = newKey();
        post(app, warmUp, "", ORDER);
        post(app, warmUp, "", ORDER);
        post(app, newKey(), "?outcome=error", ORDER);
        roundTrips.since();

        String key = newKey();
        HttpResponse<String> created = post(app, key, "", ORDER);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(roundTrips.since()).as("a new key: claim, then complete").containsExactly(claim, complete);

        HttpResponse<String> replay = post(app, key, "", ORDER);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(roundTrips.since()).as("a replay: claim").containsExactly(claim);

        assertThat(post(app, key, "", "{\"item\":\"pen\",\"quantity\":2}").statusCode()).isEqualTo(422);
        assertThat(roundTrips.since()).as("the key with another request: claim").containsExactly(claim);

        assertThat(post(app, newKey(), "?outcome=error", ORDER).statusCode()).isEqualTo(500);
        assertThat(roundTrips.since()).as("a 500, not stored: claim, then release").containsExactly(claim, release);

        String held = newKey();
        orders.hold();
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(request(app, held, "", ORDER),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(orders.entered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(roundTrips.since()).as("the first request, until its handler runs: claim").containsExactly(claim);
        HttpResponse<String> duplicate = post(app, held, "", ORDER);
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(roundTrips.since()).as("a duplicate while the first runs: claim").containsExactly(claim);
        orders.release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
        assertThat(roundTrips.since()).as("the first request, once its handler returned: complete")
                .containsExactly(complete);
    }

    private HttpResponse<String> post(AppInstance app, String key, String query, String body) throws Exception {
        return http.send(request(app, key, query, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpRequest request(AppInstance app, String key, String query, String body) {
        return HttpRequest.newBuilder(URI.create(app.orders() + query))
                .header("Idempotency-Key", key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String newKey() {
        return "round-trips-" + UUID.randomUUID();
    }

    /**
     * Creates an order ({@code 201}), or fails ({@code 500}) for {@code ?outcome=error}. After
     * {@link #hold()}, the next request waits in the handler until {@link #release} is counted down.
     */
    private static final class OrderServlet extends HttpServlet {

        private volatile CountDownLatch entered = new CountDownLatch(0);
        private volatile CountDownLatch release = new CountDownLatch(0);

        void hold() {
            entered = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test did not let the held request go");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if ("error".equals(request.getParameter("outcome"))) {
                response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                return;
            }
            byte[] body = ("{\"order\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_CREATED);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
