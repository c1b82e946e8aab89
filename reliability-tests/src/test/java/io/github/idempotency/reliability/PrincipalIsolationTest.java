package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.examples.servlet.DemoServer;
import io.github.idempotency.examples.servlet.DemoSettings;
import io.github.idempotency.examples.servlet.PaymentProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stored response is never served to another principal: the servlet demo, with Jetty's own HTTP
 * Basic authentication (users alice and bob), on Redis and on PostgreSQL, scopes each key to the
 * user who sent it. (The Spring adapter's own tests check the same with Spring Security.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrincipalIsolationTest {

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void theSameKeyFromAnotherUserIsAnotherPayment(StoreKind kind) throws Exception {
        String key = UUID.randomUUID().toString();
        try (DemoServer demo = start(kind)) {
            HttpResponse<String> alice = post(demo, key, "alice", "alice-pass");
            HttpResponse<String> bob = post(demo, key, "bob", "bob-pass");
            HttpResponse<String> aliceAgain = post(demo, key, "alice", "alice-pass");
            HttpResponse<String> bobAgain = post(demo, key, "bob", "bob-pass");

            assertThat(alice.statusCode()).isEqualTo(201);
            assertThat(bob.statusCode()).isEqualTo(201);
            assertThat(Http.replayed(bob)).isFalse();
            assertThat(bob.body()).isNotEqualTo(alice.body());
            assertThat(aliceAgain.body()).isEqualTo(alice.body());
            assertThat(bobAgain.body()).isEqualTo(bob.body());
            assertThat(Http.replayed(aliceAgain) && Http.replayed(bobAgain)).isTrue();
            String alicesPayment = alice.body().substring(7, 43);
            assertThat(get(demo, "bob", "bob-pass").body()).doesNotContain(alicesPayment);
            assertThat(get(demo, "alice", "alice-pass").body()).containsOnlyOnce(alicesPayment);
        } finally {
            DemoEntries.delete(kind, DemoEntries.of("alice", key));
            DemoEntries.delete(kind, DemoEntries.of("bob", key));
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void noReplayWithoutTheRightCredentials(StoreKind kind) throws Exception {
        String key = UUID.randomUUID().toString();
        try (DemoServer demo = start(kind)) {
            HttpResponse<String> alice = post(demo, key, "alice", "alice-pass");

            HttpResponse<String> anonymous = Http.send(payment(demo, key));
            HttpResponse<String> wrongPassword = post(demo, key, "alice", "bob-pass");
            HttpResponse<String> otherUsersPassword = post(demo, key, "bob", "alice-pass");

            assertThat(alice.statusCode()).isEqualTo(201);
            for (HttpResponse<String> refused : List.of(anonymous, wrongPassword, otherUsersPassword)) {
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(Http.replayed(refused)).isFalse();
                assertThat(refused.body()).doesNotContain(alice.body());
            }
        } finally {
            DemoEntries.delete(kind, DemoEntries.of("alice", key));
        }
    }

    private static DemoServer start(StoreKind kind) throws Exception {
        kind.requireRunning();
        DemoServer demo = new DemoServer(new DemoSettings(0, Duration.ZERO,
                kind == StoreKind.REDIS ? DemoSettings.StoreKind.REDIS : DemoSettings.StoreKind.POSTGRESQL,
                DemoSettings.DEFAULT_REDIS_URL, DemoSettings.DEFAULT_JDBC_URL, Optional.empty()),
                PaymentProcessor.withLatency(Duration.ZERO));
        demo.start();
        return demo;
    }

    private static HttpResponse<String> post(DemoServer demo, String key, String user, String password) throws Exception {
        return Http.send(payment(demo, key).header("Authorization", basic(user, password)));
    }

    private static HttpRequest.Builder payment(DemoServer demo, String key) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/payments"))
                .header("Idempotency-Key", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(AppInstance.PAYMENT));
    }

    private static HttpResponse<String> get(DemoServer demo, String user, String password) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/payments"))
                .header("Authorization", basic(user, password)));
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
