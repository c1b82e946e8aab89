package io.github.idempotency.spring.webflux;

import java.util.List;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.Hints;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.multipart.Part;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.core.publisher.Mono;

/**
 * An exchange whose request body was buffered for idempotency: the request reads the buffered
 * bytes, and so do its form data and multipart data (the original exchange would parse them from
 * the body the guard already consumed), decoded by the application's codecs once and cached.
 */
final class BufferedExchange extends ServerWebExchangeDecorator {

    private static final ResolvableType FORM_DATA = ResolvableType.forClassWithGenerics(MultiValueMap.class, String.class, String.class);
    private static final ResolvableType MULTIPART_DATA = ResolvableType.forClassWithGenerics(MultiValueMap.class, String.class, Part.class);

    private final ServerHttpRequest request;
    private final Mono<MultiValueMap<String, String>> formData;
    private final Mono<MultiValueMap<String, Part>> multipartData;

    BufferedExchange(ServerWebExchange exchange, ServerHttpRequest request, ServerCodecConfigurer codecs) {
        super(exchange);
        this.request = request;
        MediaType contentType = contentType(request);
        this.formData = read(codecs.getReaders(), FORM_DATA, MediaType.APPLICATION_FORM_URLENCODED, contentType,
                exchange.getLogPrefix());
        this.multipartData = read(codecs.getReaders(), MULTIPART_DATA, MediaType.MULTIPART_FORM_DATA, contentType,
                exchange.getLogPrefix());
    }

    @Override
    public ServerHttpRequest getRequest() {
        return request;
    }

    @Override
    public Mono<MultiValueMap<String, String>> getFormData() {
        return formData;
    }

    @Override
    public Mono<MultiValueMap<String, Part>> getMultipartData() {
        return multipartData;
    }

    @SuppressWarnings("unchecked")
    private <T> Mono<MultiValueMap<String, T>> read(List<HttpMessageReader<?>> readers, ResolvableType type,
            MediaType expected, MediaType contentType, String logPrefix) {
        if (contentType == null || !expected.isCompatibleWith(contentType)) {
            return Mono.just(new org.springframework.util.LinkedMultiValueMap<String, T>());
        }
        for (HttpMessageReader<?> reader : readers) {
            if (reader.canRead(type, contentType)) {
                return ((HttpMessageReader<MultiValueMap<String, T>>) reader)
                        .readMono(type, request, Hints.from(Hints.LOG_PREFIX_HINT, logPrefix))
                        .switchIfEmpty(Mono.fromSupplier(org.springframework.util.LinkedMultiValueMap::new))
                        .cache();
            }
        }
        return Mono.error(new IllegalStateException("no codec reads " + contentType + " request bodies"));
    }

    private static MediaType contentType(ServerHttpRequest request) {
        try {
            return request.getHeaders().getContentType();
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return null;
        }
    }
}
