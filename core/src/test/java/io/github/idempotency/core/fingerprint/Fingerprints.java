package io.github.idempotency.core.fingerprint;

import io.github.idempotency.core.RequestView;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Runs a strategy over a whole request the way the engine does. */
final class Fingerprints {

    private Fingerprints() {
    }

    static Fingerprint of(FingerprintStrategy strategy, RequestView request) {
        FingerprintStrategy.Fingerprinter fingerprinter = strategy.start(request);
        try {
            request.readBody(Long.MAX_VALUE, fingerprinter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fingerprinter.finish();
    }
}
