package io.github.idempotency.spring.webflux;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.Proceed;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Guards WebFlux requests without blocking: reads a guarded request's body into memory (up to the
 * endpoint's limit), resolves its principal, asks the engine through
 * {@link IdempotencyEngine#decideAsync}, and either lets the handler run on the buffered body with
 * its response captured, or answers on its behalf with the stored response or a problem.
 *
 * <p>Used by {@link IdempotencyWebFilter} for {@code @Idempotent} handler methods, and directly for
 * functional endpoints through {@link #routeFilter()}:
 * <pre>{@code
 * route().POST("/payments", payments::create).filter(guard.routeFilter()).build();
 * }</pre>
 * Needs {@link IdempotencyHttpHandlerDecorator} installed (Spring Boot's auto-configuration does).
 *
 * <p>When the store answers on a thread of its own (Redis, JDBC), the request goes on on Reactor's
 * parallel scheduler, never on the store client's threads. Thread-safe.
 */
public final class ReactiveIdempotencyGuard {

    private final IdempotencyEngine engine;
    private final EndpointPolicy defaults;

    /**
     * @param engine decides and stores
     * @param defaults the policy of {@link #routeFilter()} and of an {@code @Idempotent} that sets
     *     no attribute
     */
    public ReactiveIdempotencyGuard(IdempotencyEngine engine, EndpointPolicy defaults) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** @return the default endpoint policy, to derive others from with {@link EndpointPolicy#toBuilder()} */
    public EndpointPolicy defaults() {
        return defaults;
    }

    /** @return a filter guarding functional endpoints with the default policy */
    public HandlerFilterFunction<ServerResponse, ServerResponse> routeFilter() {
        return routeFilter(defaults);
    }

    /**
     * @param policy the endpoints' policy
     * @return a filter guarding functional endpoints with {@code policy}; the route part of the
     *     scope is the matched route pattern
     */
    public HandlerFilterFunction<ServerResponse, ServerResponse> routeFilter(EndpointPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return (request, next) -> {
            String route = request.attribute(RouterFunctions.MATCHING_PATTERN_ATTRIBUTE)
                    .map(pattern -> ((PathPattern) pattern).getPatternString())
                    .orElseGet(request::path);
            ServerHttpRequest original = request.exchange().getRequest();
            return guard(request.exchange(), policy, route,
                    buffered -> next.handle(buffered == original
                            ? request : ServerRequest.from(request).body(buffered.getBody()).build()),
                    DecisionResponses::serverResponse);
        };
    }

    /**
     * Guards one request.
     *
     * @param exchange the exchange, its response under {@link IdempotencyHttpHandlerDecorator}
     * @param policy the endpoint's policy
     * @param route the matched route template, part of the scope
     * @param handler runs the handler on the given request (the exchange's, or one with the
     *     buffered body)
     * @param answer answers with a replay or a problem
     * @param <T> what the handler and the answer produce
     * @return the handler's or the answer's result
     */
    <T> Mono<T> guard(ServerWebExchange exchange, EndpointPolicy policy, String route,
            Function<ServerHttpRequest, Mono<T>> handler, Function<Decision, Mono<T>> answer) {
        ServerHttpRequest request = exchange.getRequest();
        if (!policy.guards(request.getMethod().name())) {
            return handler.apply(request);
        }
        CapturingServerHttpResponse capturing = CapturingServerHttpResponse.find(exchange.getResponse()).orElse(null);
        if (capturing == null) {
            return Mono.error(new IllegalStateException("Idempotency for " + request.getMethod() + " " + route
                    + " needs " + IdempotencyHttpHandlerDecorator.class.getName() + " as a bean (an"
                    + " HttpHandlerDecoratorFactory); Spring Boot's auto-configuration declares it"));
        }
        boolean readBody = !ReactiveRequestView.headerValues(request.getHeaders(), engine.keyHeader()).isEmpty();
        Mono<byte[]> body = readBody ? read(request, policy.maxRequestBodyBytes()) : Mono.just(ReactiveRequestView.NOT_READ);
        return Mono.zip(ReactivePrincipals.nameOf(exchange), body).flatMap(principalAndBody -> {
            byte[] bytes = principalAndBody.getT2();
            ReactiveRequestView view = new ReactiveRequestView(request, route, principalAndBody.getT1(), bytes);
            CompletableFuture<Decision> decided = engine.decideAsync(view, policy).toCompletableFuture();
            Mono<Decision> decision = Mono.fromFuture(decided, true)
                    .doOnCancel(() -> decided.thenAccept(ReactiveIdempotencyGuard::releaseUnused));
            if (!decided.isDone()) { // answered later, on the store's thread: go on elsewhere
                decision = decision.publishOn(Schedulers.parallel());
            }
            ServerHttpRequest buffered = readBody && bytes != ReactiveRequestView.TOO_LARGE ? buffered(request, bytes) : request;
            return decision.flatMap(settled -> {
                if (settled instanceof Proceed proceed) {
                    capturing.capture(proceed);
                    exchange.getAttributes().put(Proceed.ENTRY_KEY_ATTRIBUTE, proceed.entryKey());
                    return handler.apply(buffered);
                }
                if (settled instanceof Decision.PassThrough) {
                    return handler.apply(buffered);
                }
                return answer.apply(settled);
            });
        });
    }

    /** The exchange was cancelled before its handler started: a claim it got is released, not kept. */
    private static void releaseUnused(Decision decision) {
        if (decision instanceof Proceed proceed) {
            proceed.releaseAsync(Outcome.NOT_STORED);
        }
    }

    /** @return the whole body, {@link ReactiveRequestView#TOO_LARGE} past {@code maxBytes} */
    private static Mono<byte[]> read(ServerHttpRequest request, long maxBytes) {
        int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
        return DataBufferUtils.join(request.getBody(), limit)
                .map(joined -> {
                    byte[] bytes = new byte[joined.readableByteCount()];
                    joined.read(bytes);
                    DataBufferUtils.release(joined);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorResume(DataBufferLimitException.class, tooLarge -> Mono.just(ReactiveRequestView.TOO_LARGE));
    }

    /** @return {@code request} with its body served from {@code bytes}, as often as it is read */
    private static ServerHttpRequest buffered(ServerHttpRequest request, byte[] bytes) {
        return new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return bytes.length == 0 ? Flux.empty()
                        : Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)));
            }
        };
    }
}
