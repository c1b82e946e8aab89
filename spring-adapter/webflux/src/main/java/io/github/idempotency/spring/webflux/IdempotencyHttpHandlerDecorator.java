package io.github.idempotency.spring.webflux;

import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import reactor.core.publisher.Mono;

/**
 * Wraps the application's whole {@link HttpHandler}, exception handlers included, so that the
 * response of a guarded request is captured whoever writes it: the handler, an
 * {@code @ExceptionHandler}, or the error handler rendering a validation failure. Requests that
 * hold no claim pass through the wrapper untouched.
 *
 * <p>Spring's {@code WebHttpHandlerBuilder} applies every {@link HttpHandlerDecoratorFactory} bean,
 * so declaring this as a bean installs it (Spring Boot's auto-configuration does). It is needed by
 * {@link IdempotencyWebFilter} and {@link ReactiveIdempotencyGuard#routeFilter()}.
 */
public final class IdempotencyHttpHandlerDecorator implements HttpHandlerDecoratorFactory {

    @Override
    public HttpHandler apply(HttpHandler handler) {
        return (request, response) -> {
            CapturingServerHttpResponse capturing = new CapturingServerHttpResponse(response);
            return handler.handle(request, capturing)
                    .onErrorResume(failure -> capturing.exchangeEnded().then(Mono.error(failure)))
                    .then(Mono.defer(capturing::exchangeEnded))
                    .doOnCancel(capturing::cancelled);
        };
    }
}
