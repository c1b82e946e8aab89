package io.github.idempotency.core.key;

import java.util.List;
import java.util.Objects;

/**
 * A validated idempotency key: 1 to 255 characters of visible ASCII ({@code 0x21}-{@code 0x7E},
 * plus space inside an sf-string), after unquoting.
 *
 * @param value the key, unquoted
 */
public record IdempotencyKey(String value) {

    /** The most characters a key may have after unquoting. */
    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        Objects.requireNonNull(value, "value");
    }

    /**
     * Parses one header value: an RFC 8941 sf-string ({@code "abc"}, with {@code \"} and
     * {@code \\} escapes) or a bare token as Stripe's clients send it ({@code abc}).
     *
     * @param headerValue the header value, surrounding optional white space allowed
     * @return the key
     * @throws InvalidIdempotencyKeyException if the value is not a valid key
     */
    public static IdempotencyKey parse(String headerValue) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Parses the key from all header lines carrying it.
     *
     * @param headerValues the value of every header line with the key's name, in order
     * @return the key
     * @throws InvalidIdempotencyKeyException with {@link InvalidIdempotencyKeyException.Reason#MULTIPLE_VALUES}
     *     if there are several lines, else as {@link #parse(String)}
     * @throws IllegalArgumentException if {@code headerValues} is empty
     */
    public static IdempotencyKey parse(List<String> headerValues) {
        throw new UnsupportedOperationException("TODO");
    }

    /** @return the key as an RFC 8941 sf-string, quoted and escaped */
    public String toSfString() {
        throw new UnsupportedOperationException("TODO");
    }
}
