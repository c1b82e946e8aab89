package io.github.idempotency.core.operation;

import java.util.Objects;

/**
 * The {@link ResultCodec} could not encode an operation's inputs or result, or could not decode a
 * stored result into the type the caller named. {@link #part()} says which; the cause is the
 * codec's exception.
 */
public final class OperationEncodingException extends IdempotentOperationException {

    /** What could not be encoded or decoded. */
    public enum Part {
        /**
         * The inputs could not be encoded for their fingerprint. Nothing was claimed and the
         * operation did not run.
         */
        INPUTS,
        /**
         * The operation ran but its result could not be encoded. The key was released, so a retry
         * runs the operation again; make the result type encodable (or configure the codec).
         */
        RESULT,
        /**
         * A stored result could not be decoded into the named type, for example after the result
         * class changed incompatibly. The operation did not run; the record stays until its TTL.
         */
        STORED_RESULT
    }

    private final Part part;

    OperationEncodingException(OperationKey key, Part part, String message, Throwable cause) {
        super(key, message, cause);
        this.part = Objects.requireNonNull(part, "part");
    }

    /** @return what could not be encoded or decoded */
    public Part part() {
        return part;
    }
}
