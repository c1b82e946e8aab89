package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.examples.servlet.DemoServer;
import io.github.idempotency.examples.servlet.PaymentProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A stored response is never served to another principal: the servlet demo, with Jetty's own HTTP
 * Basic authentication (users alice and bob), scopes each key to the user who sent it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrincipalIsolationTest {

    private DemoServer demo;

    @BeforeAll
    void start() throws Exception {
        demo = new DemoServer(0, PaymentProcessor.withLatency(Duration.ZERO));
        demo.start();
    }

    @AfterAll
    void stop() throws Exception {
        demo.close();
    }

    @Test
    void theSameKeyFromAnotherUserIsAnotherPayment() throws Exception {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> alice = post(key, "alice", "alice-pass");
        HttpResponse<String> bob = post(key, "bob", "bob-pass");
        HttpResponse<String> aliceAgain = post(key, "alice", "alice-pass");
        HttpResponse<String> bobAgain = post(key, "bob", "bob-pass");

        assertThat(alice.statusCode()).isEqualTo(201);
        assertThat(bob.statusCode()).isEqualTo(201);
        assertThat(Http.replayed(bob)).isFalse();
        assertThat(bob.body()).isNotEqualTo(alice.body());
        assertThat(aliceAgain.body()).isEqualTo(alice.body());
        assertThat(bobAgain.body()).isEqualTo(bob.body());
        assertThat(Http.replayed(aliceAgain) && Http.replayed(bobAgain)).isTrue();
        String alicesPayment = alice.body().substring(7, 43);
        assertThat(get("/payments", "bob", "bob-pass").body()).doesNotContain(alicesPayment);
        assertThat(get("/payments", "alice", "alice-pass").body()).containsOnlyOnce(alicesPayment);
    }

    @Test
    void noReplayWithoutTheRightCredentials() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> alice = post(key, "alice", "alice-pass");

        HttpResponse<String> anonymous = Http.send(payment(key));
        HttpResponse<String> wrongPassword = post(key, "alice", "bob-pass");
        HttpResponse<String> otherUsersPassword = post(key, "bob", "alice-pass");

        assertThat(alice.statusCode()).isEqualTo(201);
        for (HttpResponse<String> refused : List.of(anonymous, wrongPassword, otherUsersPassword)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(Http.replayed(refused)).isFalse();
            assertThat(refused.body()).doesNotContain(alice.body());
        }
    }

    private HttpResponse<String> post(String key, String user, String password) throws Exception {
        return Http.send(payment(key).header("Authorization", basic(user, password)));
    }

    private HttpRequest.Builder payment(String key) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/payments"))
                .header("Idempotency-Key", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(AppInstance.PAYMENT));
    }

    private HttpResponse<String> get(String path, String user, String password) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path))
                .header("Authorization", basic(user, password)));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
