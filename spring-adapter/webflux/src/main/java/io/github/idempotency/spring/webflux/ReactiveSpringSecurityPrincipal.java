package io.github.idempotency.spring.webflux;

import java.security.Principal;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import reactor.core.publisher.Mono;

/** Reads Spring Security's reactive context; loaded only when Spring Security is on the class path. */
final class ReactiveSpringSecurityPrincipal {

    private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

    private ReactiveSpringSecurityPrincipal() {
    }

    /** @return the name of the current authenticated, non-anonymous principal, or empty */
    static Mono<String> name() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(SecurityContext::getAuthentication)
                .filter(TRUST::isAuthenticated)
                .mapNotNull(Authentication::getName);
    }

    /** @return whether {@code principal} is not an anonymous or unauthenticated Spring Security token */
    static boolean isAuthenticated(Principal principal) {
        return !(principal instanceof Authentication authentication) || TRUST.isAuthenticated(authentication);
    }
}
