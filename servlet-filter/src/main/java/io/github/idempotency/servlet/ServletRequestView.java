package io.github.idempotency.servlet;

import io.github.idempotency.core.RequestView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's view of an {@link HttpServletRequest}.
 *
 * <p>{@link #readBody(long, BodySink)} buffers the body in a {@link BufferedBodyRequest}: the one
 * found in the request's wrapper chain if an adapter installed it earlier, otherwise a new one
 * created around the request. Pass {@link #request()} down the filter chain afterwards, so that
 * the application reads the buffered body (stream, reader or form parameters).
 *
 * <p>Serves one request; not thread-safe.
 */
public final class ServletRequestView implements RequestView {

    private final HttpServletRequest request;
    private final String route;
    private BufferedBodyRequest buffered;
    private boolean bufferedIsOwn;

    private ServletRequestView(HttpServletRequest request, String route) {
        this.request = Objects.requireNonNull(request, "request");
        this.route = route;
    }

    /**
     * @param request the request
     * @return a view whose {@link #route()} is the request path
     */
    public static ServletRequestView of(HttpServletRequest request) {
        return new ServletRequestView(request, null);
    }

    /**
     * @param request the request
     * @param route the route template the request matched, such as {@code /payments/{id}}
     * @return a view whose {@link #route()} is {@code route}
     */
    public static ServletRequestView withRoute(HttpServletRequest request, String route) {
        return new ServletRequestView(request, Objects.requireNonNull(route, "route"));
    }

    /**
     * @return the request to hand to the application: once the body was read through a wrapper
     *     that this view created, that wrapper; otherwise the request this view was made of
     */
    public HttpServletRequest request() {
        return bufferedIsOwn ? buffered : request;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    /** @return the route given to {@link #withRoute}, else the request path */
    @Override
    public String route() {
        return route != null ? route : path();
    }

    /** @return the request URI without the query string, including the context path */
    @Override
    public String path() {
        return request.getRequestURI();
    }

    @Override
    public Optional<String> query() {
        return Optional.ofNullable(request.getQueryString());
    }

    @Override
    public Optional<String> contentType() {
        return Optional.ofNullable(request.getContentType());
    }

    @Override
    public List<String> headerValues(String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        String first = values.nextElement();
        if (!values.hasMoreElements()) {
            return List.of(first);
        }
        List<String> all = new ArrayList<>();
        all.add(first);
        while (values.hasMoreElements()) {
            all.add(values.nextElement());
        }
        return all;
    }

    @Override
    public Optional<String> principal() {
        return Optional.ofNullable(request.getUserPrincipal()).map(Principal::getName);
    }

    /**
     * Buffers the body through {@link BufferedBodyRequest#buffer(long, BodySink)}; see there for
     * what is thrown.
     */
    @Override
    public void readBody(long maxBytes, BodySink sink) throws IOException {
        if (buffered == null) {
            buffered = BufferedBodyRequest.find(request).orElse(null);
            if (buffered == null) {
                buffered = new BufferedBodyRequest(request);
                bufferedIsOwn = true;
            }
        }
        buffered.buffer(maxBytes, sink);
    }
}
