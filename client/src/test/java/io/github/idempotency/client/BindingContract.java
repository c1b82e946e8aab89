package io.github.idempotency.client;

import static io.github.idempotency.client.StubServer.Scripted.lostConnection;
import static io.github.idempotency.client.StubServer.Scripted.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.client.StubServer.Received;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;

/**
 * What every client binding does, over real HTTP against a {@link StubServer}: each binding's test
 * extends this with the calls of its own client.
 */
public abstract class BindingContract {

    /** What the caller gets: the status, the attempts the binding reports, and the replay header. */
    public record Answer(int status, int attempts, boolean replayed) {
    }

    protected static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\"}";

    protected final ManualTime time = new ManualTime();
    private final AtomicInteger keys = new AtomicInteger();
    protected StubServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new StubServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** @return the settings of the client under test: a manual clock and sleeper, keys k-1, k-2, ... */
    protected IdempotentRetries retries(RetryPolicy policy) {
        return IdempotentRetries.builder().policy(policy).clock(time).sleeper(time)
                .keys(() -> "k-" + keys.incrementAndGet()).build();
    }

    /** Sends {@code POST} with {@code body}, with {@code key} as its Idempotency-Key unless null. */
    protected abstract Answer post(RetryPolicy policy, URI uri, String body, String key) throws Exception;

    /** Sends {@code GET}. */
    protected abstract Answer get(RetryPolicy policy, URI uri) throws Exception;

    private Answer post(RetryPolicy policy) throws Exception {
        return post(policy, server.uri("/payments"), PAYMENT, null);
    }

    @Test
    void everyAttemptCarriesTheSameKeyAndTheNextOperationAnother() throws Exception {
        server.script(status(503), lostConnection(), status(201));

        Answer first = post(RetryPolicy.defaults());
        Answer second = post(RetryPolicy.defaults());

        assertThat(first).isEqualTo(new Answer(201, 3, false));
        assertThat(second).isEqualTo(new Answer(201, 1, false));
        assertThat(server.received()).extracting(Received::key).containsExactly("k-1", "k-1", "k-1", "k-2");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 422})
    void aRequestTheServerRejectsIsNeverRetried(int status) throws Exception {
        server.script(status(status), status(201));

        assertThat(post(RetryPolicy.defaults())).isEqualTo(new Answer(status, 1, false));
        assertThat(server.received()).hasSize(1);
        assertThat(time.waits()).isEmpty();
    }

    @Test
    void a503IsRetriedWithinTheBoundAndThenIsTheAnswer() throws Exception {
        server.script(status(503), status(503), status(503), status(503));

        Answer answer = post(RetryPolicy.builder().maxAttempts(3).build());

        assertThat(answer).isEqualTo(new Answer(503, 3, false));
        assertThat(server.received()).hasSize(3);
        assertThat(time.waits()).hasSize(2);
    }

    @Test
    void theWaitsAreTheServersRetryAfterAndTheReplayIsReported() throws Exception {
        server.script(status(409, "Retry-After", "1"), status(429, "Retry-After", "2"),
                status(201, "Idempotent-Replayed", "true"));

        Answer answer = post(RetryPolicy.defaults());

        assertThat(answer).isEqualTo(new Answer(201, 3, true));
        assertThat(time.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aLostConnectionIsRetriedAfterTheBackoff() throws Exception {
        server.script(lostConnection(), status(201));
        Backoff backoff = new Backoff(Duration.ofMillis(300), 2, Duration.ofSeconds(1), 0);

        assertThat(post(RetryPolicy.builder().backoff(backoff).build())).isEqualTo(new Answer(201, 2, false));
        assertThat(time.waits()).containsExactly(Duration.ofMillis(300));
    }

    @Test
    void theCallersKeyIsSentUnchanged() throws Exception {
        server.script(status(502));

        post(RetryPolicy.defaults(), server.uri("/payments"), PAYMENT, "order-1001");

        assertThat(server.received()).extracting(Received::key).containsExactly("order-1001", "order-1001");
    }

    @Test
    void aMethodThePolicyDoesNotGuardPassesUntouched() throws Exception {
        server.script(status(503));

        Answer answer = get(RetryPolicy.defaults(), server.uri("/payments"));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(server.received()).containsExactly(new Received("GET", null));
    }

    @Test
    void theConfiguredMethodsAreGuarded() throws Exception {
        server.script(status(503));

        assertThat(get(RetryPolicy.builder().methods("GET").build(), server.uri("/payments")).status()).isEqualTo(201);
        assertThat(server.received()).extracting(Received::key).containsExactly("k-1", "k-1");
        assertThat(post(RetryPolicy.builder().methods("GET").build()).attempts()).isEqualTo(1);
        assertThat(server.received().get(2).key()).isNull();
    }

    /**
     * @param status the answer's status
     * @param header the answer's first value of a header by name, or null
     * @return the answer, with the attempts from the header the Spring bindings add
     */
    protected static Answer answer(int status, Function<String, String> header) {
        String attempts = header.apply(IdempotencyHeaders.ATTEMPTS);
        return new Answer(status, attempts == null ? 1 : Integer.parseInt(attempts),
                "true".equals(header.apply(IdempotencyHeaders.REPLAYED)));
    }

    /** @return sets {@code key} as the request's Idempotency-Key, unless it is null */
    protected static Consumer<HttpHeaders> keyHeader(String key) {
        return headers -> {
            if (key != null) {
                headers.set(IdempotencyHeaders.KEY, key);
            }
        };
    }

    /** @return the keys the server received, in order */
    protected List<String> receivedKeys() {
        return server.received().stream().map(Received::key).toList();
    }
}
