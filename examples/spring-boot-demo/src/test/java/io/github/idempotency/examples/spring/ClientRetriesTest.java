package io.github.idempotency.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.client.IdempotencyHeaders;
import io.github.idempotency.client.IdempotentRetries;
import io.github.idempotency.client.RetryPolicy;
import io.github.idempotency.client.demo.FaultyProxy;
import io.github.idempotency.client.demo.FaultyProxy.Exchange;
import io.github.idempotency.client.demo.FaultyProxy.Fault;
import io.github.idempotency.client.demo.FaultyProxy.FaultRule;
import io.github.idempotency.client.demo.RecordingSleeper;
import io.github.idempotency.client.reactive.IdempotentRetryFilter;
import io.github.idempotency.client.spring.IdempotentRetryInterceptor;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The client's retries with {@code RestClient}, {@code RestTemplate} and {@code WebClient} against this
 * demo over real HTTP, through a proxy that drops responses after the demo has processed the request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClientRetriesTest {

    static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\"}";

    /** An answer as the caller sees it. */
    record Answer(int status, String key, int attempts, boolean replayed) {

        static Answer of(int status, HttpHeaders requestHeaders, HttpHeaders responseHeaders) {
            return new Answer(status, requestHeaders.getFirst(IdempotencyHeaders.KEY),
                    Integer.parseInt(responseHeaders.getFirst(IdempotencyHeaders.ATTEMPTS)),
                    "true".equals(responseHeaders.getFirst(IdempotencyHeaders.REPLAYED)));
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Value("${local.server.port}")
    int port;

    final RecordingSleeper sleeper = new RecordingSleeper();
    FaultyProxy proxy;

    @AfterEach
    void stopProxy() throws Exception {
        proxy.close();
    }

    /** Waits are recorded, not slept: the demo has answered before the proxy drops its answer. */
    IdempotentRetries retries(RetryPolicy policy) {
        return IdempotentRetries.builder().policy(policy).sleeper(sleeper).build();
    }

    RestClient restClient(FaultRule rule, RetryPolicy policy) throws Exception {
        proxy = FaultyProxy.start(port, rule);
        return RestClient.builder().baseUrl("http://127.0.0.1:" + proxy.port())
                .requestFactory(new JdkClientHttpRequestFactory(HTTP))
                .defaultHeaders(h -> h.setBasicAuth("alice", "alice-pass"))
                .requestInterceptor(IdempotentRetryInterceptor.of(retries(policy)))
                .build();
    }

    static Answer post(RestClient client, String body) {
        return client.post().uri("/payments").contentType(MediaType.APPLICATION_JSON).body(body)
                .exchange((request, response) -> Answer.of(response.getStatusCode().value(), request.getHeaders(),
                        response.getHeaders()));
    }

    int paymentsOfAlice() {
        List<?> payments = RestClient.create("http://127.0.0.1:" + port).get().uri("/payments")
                .headers(h -> h.setBasicAuth("alice", "alice-pass")).retrieve().body(List.class);
        return payments.size();
    }

    void assertOnePaymentAndTheReplay(Answer answer, int paymentsBefore) {
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.attempts()).isEqualTo(2);
        assertThat(answer.replayed()).isTrue();
        assertThat(proxy.exchanges()).extracting(Exchange::key).containsExactly(answer.key(), answer.key());
        assertThat(paymentsOfAlice()).isEqualTo(paymentsBefore + 1);
    }

    @Test
    void restClientGetsTheReplayOfADroppedResponse() throws Exception {
        int before = paymentsOfAlice();

        Answer answer = post(restClient(FaultRule.on(Fault.DROP_RESPONSE, 1), RetryPolicy.defaults()), PAYMENT);

        assertOnePaymentAndTheReplay(answer, before);
    }

    @Test
    void restTemplateGetsTheReplayOfADroppedResponse() throws Exception {
        int before = paymentsOfAlice();
        proxy = FaultyProxy.start(port, FaultRule.on(Fault.DROP_RESPONSE, 1));
        RestTemplate template = new RestTemplate(new JdkClientHttpRequestFactory(HTTP));
        template.getInterceptors().add(IdempotentRetryInterceptor.of(retries(RetryPolicy.defaults())));
        RequestEntity<String> request = RequestEntity.post("http://127.0.0.1:" + proxy.port() + "/payments")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> h.setBasicAuth("alice", "alice-pass"))
                .header(IdempotencyHeaders.KEY, "template-order-1")
                .body(PAYMENT);

        ResponseEntity<String> response = template.exchange(request, String.class);

        Answer answer = Answer.of(response.getStatusCode().value(), request.getHeaders(), response.getHeaders());
        assertThat(answer.key()).isEqualTo("template-order-1");
        assertOnePaymentAndTheReplay(answer, before);
    }

    @Test
    void webClientGetsTheReplayOfADroppedResponse() throws Exception {
        int before = paymentsOfAlice();
        proxy = FaultyProxy.start(port, FaultRule.on(Fault.DROP_RESPONSE, 1));
        WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + proxy.port())
                .clientConnector(new JdkClientHttpConnector(HTTP))
                .defaultHeaders(h -> h.setBasicAuth("alice", "alice-pass"))
                .filter(IdempotentRetryFilter.of(retries(RetryPolicy.defaults()),
                        wait -> Mono.fromCallable(() -> {
                            sleeper.sleep(wait);
                            return wait;
                        })))
                .build();

        Answer answer = client.post().uri("/payments").contentType(MediaType.APPLICATION_JSON).bodyValue(PAYMENT)
                .exchangeToMono(response -> response.releaseBody().then(Mono.fromSupplier(() -> new Answer(
                        response.statusCode().value(), proxy.exchanges().get(0).key(),
                        Integer.parseInt(response.headers().asHttpHeaders().getFirst(IdempotencyHeaders.ATTEMPTS)),
                        "true".equals(response.headers().asHttpHeaders().getFirst(IdempotencyHeaders.REPLAYED))))))
                .block(FaultyProxy.patience());

        assertOnePaymentAndTheReplay(answer, before);
        assertThat(sleeper.waits()).hasSize(1);
    }

    @Test
    void twoHundredOperationsWithThirtyPercentOfResponsesDroppedMakeExactlyTwoHundredPayments() throws Exception {
        int before = paymentsOfAlice();
        RestClient client = restClient(FaultRule.randomly(Fault.DROP_RESPONSE, 0.3, 16),
                RetryPolicy.builder().maxAttempts(10).build());
        int operations = 200;
        int retries = 0;

        for (int i = 0; i < operations; i++) {
            Answer answer = post(client, PAYMENT);
            assertThat(answer.status()).isEqualTo(201);
            assertThat(answer.replayed()).isEqualTo(answer.attempts() > 1);
            retries += answer.attempts() - 1;
        }

        long dropped = proxy.count(Fault.DROP_RESPONSE);
        int payments = paymentsOfAlice() - before;
        System.out.printf("RestClient, %d operations: %s, %d retries, %d payments%n",
                operations, proxy.summary(), retries, payments);
        assertThat(retries).isEqualTo((int) dropped).isGreaterThan(40);
        assertThat(payments).isEqualTo(operations);
        Map<String, Long> attemptsPerKey = proxy.exchanges().stream()
                .collect(Collectors.groupingBy(Exchange::key, Collectors.counting()));
        assertThat(attemptsPerKey).as("one key per operation").hasSize(operations);
    }

    @Test
    void neither400Nor422IsRetried() throws Exception {
        RestClient client = restClient(FaultRule.none(), RetryPolicy.defaults());

        Answer invalid = post(client, "{\"amount\": 1250}");
        Answer first = client.post().uri("/payments").contentType(MediaType.APPLICATION_JSON)
                .header(IdempotencyHeaders.KEY, "reused-order").body(PAYMENT)
                .exchange((request, response) -> Answer.of(response.getStatusCode().value(), request.getHeaders(),
                        response.getHeaders()));
        Answer reused = client.post().uri("/payments").contentType(MediaType.APPLICATION_JSON)
                .header(IdempotencyHeaders.KEY, "reused-order").body("{\"amount\": 99, \"currency\": \"EUR\"}")
                .exchange((request, response) -> Answer.of(response.getStatusCode().value(), request.getHeaders(),
                        response.getHeaders()));

        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.attempts()).isEqualTo(1);
        assertThat(first.status()).isEqualTo(201);
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.attempts()).isEqualTo(1);
        assertThat(proxy.exchanges()).extracting(Exchange::status).containsExactly(400, 201, 422);
        assertThat(sleeper.waits()).isEmpty();
    }
}
