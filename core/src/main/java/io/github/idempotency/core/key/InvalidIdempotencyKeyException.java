package io.github.idempotency.core.key;

/**
 * An {@code Idempotency-Key} header value that cannot be used. {@link #reason()} says which rule it
 * broke; the message says it in words a client developer can act on.
 */
public class InvalidIdempotencyKeyException extends IllegalArgumentException {

    /** The ways a key can be wrong. */
    public enum Reason {
        /** The header is present but its value is empty (or an empty sf-string {@code ""}). */
        EMPTY,
        /** More than 255 characters after unquoting. */
        TOO_LONG,
        /**
         * A character outside visible ASCII (control characters, non-ASCII), a space or a double
         * quote in a bare token, or anything but a comma after the closing quote of an sf-string.
         */
        INVALID_CHARACTER,
        /** An sf-string that starts with {@code "} and does not end with one. */
        UNTERMINATED_QUOTE,
        /** A backslash in an sf-string not followed by {@code "} or {@code \}. */
        INVALID_ESCAPE,
        /**
         * The header was sent more than once, or as a comma-separated list ({@code "a", "b"}); a bare
         * token with a comma ({@code a,b}) counts as a list too, since a comma is how HTTP joins
         * header lines.
         */
        MULTIPLE_VALUES
    }

    private final Reason reason;

    public InvalidIdempotencyKeyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** @return which rule the value broke */
    public Reason reason() {
        return reason;
    }
}
