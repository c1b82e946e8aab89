package io.github.idempotency.client.jdk;

import io.github.idempotency.client.Attempts;
import io.github.idempotency.client.IdempotencyHeaders;
import io.github.idempotency.client.IdempotentRetries;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Sends requests through a {@link HttpClient} with one {@code Idempotency-Key} per call to
 * {@link #send}, the same on every attempt, retrying what the {@link io.github.idempotency.client.RetryPolicy}
 * allows. A wrapper, since {@code HttpClient} has no interceptors. Thread-safe: calls may run
 * concurrently, each with its own key and attempts.
 *
 * <p>Each attempt sends the same {@link HttpRequest}, so its body publisher must give the same bytes
 * each time ({@code BodyPublishers.ofString}, {@code ofByteArray} and {@code ofFile} do; {@code
 * ofInputStream} of a stream that can be read once does not). The request's own timeout bounds each
 * attempt. Whether to retry is decided from the status and headers, before the body is read: the body
 * of a retried response is discarded, only the answer's goes to the caller's {@link BodyHandler}.
 */
public final class IdempotentHttpClient {

    private final HttpClient client;
    private final IdempotentRetries retries;

    private IdempotentHttpClient(HttpClient client, IdempotentRetries retries) {
        this.client = Objects.requireNonNull(client, "client");
        this.retries = Objects.requireNonNull(retries, "retries");
    }

    /**
     * @param client the client that sends every attempt
     * @return a wrapper with {@link IdempotentRetries#defaults()}
     */
    public static IdempotentHttpClient of(HttpClient client) {
        return of(client, IdempotentRetries.defaults());
    }

    /**
     * @param client the client that sends every attempt
     * @param retries the policy, key supplier, sleeper and clock
     * @return the wrapper
     */
    public static IdempotentHttpClient of(HttpClient client, IdempotentRetries retries) {
        return new IdempotentHttpClient(client, retries);
    }

    /**
     * Sends one logical operation. A request whose method the policy guards is sent with its own
     * {@code Idempotency-Key} when it has one (the caller's), else with a new key; any other request is
     * sent once, as it is.
     *
     * @param request the request of every attempt
     * @param handler turns the answer's body into a {@code T}
     * @param <T> the body type
     * @return the answer, with the key, the number of attempts and whether it was a replay
     * @throws IOException the failure of the only attempt, or an
     *     {@link io.github.idempotency.client.AttemptsFailedException} after several
     * @throws InterruptedException if interrupted while sending or waiting
     */
    public <T> IdempotentResponse<T> send(HttpRequest request, BodyHandler<T> handler)
            throws IOException, InterruptedException {
        String given = request.headers().firstValue(IdempotencyHeaders.KEY).orElse(null);
        if (!retries.guards(request.method())) {
            HttpResponse<T> response = client.send(request, handler);
            return new IdempotentResponse<>(response, given == null ? "" : given, 1, isReplay(response.headers()));
        }
        String key = retries.keyOr(given);
        HttpRequest keyed = given != null ? request
                : HttpRequest.newBuilder(request, (name, value) -> true).header(IdempotencyHeaders.KEY, key).build();
        Attempts attempts = retries.start(request.method(), request.uri(), key);
        HttpResponse<T> answer = attempts.run(retries.sleeper(), () -> {
            AtomicReference<Duration> retryIn = new AtomicReference<>();
            HttpResponse<T> response = client.send(keyed, info -> {
                retryIn.set(attempts.retryAfterResponse(info.statusCode(), header(info.headers())).orElse(null));
                return retryIn.get() == null ? handler.apply(info) : BodySubscribers.replacing(null);
            });
            return retryIn.get() == null ? Attempts.Step.answer(response) : Attempts.Step.retry(retryIn.get());
        });
        return new IdempotentResponse<>(answer, key, attempts.count(), isReplay(answer.headers()));
    }

    /**
     * Sends one logical operation with the caller's key, for example one kept with the order it pays
     * for, so that a retry after a restart of the caller still carries it.
     *
     * @param request the request of every attempt, without an {@code Idempotency-Key}
     * @param handler turns the answer's body into a {@code T}
     * @param key the operation's key
     * @param <T> the body type
     * @return the answer, with the key, the number of attempts and whether it was a replay
     * @throws IllegalArgumentException if the request already has an {@code Idempotency-Key}
     * @throws IOException the failure of the only attempt, or an
     *     {@link io.github.idempotency.client.AttemptsFailedException} after several
     * @throws InterruptedException if interrupted while sending or waiting
     */
    public <T> IdempotentResponse<T> send(HttpRequest request, BodyHandler<T> handler, String key)
            throws IOException, InterruptedException {
        Objects.requireNonNull(key, "key");
        if (request.headers().firstValue(IdempotencyHeaders.KEY).isPresent()) {
            throw new IllegalArgumentException("the request already has an " + IdempotencyHeaders.KEY
                    + " header: pass the key either in the request or as the argument, not both");
        }
        return send(HttpRequest.newBuilder(request, (name, value) -> true).header(IdempotencyHeaders.KEY, key).build(),
                handler);
    }

    private static boolean isReplay(HttpHeaders headers) {
        return Attempts.isReplay(header(headers));
    }

    private static Function<String, String> header(HttpHeaders headers) {
        return name -> headers.firstValue(name).orElse(null);
    }
}
