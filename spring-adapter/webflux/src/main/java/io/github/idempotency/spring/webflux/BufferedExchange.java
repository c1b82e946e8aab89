package io.github.idempotency.spring.webflux;

import java.util.List;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.Hints;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.multipart.Part;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.core.publisher.Mono;

/**
 * An exchange whose request body was buffered for idempotency: the request reads the buffered
 * bytes, and so do its form data and multipart data (the original exchange would parse them from
 * the body the guard already consumed), decoded by the application's codecs when first asked for
 * and cached.
 */
final class BufferedExchange extends ServerWebExchangeDecorator {

    private static final ResolvableType FORM_DATA = ResolvableType.forClassWithGenerics(MultiValueMap.class, String.class, String.class);
    private static final ResolvableType MULTIPART_DATA = ResolvableType.forClassWithGenerics(MultiValueMap.class, String.class, Part.class);

    private final ServerHttpRequest request;
    private final List<HttpMessageReader<?>> readers;
    private Mono<MultiValueMap<String, String>> formData;
    private Mono<MultiValueMap<String, Part>> multipartData;

    /**
     * @param exchange the exchange whose request body was buffered
     * @param request the request serving the buffered body
     * @param readers the application's codecs' readers (read once: building them is not cheap)
     */
    BufferedExchange(ServerWebExchange exchange, ServerHttpRequest request, List<HttpMessageReader<?>> readers) {
        super(exchange);
        this.request = request;
        this.readers = readers;
    }

    @Override
    public ServerHttpRequest getRequest() {
        return request;
    }

    @Override
    public synchronized Mono<MultiValueMap<String, String>> getFormData() {
        if (formData == null) {
            formData = read(FORM_DATA, MediaType.APPLICATION_FORM_URLENCODED);
        }
        return formData;
    }

    @Override
    public synchronized Mono<MultiValueMap<String, Part>> getMultipartData() {
        if (multipartData == null) {
            multipartData = read(MULTIPART_DATA, MediaType.MULTIPART_FORM_DATA);
        }
        return multipartData;
    }

    /** @return the body decoded as {@code type}, once and cached; empty unless the content type is {@code expected} */
    @SuppressWarnings("unchecked")
    private <T> Mono<MultiValueMap<String, T>> read(ResolvableType type, MediaType expected) {
        MediaType contentType = contentType(request);
        if (contentType == null || !expected.isCompatibleWith(contentType)) {
            return Mono.just(new LinkedMultiValueMap<String, T>());
        }
        for (HttpMessageReader<?> reader : readers) {
            if (reader.canRead(type, contentType)) {
                return ((HttpMessageReader<MultiValueMap<String, T>>) reader)
                        .readMono(type, request, Hints.from(Hints.LOG_PREFIX_HINT, getLogPrefix()))
                        .switchIfEmpty(Mono.fromSupplier(LinkedMultiValueMap::new))
                        .cache();
            }
        }
        return Mono.error(new IllegalStateException("no codec reads " + contentType + " request bodies"));
    }

    private static MediaType contentType(ServerHttpRequest request) {
        try {
            return request.getHeaders().getContentType();
        } catch (InvalidMediaTypeException e) {
            return null;
        }
    }
}
