package io.github.idempotency.spring.webflux;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.internal.EndpointPolicies;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * Guards {@link Idempotent} handler methods of a WebFlux application: looks up the handler the
 * request maps to (as the {@code DispatcherHandler} will), and hands a guarded request to the
 * {@link ReactiveIdempotencyGuard}. Requests to handlers without {@link Idempotent}, requests whose
 * method the handler's policy does not guard and requests that map to no handler pass untouched.
 *
 * <p>Runs at {@link #ORDER}, after Spring Security's filter chain (-100), so that the principal is
 * known. The route part of the scope is the handler mapping's route template
 * ({@code /payments/{id}}). Thread-safe; one instance serves every request.
 */
public class IdempotencyWebFilter implements WebFilter, Ordered {

    /** The filter's order: after Spring Security's {@code WebFilterChainProxy} at -100. */
    public static final int ORDER = 0;

    private final ReactiveIdempotencyGuard guard;
    private final RequestMappingHandlerMapping handlers;
    private final List<HttpMessageReader<?>> readers;
    private final EndpointPolicies policies;

    /**
     * @param guard guards the requests
     * @param handlers the application's annotated handler methods
     * @param codecs the application's codecs, which decode form and multipart data from a buffered body
     */
    public IdempotencyWebFilter(ReactiveIdempotencyGuard guard, RequestMappingHandlerMapping handlers,
            ServerCodecConfigurer codecs) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        this.readers = List.copyOf(Objects.requireNonNull(codecs, "codecs").getReaders());
        this.policies = new EndpointPolicies(guard.defaults());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * @throws IllegalStateException (as the stage's error) if the handler's {@link Idempotent} has
     *     an invalid attribute, or {@link IdempotencyHttpHandlerDecorator} is not installed
     */
    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return handlers.getHandler(exchange)
                .onErrorResume(noMatch -> Mono.empty()) // 404, 405, 415...: the DispatcherHandler answers
                .map(handler -> handler instanceof HandlerMethod method ? policies.policyOf(method) : Optional.<EndpointPolicy>empty())
                .defaultIfEmpty(Optional.empty())
                .flatMap(policy -> policy.isEmpty()
                        ? chain.filter(exchange)
                        : guard.guard(exchange, policy.get(), route(exchange),
                                request -> chain.filter(request == exchange.getRequest()
                                        ? exchange : new BufferedExchange(exchange, request, readers)),
                                decision -> DecisionResponses.write(decision, exchange.getResponse())));
    }

    private static String route(ServerWebExchange exchange) {
        Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return pattern instanceof PathPattern template ? template.getPatternString() : exchange.getRequest().getURI().getRawPath();
    }
}
