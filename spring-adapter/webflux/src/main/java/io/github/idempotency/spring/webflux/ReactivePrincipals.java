package io.github.idempotency.spring.webflux;

import java.security.Principal;
import java.util.Optional;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The name of the principal a WebFlux request is made by: Spring Security's authenticated,
 * non-anonymous one ({@code ReactiveSecurityContextHolder}) when Spring Security is on the class
 * path, else the exchange's principal.
 */
final class ReactivePrincipals {

    private static final boolean SPRING_SECURITY = ClassUtils.isPresent(
            "org.springframework.security.core.context.ReactiveSecurityContextHolder",
            ReactivePrincipals.class.getClassLoader());

    private ReactivePrincipals() {
    }

    /** @return a Mono of the principal's name, empty when the request is anonymous; never empty itself */
    static Mono<Optional<String>> nameOf(ServerWebExchange exchange) {
        Mono<Principal> fromExchange = exchange.getPrincipal();
        Mono<String> name = SPRING_SECURITY
                ? ReactiveSpringSecurityPrincipal.name()
                        .switchIfEmpty(fromExchange.filter(ReactiveSpringSecurityPrincipal::isAuthenticated)
                                .map(Principal::getName))
                : fromExchange.map(Principal::getName);
        return name.map(Optional::of).defaultIfEmpty(Optional.empty());
    }
}
