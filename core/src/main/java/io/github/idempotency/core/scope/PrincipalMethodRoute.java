package io.github.idempotency.core.scope;

import io.github.idempotency.core.RequestView;
import java.util.Optional;

/** {@link ScopeResolver#principalMethodRoute()}. */
final class PrincipalMethodRoute implements ScopeResolver {

    static final PrincipalMethodRoute INSTANCE = new PrincipalMethodRoute();

    private PrincipalMethodRoute() {
    }

    @Override
    public String resolve(RequestView request) {
        Optional<String> named = request.principal();
        String principal = named.orElse("");
        String method = request.method();
        String route = request.route();
        return new StringBuilder(principal.length() + method.length() + route.length() + 16)
                .append(named.isPresent() ? "p" : "a")
                .append(principal.length()).append(':').append(principal)
                .append(method.length()).append(':').append(method)
                .append(route)
                .toString();
    }
}
