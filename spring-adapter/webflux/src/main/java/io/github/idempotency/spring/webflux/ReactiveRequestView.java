package io.github.idempotency.spring.webflux;

import io.github.idempotency.core.BodyTooLargeException;
import io.github.idempotency.core.RequestView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The engine's view of a WebFlux request whose principal is resolved and whose body, when the
 * engine needs it, is already in memory: {@link #readBody} never waits.
 */
final class ReactiveRequestView implements RequestView {

    /** The body was not read: the engine settles such a request before it needs the body. */
    static final byte[] NOT_READ = new byte[0];
    /** The body was longer than the limit it was read with. */
    static final byte[] TOO_LARGE = new byte[0];

    private final ServerHttpRequest request;
    private final String route;
    private final Optional<String> principal;
    private final byte[] body;

    ReactiveRequestView(ServerHttpRequest request, String route, Optional<String> principal, byte[] body) {
        this.request = request;
        this.route = route;
        this.principal = principal;
        this.body = body;
    }

    @Override
    public String method() {
        return request.getMethod().name();
    }

    @Override
    public String route() {
        return route;
    }

    @Override
    public String path() {
        return request.getURI().getRawPath();
    }

    @Override
    public Optional<String> query() {
        return Optional.ofNullable(request.getURI().getRawQuery());
    }

    @Override
    public Optional<String> contentType() {
        return Optional.ofNullable(request.getHeaders().getFirst("Content-Type"));
    }

    @Override
    public List<String> headerValues(String name) {
        return headerValues(request.getHeaders(), name);
    }

    /**
     * @return every line of the header {@code name}, case-insensitive, not split at commas; read
     *     through {@code forEach}, whose signature Spring Framework 6.2 and 7 share (the lookup
     *     methods' differ)
     */
    static List<String> headerValues(HttpHeaders headers, String name) {
        List<String> found = new ArrayList<>(1);
        headers.forEach((header, values) -> {
            if (header.equalsIgnoreCase(name)) {
                found.addAll(values);
            }
        });
        return found;
    }

    @Override
    public Optional<String> principal() {
        return principal;
    }

    @Override
    public void readBody(long maxBytes, BodySink sink) throws BodyTooLargeException {
        if (body == NOT_READ) {
            throw new IllegalStateException("the request body was not read for this request");
        }
        if (body == TOO_LARGE || body.length > maxBytes) {
            throw new BodyTooLargeException(maxBytes);
        }
        sink.update(body, 0, body.length);
    }
}
