package io.github.idempotency.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.client.BindingContract;
import io.github.idempotency.client.IdempotencyHeaders;
import io.github.idempotency.client.RetryPolicy;
import io.github.idempotency.client.StubServer;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

class RestClientTest extends BindingContract {

    private RestClient client(RetryPolicy policy) {
        return RestClient.builder().requestFactory(new JdkClientHttpRequestFactory())
                .requestInterceptor(IdempotentRetryInterceptor.of(retries(policy))).build();
    }

    @Override
    protected Answer post(RetryPolicy policy, URI uri, String body, String key) {
        return client(policy).post().uri(uri).contentType(MediaType.APPLICATION_JSON)
                .headers(keyHeader(key))
                .body(body)
                .exchange((request, response) -> answer(response.getStatusCode().value(), response.getHeaders()::getFirst));
    }

    @Override
    protected Answer get(RetryPolicy policy, URI uri) {
        return client(policy).method(HttpMethod.GET).uri(uri)
                .exchange((request, response) -> answer(response.getStatusCode().value(), response.getHeaders()::getFirst));
    }

    @Test
    void whatTheInterceptorsBeforeItSetIsSentOnEveryAttempt() {
        server.script(StubServer.Scripted.status(503), StubServer.Scripted.status(503));
        AtomicInteger calls = new AtomicInteger();
        RestClient client = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory())
                .requestInterceptor((request, body, execution) -> {
                    calls.incrementAndGet();
                    request.getHeaders().set(IdempotencyHeaders.KEY, "order-42");
                    return execution.execute(request, body);
                })
                .requestInterceptor(IdempotentRetryInterceptor.of(retries(RetryPolicy.defaults())))
                .build();

        Answer answer = client.post().uri(server.uri("/payments")).body(PAYMENT)
                .exchange((request, response) -> answer(response.getStatusCode().value(), response.getHeaders()::getFirst));

        assertThat(answer.attempts()).isEqualTo(3);
        assertThat(calls).as("the interceptor before it runs once per logical call").hasValue(1);
        assertThat(receivedKeys()).containsExactly("order-42", "order-42", "order-42");
    }
}
