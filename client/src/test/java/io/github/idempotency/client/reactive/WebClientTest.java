package io.github.idempotency.client.reactive;

import io.github.idempotency.client.BindingContract;
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
        return response.releaseBody()
                .thenReturn(answer(response.statusCode().value(), response.headers().asHttpHeaders()::getFirst));
    }

    @Override
    protected Answer post(RetryPolicy policy, URI uri, String body, String key) {
        return client(policy).post().uri(uri).contentType(MediaType.APPLICATION_JSON)
                .headers(keyHeader(key))
                .bodyValue(body)
                .exchangeToMono(WebClientTest::answer)
                .block();
    }

    @Override
    protected Answer get(RetryPolicy policy, URI uri) {
        return client(policy).get().uri(uri).exchangeToMono(WebClientTest::answer).block();
    }
}
