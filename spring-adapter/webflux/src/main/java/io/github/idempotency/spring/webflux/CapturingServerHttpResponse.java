package io.github.idempotency.spring.webflux;

import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The response of every exchange, installed by {@link IdempotencyHttpHandlerDecorator} around the
 * whole web handler (so that it also sees what exception handlers write). It passes everything
 * through until {@link #capture(Proceed)} is called for a request that holds a claim; from then on
 * it copies the body (up to the endpoint's stored-body limit, counting the rest) and stores the
 * response through {@link Proceed#completeAsync} before the client can see its end:
 * <ul>
 *   <li>with a {@code Content-Length}, before the buffer that completes it is written;
 *   <li>otherwise (chunked, streamed), after the last buffer and before the body completes.
 * </ul>
 * An exchange that ends without a stored response releases the key when nothing was sent, and
 * otherwise keeps it until its lease runs out (the handler ran; a retry must not run it again
 * meanwhile), as does a cancelled exchange.
 */
final class CapturingServerHttpResponse extends ServerHttpResponseDecorator {

    private static final byte[] EMPTY = new byte[0];

    private volatile Proceed proceed;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean bodyStarted;
    /** Whether the body is being written: then it, not {@link #setComplete()}, stores the response. */
    private volatile boolean writing;
    /** The body copy, grown on demand up to {@link #limit}; guarded by the publisher's serial signals. */
    private byte[] copy = EMPTY;
    private int copied;
    private long bodyBytes;
    private long limit;

    CapturingServerHttpResponse(ServerHttpResponse delegate) {
        super(delegate);
    }

    /** @return the capturing response under {@code response}'s decorators, if it has one */
    static Optional<CapturingServerHttpResponse> find(ServerHttpResponse response) {
        ServerHttpResponse current = response;
        while (current instanceof ServerHttpResponseDecorator decorator) {
            if (current instanceof CapturingServerHttpResponse capturing) {
                return Optional.of(capturing);
            }
            current = decorator.getDelegate();
        }
        return Optional.empty();
    }

    /** Starts capturing for a request that holds its claim. */
    void capture(Proceed proceed) {
        this.limit = proceed.maxStoredBodyBytes();
        this.proceed = proceed;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (proceed == null || settled.get()) {
            return super.writeWith(body);
        }
        writing = true;
        long declared = getHeaders().getContentLength();
        if (body instanceof Mono<? extends DataBuffer> mono) {
            return super.writeWith(mono.<DataBuffer>map(this::copy)
                    .flatMap(buffer -> store().thenReturn(buffer))
                    .switchIfEmpty(Mono.defer(() -> store().then(Mono.empty()))));
        }
        Flux<DataBuffer> copying = Flux.from(body).map(this::copy);
        if (declared >= 0) {
            copying = copying.concatMap(buffer -> bodyBytes >= declared ? store().thenReturn(buffer) : Mono.just(buffer));
        }
        return super.writeWith(copying.concatWith(Mono.defer(() -> store().then(Mono.empty()))));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        if (proceed == null || settled.get()) {
            return super.writeAndFlushWith(body);
        }
        writing = true;
        Flux<Publisher<DataBuffer>> copying = Flux.from(body).map(chunk -> Flux.from(chunk).map(this::copy));
        return super.writeAndFlushWith(copying.concatWith(Mono.defer(() -> store().then(Mono.empty()))));
    }

    /** Stores a response without a body; after a body was written (or failed) it only completes. */
    @Override
    public Mono<Void> setComplete() {
        if (proceed == null || settled.get() || writing) {
            return super.setComplete();
        }
        return store().then(Mono.defer(super::setComplete));
    }

    /** The whole exchange is done: settles a claim nothing stored. */
    Mono<Void> exchangeEnded() {
        Proceed held = proceed;
        if (held == null || !settled.compareAndSet(false, true)) {
            return Mono.empty();
        }
        if (!bodyStarted && !isCommitted()) {
            return Mono.fromCompletionStage(() -> held.releaseAsync(Outcome.NOT_STORED));
        }
        held.abandon("its response ended before it was complete (the body failed or the connection closed)");
        return Mono.empty();
    }

    /** The server cancelled the exchange (the client went away): the handler may have had effects. */
    void cancelled() {
        Proceed held = proceed;
        if (held != null && settled.compareAndSet(false, true)) {
            held.abandon("the exchange was cancelled (the client closed its connection) after the handler started");
        }
    }

    private DataBuffer copy(DataBuffer buffer) {
        bodyStarted = true;
        try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
            while (chunks.hasNext()) {
                append(chunks.next());
            }
        }
        return buffer;
    }

    private void append(ByteBuffer chunk) {
        int length = chunk.remaining();
        bodyBytes += length;
        if (bodyBytes > limit) {
            return; // over the limit: only counted; the record omits the body
        }
        if (copied + length > copy.length) {
            copy = Arrays.copyOf(copy, (int) Math.min(limit, Math.max(copied + length, 2L * copy.length + 256)));
        }
        chunk.get(copy, copied, length);
        copied += length;
    }

    /** Stores the response once (later calls do nothing); the stage never fails. */
    private Mono<Void> store() {
        Proceed held = proceed;
        if (held == null || !settled.compareAndSet(false, true)) {
            return Mono.empty();
        }
        StoredResponse response = snapshot();
        return Mono.fromCompletionStage(() -> held.completeAsync(response)).then();
    }

    private StoredResponse snapshot() {
        HttpStatusCode status = getStatusCode();
        HttpHeaders headers = getHeaders();
        List<ResponseHeader> lines = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) { // a replay sets its own
                for (String value : values) {
                    lines.add(new ResponseHeader(name, value));
                }
            }
        });
        for (List<ResponseCookie> cookies : getCookies().values()) { // sent as Set-Cookie at commit
            for (ResponseCookie cookie : cookies) {
                lines.add(new ResponseHeader(HttpHeaders.SET_COOKIE, cookie.toString()));
            }
        }
        int code = status == null ? 200 : status.value();
        if (bodyBytes > limit) {
            return new StoredResponse(code, lines, EMPTY).withBodyOmitted(bodyBytes);
        }
        return new StoredResponse(code, lines, copied == copy.length ? copy : Arrays.copyOf(copy, copied));
    }
}
