package io.github.idempotency.core.operation;

import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.RequestView;
import io.github.idempotency.core.key.IdempotencyKey;
import java.util.List;
import java.util.Optional;

/**
 * One operation call as the engine sees a request: method {@value #METHOD}, route and path the
 * operation's scope, the key in the engine's key header (as an sf-string, so every valid key
 * round-trips exactly), and the encoded inputs as a JSON body. This is also the request an
 * {@link io.github.idempotency.core.IdempotencyListener} of the runner is given.
 */
final class OperationCall implements RequestView {

    /** The method of every operation call. */
    static final String METHOD = "RUN";

    private final OperationKey key;
    private final List<String> keyHeader;
    private final byte[] inputs;

    OperationCall(OperationKey key, byte[] inputs) {
        this.key = key;
        this.keyHeader = List.of(new IdempotencyKey(key.key()).toSfString());
        this.inputs = inputs;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public String route() {
        return key.scope();
    }

    @Override
    public String path() {
        return key.scope();
    }

    @Override
    public Optional<String> query() {
        return Optional.empty();
    }

    @Override
    public Optional<String> contentType() {
        return Optional.of("application/json");
    }

    @Override
    public List<String> headerValues(String name) {
        return IdempotencyEngine.DEFAULT_KEY_HEADER.equalsIgnoreCase(name) ? keyHeader : List.of();
    }

    @Override
    public Optional<String> principal() {
        return Optional.empty();
    }

    @Override
    public void readBody(long maxBytes, BodySink sink) {
        sink.update(inputs, 0, inputs.length);
    }

    @Override
    public String toString() {
        return METHOD + " " + key;
    }
}
