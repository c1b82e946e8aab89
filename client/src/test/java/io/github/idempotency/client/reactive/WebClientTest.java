package io.github.idempotency.client.reactive;

import io.github.idempotency.client.BindingContract;
import io.github.idempotency.client.IdempotencyHeaders;
import io.github.idempotency.client.RetryPolicy;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

class WebClientTest extends BindingContract {

    private WebClient client(RetryPolicy policy) {
        return WebClient.builder().clientConnector(new JdkClientHttpConnector())
                .filter(IdempotentRetryFilter.of(retries(policy), wait -> {
                    time.sleep(wait);
                    return Mono.empty();
                }))
                .build();
    }

    private static Mono<Answer> answer(ClientResponse response) {
        String attempts = response.headers().asHttpHeaders().getFirst(IdempotencyHeaders.ATTEMPTS);
        Answer answer = new Answer(response.statusCode().value(), attempts == null ? 1 : Integer.parseInt(attempts),
                "true".equals(response.headers().asHttpHeaders().getFirst(IdempotencyHeaders.REPLAYED)));
        return response.releaseBody().thenReturn(answer);
    }

    @Override
    protected Answer post(RetryPolicy policy, URI uri, String body, String key) {
        return client(policy).post().uri(uri).contentType(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    if (key != null) {
                        h.set(IdempotencyHeaders.KEY, key);
                    }
                })
                .bodyValue(body)
                .exchangeToMono(WebClientTest::answer)
                .block();
    }

    @Override
    protected Answer get(RetryPolicy policy, URI uri) {
        return client(policy).get().uri(uri).exchangeToMono(WebClientTest::answer).block();
    }
}
