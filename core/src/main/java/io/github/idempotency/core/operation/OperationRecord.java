package io.github.idempotency.core.operation;

import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How an operation's outcome is kept as a {@link StoredResponse}, so that every store keeps it
 * unchanged: a result is status 200 with header {@value #KIND}{@code : }{@value #RESULT} and the
 * encoded result as body; a stored failure is status 500 with {@value #KIND}{@code : }{@value #FAILURE},
 * {@value #FAILURE_CLASS} (the exception's class name), {@value #FAILURE_MESSAGE} (its message, absent
 * when it had none) and an empty body.
 */
final class OperationRecord {

    static final String KIND = "Idempotent-Operation";
    static final String RESULT = "result";
    static final String FAILURE = "failure";
    static final String FAILURE_CLASS = "Idempotent-Operation-Failure-Class";
    static final String FAILURE_MESSAGE = "Idempotent-Operation-Failure-Message";

    private static final List<ResponseHeader> RESULT_HEADERS = List.of(new ResponseHeader(KIND, RESULT));

    private OperationRecord() {
    }

    static StoredResponse result(byte[] encoded) {
        return new StoredResponse(200, RESULT_HEADERS, encoded);
    }

    static StoredResponse failure(Exception failure) {
        List<ResponseHeader> headers = new ArrayList<>(3);
        headers.add(new ResponseHeader(KIND, FAILURE));
        headers.add(new ResponseHeader(FAILURE_CLASS, failure.getClass().getName()));
        if (failure.getMessage() != null) {
            headers.add(new ResponseHeader(FAILURE_MESSAGE, failure.getMessage()));
        }
        return new StoredResponse(500, headers, new byte[0]);
    }

    /** @return the value of {@code name} in {@code record}, if it has one */
    static Optional<String> header(StoredResponse record, String name) {
        return record.headerValues(name).stream().findFirst();
    }
}
