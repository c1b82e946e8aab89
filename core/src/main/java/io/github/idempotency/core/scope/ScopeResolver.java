package io.github.idempotency.core.scope;

import io.github.idempotency.core.RequestView;
import java.util.Optional;

/**
 * Decides the scope a key lives in. The stored entry is keyed by (scope, key): two requests with
 * the same key but different scopes never see each other's entries.
 *
 * <p>Implementations are thread-safe and cheap (called on every guarded request).
 */
@FunctionalInterface
public interface ScopeResolver {

    /**
     * @param request the request
     * @return the scope; any string, including the empty string
     */
    String resolve(RequestView request);

    /**
     * The default: the principal's name (none when anonymous), the HTTP method and the route,
     * each length-prefixed so that no principal name can imitate another scope (see
     * {@link #principalMethodRouteScope(Optional, String, String)}). Always the same instance.
     *
     * @return the default resolver
     */
    static ScopeResolver principalMethodRoute() {
        return PrincipalMethodRoute.INSTANCE;
    }

    /**
     * The scope {@link #principalMethodRoute()} gives a request with these parts: {@code p} (or
     * {@code a} when anonymous), the principal's length, {@code :} and name, the method's length,
     * {@code :} and method, then the route. For example {@code p5:alice4:POST/payments} for
     * {@code alice}, and {@code a0:4:POST/payments} for an anonymous request.
     *
     * @param principal the authenticated principal's name; empty when the request is anonymous
     * @param method the HTTP method, as {@link RequestView#method()} gives it
     * @param route the route, as {@link RequestView#route()} gives it
     * @return the scope
     */
    static String principalMethodRouteScope(Optional<String> principal, String method, String route) {
        String name = principal.orElse("");
        return new StringBuilder(name.length() + method.length() + route.length() + 16)
                .append(principal.isPresent() ? "p" : "a")
                .append(name.length()).append(':').append(name)
                .append(method.length()).append(':').append(method)
                .append(route)
                .toString();
    }
}
