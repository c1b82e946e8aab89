package io.github.idempotency.client.spring;

import io.github.idempotency.client.BindingContract;
import io.github.idempotency.client.RetryPolicy;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResponseErrorHandler;
import org.springframework.web.client.RestTemplate;

class RestTemplateTest extends BindingContract {

    private RestTemplate template(RetryPolicy policy) {
        RestTemplate template = new RestTemplate(new JdkClientHttpRequestFactory());
        template.setInterceptors(List.of(IdempotentRetryInterceptor.of(retries(policy))));
        template.setErrorHandler(new ResponseErrorHandler() {
            @Override
            public boolean hasError(ClientHttpResponse response) {
                return false;
            }
        });
        return template;
    }

    private static Answer answer(ResponseEntity<String> response) {
        return answer(response.getStatusCode().value(), response.getHeaders()::getFirst);
    }

    @Override
    protected Answer post(RetryPolicy policy, URI uri, String body, String key) {
        return answer(template(policy).exchange(RequestEntity.post(uri).contentType(MediaType.APPLICATION_JSON)
                .headers(keyHeader(key)).body(body), String.class));
    }

    @Override
    protected Answer get(RetryPolicy policy, URI uri) {
        return answer(template(policy).exchange(new RequestEntity<Void>(HttpMethod.GET, uri), String.class));
    }
}
