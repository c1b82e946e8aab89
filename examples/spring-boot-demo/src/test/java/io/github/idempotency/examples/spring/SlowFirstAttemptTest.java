package io.github.idempotency.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.client.IdempotentRetries;
import io.github.idempotency.client.demo.FaultyProxy;
import io.github.idempotency.client.demo.FaultyProxy.FaultRule;
import io.github.idempotency.client.demo.RecordingSleeper;
import io.github.idempotency.client.spring.IdempotentRetryInterceptor;
import io.github.idempotency.examples.spring.ClientRetriesTest.Answer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * A payment that takes longer than the client's read timeout: the retry finds it still running and
 * gets {@code 409} with {@code Retry-After}, waits, and then gets the replay.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "payments.processing-delay=2500ms")
class SlowFirstAttemptTest {

    @Value("${local.server.port}")
    int port;

    @Test
    void theRetryWaitsForTheServersRetryAfterAndGetsTheReplay() throws Exception {
        try (FaultyProxy proxy = FaultyProxy.start(port, FaultRule.none())) {
            // The first wait is the backoff after the timeout; the second, the server's Retry-After, lasts until
            // the first attempt's response is out (both exchanges finished), instead of a second of real time.
            RecordingSleeper sleeper = new RecordingSleeper()
                    .during(2, () -> proxy.awaitExchanges(2, FaultyProxy.patience()));
            IdempotentRetries retries = IdempotentRetries.builder().sleeper(sleeper).build();
            JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(ClientRetriesTest.HTTP);
            factory.setReadTimeout(Duration.ofMillis(1000));
            RestClient client = RestClient.builder().baseUrl("http://127.0.0.1:" + proxy.port())
                    .requestFactory(factory)
                    .defaultHeaders(h -> h.setBasicAuth("alice", "alice-pass"))
                    .requestInterceptor(IdempotentRetryInterceptor.of(retries))
                    .build();

            Answer answer = ClientRetriesTest.post(client, ClientRetriesTest.PAYMENT);

            assertThat(answer).isEqualTo(new Answer(201, answer.key(), 3, true));
            assertThat(sleeper.waits()).as("the backoff after the timeout, then the server's Retry-After")
                    .hasSize(2).last().isEqualTo(Duration.ofSeconds(1));
            assertThat(proxy.statuses(answer.key())).as("the retry's 409 finishes before the first attempt's 201")
                    .containsExactly(409, 201, 201).hasSize(proxy.exchanges().size());
        }
    }
}
