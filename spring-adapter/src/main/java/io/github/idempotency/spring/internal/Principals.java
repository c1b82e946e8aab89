package io.github.idempotency.spring.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Optional;
import org.springframework.util.ClassUtils;

/**
 * The name of the principal a request is made by: Spring Security's authenticated, non-anonymous
 * principal when Spring Security is on the class path, else the servlet container's.
 */
final class Principals {

    private static final boolean SPRING_SECURITY = ClassUtils.isPresent(
            "org.springframework.security.core.context.SecurityContextHolder", Principals.class.getClassLoader());

    private Principals() {
    }

    static Optional<String> nameOf(HttpServletRequest request) {
        if (SPRING_SECURITY) {
            Optional<String> name = SpringSecurityPrincipal.name();
            if (name.isPresent()) {
                return name;
            }
        }
        return Optional.ofNullable(request.getUserPrincipal()).map(Principal::getName);
    }
}
