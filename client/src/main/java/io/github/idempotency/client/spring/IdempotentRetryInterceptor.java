package io.github.idempotency.client.spring;

import io.github.idempotency.client.Attempts;
import io.github.idempotency.client.IdempotencyHeaders;
import io.github.idempotency.client.IdempotentRetries;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@link ClientHttpRequestInterceptor} for {@code RestClient} and {@code RestTemplate} that makes
 * each request whose method the policy guards one logical operation: it gives the request a key (the
 * caller's {@code Idempotency-Key} header when there is one, else a new one) and re-executes the same
 * request, with the same body bytes and key, as long as the policy says to retry. The final response
 * carries an added {@value IdempotencyHeaders#ATTEMPTS} header with the number of attempts; the
 * server's {@code Idempotent-Replayed} header says whether it was a replay. Thread-safe.
 *
 * <p>Register it <em>last</em> ({@code requestInterceptor} after the others), so that every
 * attempt passes the other interceptors (authentication, tracing): Spring Framework 6.2 runs the
 * interceptors registered after this one on the first attempt only (Spring 7 on every attempt).
 *
 * <p>Each attempt's failure is the request factory's {@link IOException} (a lost connection, a read
 * timeout); after several attempts the operation fails with an
 * {@link io.github.idempotency.client.AttemptsFailedException}, which {@code RestClient} wraps in a
 * {@code ResourceAccessException}.
 */
public final class IdempotentRetryInterceptor implements ClientHttpRequestInterceptor {

    private final IdempotentRetries retries;

    private IdempotentRetryInterceptor(IdempotentRetries retries) {
        this.retries = Objects.requireNonNull(retries, "retries");
    }

    /** @return an interceptor with {@link IdempotentRetries#defaults()} */
    public static IdempotentRetryInterceptor create() {
        return of(IdempotentRetries.defaults());
    }

    /**
     * @param retries the policy, key supplier, sleeper and clock
     * @return the interceptor
     */
    public static IdempotentRetryInterceptor of(IdempotentRetries retries) {
        return new IdempotentRetryInterceptor(retries);
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        if (!retries.guards(request.getMethod().name())) {
            return execution.execute(request, body);
        }
        String key = retries.keyOr(request.getHeaders().getFirst(IdempotencyHeaders.KEY));
        request.getHeaders().set(IdempotencyHeaders.KEY, key);
        Attempts attempts = retries.start(request.getMethod().name(), request.getURI(), key);
        try {
            ClientHttpResponse answer = attempts.run(retries.sleeper(), () -> {
                ClientHttpResponse response = execution.execute(request, body);
                var retryIn = attempts.retryAfterResponse(response.getStatusCode().value(),
                        response.getHeaders()::getFirst);
                if (retryIn.isEmpty()) {
                    return Attempts.Step.answer(response);
                }
                response.close();
                return Attempts.Step.retry(retryIn.get());
            });
            return new CountedResponse(answer, attempts.count());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting to retry "
                    + request.getMethod() + " " + request.getURI() + " with " + IdempotencyHeaders.KEY + " " + key);
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /** The answer, with the number of attempts added to its headers. */
    private static final class CountedResponse implements ClientHttpResponse {

        private final ClientHttpResponse response;
        private final HttpHeaders headers = new HttpHeaders();

        CountedResponse(ClientHttpResponse response, int attempts) {
            this.response = response;
            response.getHeaders().forEach(headers::addAll);
            headers.set(IdempotencyHeaders.ATTEMPTS, Integer.toString(attempts));
        }

        @Override
        public HttpStatusCode getStatusCode() throws IOException {
            return response.getStatusCode();
        }

        @Override
        public String getStatusText() throws IOException {
            return response.getStatusText();
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public InputStream getBody() throws IOException {
            return response.getBody();
        }

        @Override
        public void close() {
            response.close();
        }
    }
}
