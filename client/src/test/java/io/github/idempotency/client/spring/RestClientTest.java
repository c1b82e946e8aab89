package io.github.idempotency.client.spring;

import io.github.idempotency.client.BindingContract;
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
}
