package io.github.idempotency.client.spring;

import io.github.idempotency.client.BindingContract;
import io.github.idempotency.client.IdempotencyHeaders;
import io.github.idempotency.client.RetryPolicy;
import java.net.URI;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

class RestClientTest extends BindingContract {

    private RestClient client(RetryPolicy policy) {
        return RestClient.builder().requestFactory(new JdkClientHttpRequestFactory())
                .requestInterceptor(IdempotentRetryInterceptor.of(retries(policy))).build();
    }

    static Answer answer(org.springframework.http.HttpStatusCode status, org.springframework.http.HttpHeaders headers) {
        String attempts = headers.getFirst(IdempotencyHeaders.ATTEMPTS);
        return new Answer(status.value(), attempts == null ? 1 : Integer.parseInt(attempts),
                "true".equals(headers.getFirst(IdempotencyHeaders.REPLAYED)));
    }

    @Override
    protected Answer post(RetryPolicy policy, URI uri, String body, String key) {
        return client(policy).post().uri(uri).contentType(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    if (key != null) {
                        h.set(IdempotencyHeaders.KEY, key);
                    }
                })
                .body(body)
                .exchange((request, response) -> answer(response.getStatusCode(), response.getHeaders()));
    }

    @Override
    protected Answer get(RetryPolicy policy, URI uri) {
        return client(policy).method(HttpMethod.GET).uri(uri)
                .exchange((request, response) -> answer(response.getStatusCode(), response.getHeaders()));
    }
}
