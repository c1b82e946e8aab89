package io.github.idempotency.benchmarks;

import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.util.List;

/** The response a payments endpoint stores. */
final class Responses {

    private Responses() {
    }

    /** @return a {@code 201 Created} with content type, length and location, carrying {@code body} */
    static StoredResponse created(byte[] body) {
        return new StoredResponse(201, List.of(
                new ResponseHeader("Content-Type", "application/json"),
                new ResponseHeader("Content-Length", Integer.toString(body.length)),
                new ResponseHeader("Location", "/payments/8e03978e-40d5-43e8-bc93-6894a57f9324")),
                body);
    }
}
