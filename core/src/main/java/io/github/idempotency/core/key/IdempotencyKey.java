package io.github.idempotency.core.key;

import java.util.List;
import java.util.Objects;

/**
 * A validated idempotency key: 1 to 255 characters of visible ASCII ({@code 0x21}-{@code 0x7E},
 * plus space inside an sf-string), after unquoting.
 *
 * <p>The canonical constructor enforces this; header values are turned into keys with
 * {@link #parse(String)} or {@link #parse(List)}, which say precisely what is wrong with a bad value.
 * {@code abc} and {@code "abc"} are the same key.
 *
 * @param value the key, unquoted
 */
public record IdempotencyKey(String value) {

    /** The most characters a key may have after unquoting. */
    public static final int MAX_LENGTH = 255;

    /**
     * @throws IllegalArgumentException if {@code value} is empty, longer than {@value #MAX_LENGTH}
     *     characters, or has a character outside {@code 0x20}-{@code 0x7E}
     */
    public IdempotencyKey {
        Objects.requireNonNull(value, "value");
        if (!IdempotencyKeyParser.isValidKey(value)) {
            throw new IllegalArgumentException("a key is 1 to " + MAX_LENGTH
                    + " characters of U+0020 to U+007E; use parse(String) for header values");
        }
    }

    /**
     * Parses one header value: an RFC 8941 sf-string ({@code "abc"}, with {@code \"} and
     * {@code \\} escapes) or a bare token as Stripe's clients send it ({@code abc}).
     *
     * <p>Space and tab around the value are ignored. A bare token is visible ASCII
     * ({@code 0x21}-{@code 0x7E}) without {@code "} and {@code ,}; an sf-string may also hold spaces,
     * commas and (escaped) quotes. A bare token with a comma is rejected with
     * {@link InvalidIdempotencyKeyException.Reason#MULTIPLE_VALUES}, not
     * {@code INVALID_CHARACTER}: a comma is how HTTP joins several header lines into one, so the value
     * reads as several keys; the message tells the client to send one key, quoted if the comma is
     * part of it. Positions in messages count the characters of the header value from 1.
     *
     * <p>Does not use regular expressions; a bare token costs one pass and at most one substring.
     *
     * @param headerValue the header value, surrounding optional white space allowed
     * @return the key
     * @throws InvalidIdempotencyKeyException if the value is not a valid key; never any other
     *     exception for a non-null value
     * @throws NullPointerException if {@code headerValue} is null
     */
    public static IdempotencyKey parse(String headerValue) {
        return new IdempotencyKey(IdempotencyKeyParser.unquote(headerValue));
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
        if (headerValues.isEmpty()) {
            throw new IllegalArgumentException("no header values to parse a key from");
        }
        if (headerValues.size() > 1) {
            throw new InvalidIdempotencyKeyException(InvalidIdempotencyKeyException.Reason.MULTIPLE_VALUES,
                    "The idempotency key header was sent " + headerValues.size()
                            + " times; send it exactly once.");
        }
        return parse(headerValues.get(0));
    }

    /** @return the key as an RFC 8941 sf-string, quoted and escaped */
    public String toSfString() {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }
}
