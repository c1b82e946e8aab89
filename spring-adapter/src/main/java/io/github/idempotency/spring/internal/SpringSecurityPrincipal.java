package io.github.idempotency.spring.internal;

import java.util.Optional;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Reads Spring Security's context; loaded only when Spring Security is on the class path. */
final class SpringSecurityPrincipal {

    private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

    private SpringSecurityPrincipal() {
    }

    /** @return the name of the current authenticated, non-anonymous principal */
    static Optional<String> name() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !TRUST.isAuthenticated(authentication)) {
            return Optional.empty();
        }
        return Optional.ofNullable(authentication.getName());
    }
}
