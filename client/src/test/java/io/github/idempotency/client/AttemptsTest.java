package io.github.idempotency.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AttemptsTest {

    private static final URI URI_ = URI.create("http://localhost/payments");
    private static final Backoff NO_JITTER = new Backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1), 0);

    private final ManualTime time = new ManualTime();

    private Attempts start(RetryPolicy policy) {
        Attempts attempts = policy.start("POST", URI_, "key-1", time, new Random(1));
        attempts.begin();
        return attempts;
    }

    private static Function<String, String> headers(Map<String, String> headers) {
        return headers::get;
    }

    private static final Function<String, String> NO_HEADERS = name -> null;

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 204, 301, 400, 401, 403, 404, 413, 422, 501})
    void answersThatNoRetryChangesAreFinal(int status) {
        assertThat(start(RetryPolicy.defaults()).retryAfterResponse(status, NO_HEADERS)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 425, 429, 500, 502, 503, 504})
    void transientStatusesAreRetriedAfterTheBackoff(int status) {
        Attempts attempts = start(RetryPolicy.builder().backoff(NO_JITTER).build());

        assertThat(attempts.retryAfterResponse(status, NO_HEADERS)).hasValue(Duration.ofMillis(100));
    }

    @Test
    void a409IsRetriedOnlyWithARetryAfter() {
        Attempts attempts = start(RetryPolicy.defaults());

        assertThat(attempts.retryAfterResponse(409, NO_HEADERS)).as("an application's own conflict").isEmpty();
        assertThat(attempts.retryAfterResponse(409, headers(Map.of("Retry-After", "1"))))
                .as("the server library's request-in-progress").hasValue(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterIsHonouredAsSecondsOrDateAndCapped() {
        Attempts attempts = start(RetryPolicy.builder().maxRetryAfter(Duration.ofSeconds(3)).build());

        assertThat(attempts.retryAfterResponse(503, headers(Map.of("Retry-After", "2")))).hasValue(Duration.ofSeconds(2));
        assertThat(attempts.retryAfterResponse(429, headers(Map.of("Retry-After", "Wed, 21 Oct 2026 07:28:01 GMT"))))
                .hasValue(Duration.ofSeconds(1));
        assertThat(attempts.retryAfterResponse(503, headers(Map.of("Retry-After", "3600"))))
                .as("capped").hasValue(Duration.ofSeconds(3));
    }

    @Test
    void aReplayIsNeverRetriedWhateverItsStatus() {
        Attempts attempts = start(RetryPolicy.defaults());

        assertThat(attempts.retryAfterResponse(500, headers(Map.of("Idempotent-Replayed", "true")))).isEmpty();
    }

    @Test
    void attemptsAreBounded() {
        Attempts attempts = start(RetryPolicy.builder().maxAttempts(3).backoff(NO_JITTER).build());

        assertThat(attempts.retryAfterResponse(503, NO_HEADERS)).hasValue(Duration.ofMillis(100));
        attempts.begin();
        assertThat(attempts.retryAfterResponse(503, NO_HEADERS)).hasValue(Duration.ofMillis(200));
        attempts.begin();
        assertThat(attempts.retryAfterResponse(503, NO_HEADERS)).isEmpty();
        assertThat(attempts.count()).isEqualTo(3);
    }

    @Test
    void timeIsBoundedFromTheStartOfTheFirstAttempt() {
        Attempts attempts = start(RetryPolicy.builder().maxElapsed(Duration.ofSeconds(5)).maxAttempts(10).build());
        time.advance(Duration.ofSeconds(3));

        assertThat(attempts.retryAfterResponse(503, headers(Map.of("Retry-After", "2")))).hasValue(Duration.ofSeconds(2));
        assertThat(attempts.retryAfterResponse(503, headers(Map.of("Retry-After", "3"))))
                .as("a wait that would end after the bound").isEmpty();
    }

    @Test
    void lostConnectionsAndTimeoutsAreRetried() {
        for (Throwable failure : new Throwable[] {new IOException("Connection reset"), new ConnectException("refused"),
                new HttpTimeoutException("request timed out"), new SocketTimeoutException("Read timed out"),
                new RuntimeException("wrapped", new IOException("closed")), new TimeoutException(),
                new NettyStyleReadTimeoutException()}) {
            assertThat(RetryPolicy.isTransient(failure)).as(failure.toString()).isTrue();
        }
    }

    @Test
    void programmingErrorsAndTlsVerificationFailuresAreNot() {
        for (Throwable failure : new Throwable[] {new IllegalStateException("bug"),
                new SSLHandshakeException("PKIX path building failed"),
                new AttemptsFailedException("POST", URI_, "k", 2, Duration.ZERO, new IOException())}) {
            assertThat(RetryPolicy.isTransient(failure)).as(failure.toString()).isFalse();
        }
    }

    @Test
    void theOnlyAttemptsFailureIsThrownAsItIs() {
        Attempts attempts = start(RetryPolicy.defaults());
        IOException failure = new IOException("reset");

        assertThat(attempts.retryAfterFailure(failure)).isPresent();
        assertThat(attempts.failure(failure)).isSameAs(failure);
    }

    @Test
    void afterSeveralAttemptsTheFailureSaysHowManyAndWhatToDo() {
        Attempts attempts = start(RetryPolicy.defaults());
        IOException first = new IOException("reset");
        attempts.retryAfterFailure(first);
        attempts.begin();
        IOException last = new IOException("closed");

        Throwable failure = attempts.failure(last);

        assertThat(failure).isInstanceOf(AttemptsFailedException.class).hasCause(last)
                .hasMessageContaining("POST http://localhost/payments failed after 2 attempts")
                .hasMessageContaining("Idempotency-Key key-1")
                .hasMessageContaining("retry later with the same key");
        assertThat(failure.getSuppressed()).containsExactly(first);
        assertThat(((AttemptsFailedException) failure).attempts()).isEqualTo(2);
        assertThat(((AttemptsFailedException) failure).key()).isEqualTo("key-1");
    }

    @Test
    void runRetriesUntilTheAnswerAndWaitsAsAsked() throws Exception {
        Attempts attempts = RetryPolicy.builder().backoff(NO_JITTER).build().start("POST", URI_, "k", time, new Random());
        int[] calls = {0};

        String answer = attempts.run(time, () -> ++calls[0] < 3
                ? Attempts.Step.retry(attempts.retryAfterResponse(503, NO_HEADERS).orElseThrow())
                : Attempts.Step.answer("done"));

        assertThat(answer).isEqualTo("done");
        assertThat(attempts.count()).isEqualTo(3);
        assertThat(time.waits()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void runGivesUpWithTheLastFailureWhenTheAttemptsRunOut() {
        Attempts attempts = RetryPolicy.builder().maxAttempts(2).build().start("POST", URI_, "k", time, new Random());

        assertThatThrownBy(() -> attempts.run(time, () -> {
            throw new IOException("reset " + attempts.count());
        })).isInstanceOf(AttemptsFailedException.class).hasRootCauseMessage("reset 2");
    }

    @Test
    void policySettingsOutOfRangeSayWhatToFix() {
        assertThatThrownBy(() -> RetryPolicy.builder().retryStatuses(503, 422).build())
                .hasMessageContaining("must not contain 422");
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
                .hasMessageContaining("maxAttempts counts the first attempt and must be at least 1");
        assertThatThrownBy(() -> RetryPolicy.builder().maxElapsed(Duration.ZERO).build())
                .hasMessageContaining("maxElapsed must be positive");
        assertThatThrownBy(() -> RetryPolicy.builder().retryStatuses(99).build())
                .hasMessageContaining("from 100 to 599");
        assertThat(RetryPolicy.builder().methods("post", "put").build().guards("PUT")).isTrue();
        assertThat(RetryPolicy.defaults().guards("GET")).isFalse();
        assertThat(RetryPolicy.defaults().toBuilder().maxAttempts(2).build().maxAttempts()).isEqualTo(2);
        assertThat(Optional.of(RetryPolicy.defaults().methods())).hasValueSatisfying(
                methods -> assertThat(methods).containsExactlyInAnyOrder("POST", "PATCH"));
    }

    /** Named like Netty's {@code ReadTimeoutException}, which is no {@link IOException}. */
    private static final class NettyStyleReadTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
