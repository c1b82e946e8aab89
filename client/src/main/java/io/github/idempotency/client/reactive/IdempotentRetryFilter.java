package io.github.idempotency.client.reactive;

import io.github.idempotency.client.Attempts;
import io.github.idempotency.client.IdempotencyHeaders;
import io.github.idempotency.client.IdempotentRetries;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * An {@link ExchangeFilterFunction} for {@code WebClient} that makes each request whose method the
 * policy guards one logical operation: it gives the request a key (the caller's
 * {@code Idempotency-Key} header when there is one, else a new one, made when the exchange is
 * subscribed) and exchanges the same request again, with the same key, as long as the policy says to
 * retry. A retried response's body is released; the final response carries an added
 * {@value IdempotencyHeaders#ATTEMPTS} header with the number of attempts, and the server's
 * {@code Idempotent-Replayed} header says whether it was a replay. Nothing blocks: the waits are
 * Reactor timers. Thread-safe.
 *
 * <p>Register it last ({@code .filter(...)} after the others), so that every attempt passes the
 * filters registered before it. Each subscription is one operation: resubscribing (Reactor's own
 * {@code retry()} on the outer {@code Mono}) makes a new key, so retry with this filter, not around it.
 * A per-attempt timeout is the connector's ({@code responseTimeout} of Reactor Netty's
 * {@code HttpClient}); a {@code timeout(...)} on the outer {@code Mono} bounds the whole operation.
 */
public final class IdempotentRetryFilter implements ExchangeFilterFunction {

    private final IdempotentRetries retries;
    private final Function<Duration, ? extends Publisher<?>> delays;

    private IdempotentRetryFilter(IdempotentRetries retries, Function<Duration, ? extends Publisher<?>> delays) {
        this.retries = Objects.requireNonNull(retries, "retries");
        this.delays = Objects.requireNonNull(delays, "delays");
    }

    /** @return a filter with {@link IdempotentRetries#defaults()} */
    public static IdempotentRetryFilter create() {
        return of(IdempotentRetries.defaults());
    }

    /**
     * @param retries the policy, key supplier and clock (its sleeper is not used: waits are {@link Mono#delay})
     * @return the filter
     */
    public static IdempotentRetryFilter of(IdempotentRetries retries) {
        return of(retries, Mono::delay);
    }

    /**
     * @param retries the policy, key supplier and clock
     * @param delays makes each wait: a publisher that completes (or emits) when the next attempt may start
     * @return the filter
     */
    public static IdempotentRetryFilter of(IdempotentRetries retries, Function<Duration, ? extends Publisher<?>> delays) {
        return new IdempotentRetryFilter(retries, delays);
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        if (!retries.guards(request.method().name())) {
            return next.exchange(request);
        }
        return Mono.defer(() -> {
            String key = retries.keyOr(request.headers().getFirst(IdempotencyHeaders.KEY));
            ClientRequest keyed = ClientRequest.from(request).headers(h -> h.set(IdempotencyHeaders.KEY, key)).build();
            return attempt(keyed, next, retries.start(request.method().name(), request.url(), key));
        });
    }

    private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next, Attempts attempts) {
        // The failure is turned into a value first, so that a later attempt's failure is never taken for this one's.
        return Mono.defer(() -> {
            attempts.begin();
            return next.exchange(request);
        }).map(Exchanged::response).onErrorResume(failure -> Mono.just(Exchanged.failure(failure))).flatMap(exchanged -> {
            ClientResponse response = exchanged.response();
            if (response == null) {
                Optional<Duration> retryIn = attempts.retryAfterFailure(exchanged.failure());
                return retryIn.isEmpty() ? Mono.error(attempts.failure(exchanged.failure()))
                        : retryAfter(retryIn.get(), request, next, attempts);
            }
            Optional<Duration> retryIn = attempts.retryAfterResponse(response.statusCode().value(),
                    name -> response.headers().asHttpHeaders().getFirst(name));
            if (retryIn.isEmpty()) {
                return Mono.just(response.mutate()
                        .headers(h -> h.set(IdempotencyHeaders.ATTEMPTS, Integer.toString(attempts.count())))
                        .build());
            }
            return response.releaseBody().then(retryAfter(retryIn.get(), request, next, attempts));
        });
    }

    private Mono<ClientResponse> retryAfter(Duration wait, ClientRequest request, ExchangeFunction next,
            Attempts attempts) {
        return Mono.from(delays.apply(wait)).then(Mono.defer(() -> attempt(request, next, attempts)));
    }

    /** One attempt's response, or its failure. */
    private record Exchanged(ClientResponse response, Throwable failure) {

        static Exchanged response(ClientResponse response) {
            return new Exchanged(response, null);
        }

        static Exchanged failure(Throwable failure) {
            return new Exchanged(null, failure);
        }
    }
}
