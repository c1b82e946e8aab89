package io.github.idempotency.client.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.client.AttemptsFailedException;
import io.github.idempotency.client.BindingContract;
import io.github.idempotency.client.RetryPolicy;
import io.github.idempotency.client.StubServer.Scripted;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Test;

class IdempotentHttpClientTest extends BindingContract {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Answer answer(IdempotentResponse<String> response) {
        return new Answer(response.statusCode(), response.attempts(), response.replayed());
    }

    @Override
    protected Answer post(RetryPolicy policy, URI uri, String body, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        IdempotentHttpClient client = IdempotentHttpClient.of(http, retries(policy));
        return answer(key == null ? client.send(request, BodyHandlers.ofString())
                : client.send(request, BodyHandlers.ofString(), key));
    }

    @Override
    protected Answer get(RetryPolicy policy, URI uri) throws Exception {
        return answer(IdempotentHttpClient.of(http, retries(policy))
                .send(HttpRequest.newBuilder(uri).GET().build(), BodyHandlers.ofString()));
    }

    @Test
    void theResultNamesTheKeyAndOnlyTheAnswersBodyIsRead() throws Exception {
        server.script(Scripted.status(503));

        IdempotentResponse<String> response = IdempotentHttpClient.of(http, retries(RetryPolicy.defaults()))
                .send(HttpRequest.newBuilder(server.uri("/payments")).POST(HttpRequest.BodyPublishers.ofString(PAYMENT))
                        .header("Idempotency-Key", "order-7").build(), BodyHandlers.ofString());

        assertThat(response.key()).isEqualTo("order-7");
        assertThat(response.body()).isEqualTo("{\"status\":201}");
        assertThat(receivedKeys()).containsExactly("order-7", "order-7");
    }

    @Test
    void runningOutOfAttemptsOnFailuresSaysSo() {
        server.script(Scripted.lostConnection(), Scripted.lostConnection());

        assertThatThrownBy(() -> post(RetryPolicy.builder().maxAttempts(2).build(), server.uri("/payments"), PAYMENT,
                "order-8")).isInstanceOf(AttemptsFailedException.class)
                .hasMessageContaining("failed after 2 attempts").hasMessageContaining("order-8");
    }

    @Test
    void aKeyInTheRequestAndAsTheArgumentIsAMistake() {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/payments")).POST(HttpRequest.BodyPublishers.noBody())
                .header("Idempotency-Key", "a").build();

        assertThatThrownBy(() -> IdempotentHttpClient.of(http).send(request, BodyHandlers.ofString(), "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("either in the request or as the argument");
    }
}
