package io.github.idempotency.core.scope;

import io.github.idempotency.core.RequestView;

/** The default {@link ScopeResolver}: one instance, so that it can be told from an application's own. */
final class PrincipalMethodRoute implements ScopeResolver {

    static final PrincipalMethodRoute INSTANCE = new PrincipalMethodRoute();

    private PrincipalMethodRoute() {
    }

    @Override
    public String resolve(RequestView request) {
        return ScopeResolver.principalMethodRouteScope(request.principal(), request.method(), request.route());
    }

    @Override
    public String toString() {
        return "ScopeResolver.principalMethodRoute()";
    }
}
