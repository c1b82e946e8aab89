package io.github.idempotency.spring.internal;

import io.github.idempotency.core.RequestView;
import io.github.idempotency.servlet.ServletRequestView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The engine's view of a request reaching a Spring MVC handler: the servlet view with the route
 * template the handler mapping matched, and the principal as Spring Security knows it.
 */
public final class SpringRequestView implements RequestView {

    private final ServletRequestView servlet;
    private final HttpServletRequest request;

    /**
     * @param request the request as the handler receives it
     * @param route the matched route template, or the request path when no template is known
     */
    public SpringRequestView(HttpServletRequest request, String route) {
        this.servlet = ServletRequestView.withRoute(request, route);
        this.request = request;
    }

    @Override
    public String method() {
        return servlet.method();
    }

    @Override
    public String route() {
        return servlet.route();
    }

    @Override
    public String path() {
        return servlet.path();
    }

    @Override
    public Optional<String> query() {
        return servlet.query();
    }

    @Override
    public Optional<String> contentType() {
        return servlet.contentType();
    }

    @Override
    public List<String> headerValues(String name) {
        return servlet.headerValues(name);
    }

    /** @return Spring Security's authenticated principal when present, else the servlet principal */
    @Override
    public Optional<String> principal() {
        return Principals.nameOf(request);
    }

    @Override
    public void readBody(long maxBytes, BodySink sink) throws IOException {
        servlet.readBody(maxBytes, sink);
    }
}
