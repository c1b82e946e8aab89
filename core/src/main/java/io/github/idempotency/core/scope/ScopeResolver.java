package io.github.idempotency.core.scope;

import io.github.idempotency.core.RequestView;

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
     * each length-prefixed so that no principal name can imitate another scope.
     *
     * @return the default resolver, always the same instance (so {@code resolver ==
     *     ScopeResolver.principalMethodRoute()} tells whether an application kept the default)
     */
    static ScopeResolver principalMethodRoute() {
        return PrincipalMethodRoute.INSTANCE;
    }
}
