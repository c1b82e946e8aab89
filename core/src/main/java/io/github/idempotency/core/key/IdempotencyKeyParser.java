package io.github.idempotency.core.key;

import io.github.idempotency.core.key.InvalidIdempotencyKeyException.Reason;

/**
 * Turns an {@code Idempotency-Key} header value into the unquoted key in one pass, or says exactly
 * which rule it breaks. Messages never echo the client's value, only code points and positions.
 */
final class IdempotencyKeyParser {

    private static final int MAX_LENGTH = IdempotencyKey.MAX_LENGTH;

    private IdempotencyKeyParser() {
    }

    /** @return whether {@code value} is 1 to 255 characters of {@code 0x20}-{@code 0x7E} */
    static boolean isValidKey(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param headerValue one header line's value
     * @return the key, unquoted
     * @throws InvalidIdempotencyKeyException if the value is not a valid key
     */
    static String unquote(String headerValue) {
        int start = 0;
        int end = headerValue.length();
        while (start < end && isOptionalWhiteSpace(headerValue.charAt(start))) {
            start++;
        }
        while (end > start && isOptionalWhiteSpace(headerValue.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            throw new InvalidIdempotencyKeyException(Reason.EMPTY,
                    "The idempotency key is empty; send 1 to " + MAX_LENGTH + " visible ASCII characters.");
        }
        return headerValue.charAt(start) == '"'
                ? sfString(headerValue, start, end)
                : token(headerValue, start, end);
    }

    private static boolean isOptionalWhiteSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static String token(String s, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == ',') {
                throw new InvalidIdempotencyKeyException(Reason.MULTIPLE_VALUES,
                        "The idempotency key has a comma at position " + (i + 1) + ", which makes it a list"
                                + " of several keys (two header lines may have been joined); send exactly"
                                + " one key, as a quoted sf-string (\"a,b\") if the comma is part of it.");
            }
            if (c == '"') {
                throw invalidCharacter(s, i, "a double quote may only open a quoted sf-string at the"
                        + " start of the value.");
            }
            if (c == ' ') {
                throw invalidCharacter(s, i, "a key that is not quoted cannot contain spaces; remove"
                        + " them, or send the key as a quoted sf-string.");
            }
            if (c < 0x21 || c > 0x7E) {
                throw invalidCharacter(s, i, "a key may only contain visible ASCII characters"
                        + " (U+0021 to U+007E).");
            }
        }
        requireLength(end - start);
        return s.substring(start, end);
    }

    /** {@code s.charAt(start)} is the opening quote. */
    private static String sfString(String s, int start, int end) {
        StringBuilder unescaped = null; // only needed once an escape turns up
        int segmentStart = start + 1;
        for (int i = start + 1; i < end; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 == end) {
                    throw unterminatedQuote();
                }
                char escaped = s.charAt(i + 1);
                if (escaped != '"' && escaped != '\\') {
                    throw new InvalidIdempotencyKeyException(Reason.INVALID_ESCAPE,
                            "The idempotency key has a backslash at position " + (i + 1) + " followed by "
                                    + describe(s, i + 1) + "; in a quoted key a backslash may only"
                                    + " escape \\\" or \\\\.");
                }
                if (unescaped == null) {
                    unescaped = new StringBuilder(end - start);
                }
                unescaped.append(s, segmentStart, i);
                segmentStart = i + 1; // the escaped character opens the next segment
                i++;
            } else if (c == '"') {
                requireNothingAfterClosingQuote(s, i + 1, end);
                String value = unescaped == null
                        ? s.substring(start + 1, i)
                        : unescaped.append(s, segmentStart, i).toString();
                if (value.isEmpty()) {
                    throw new InvalidIdempotencyKeyException(Reason.EMPTY,
                            "The idempotency key is an empty sf-string (\"\"); send 1 to " + MAX_LENGTH
                                    + " visible ASCII characters.");
                }
                requireLength(value.length());
                return value;
            } else if (c < 0x20 || c > 0x7E) {
                throw invalidCharacter(s, i, "a quoted key may only contain visible ASCII characters and"
                        + " spaces (U+0020 to U+007E).");
            }
        }
        throw unterminatedQuote();
    }

    private static void requireNothingAfterClosingQuote(String s, int from, int end) {
        int i = from;
        while (i < end && isOptionalWhiteSpace(s.charAt(i))) {
            i++;
        }
        if (i == end) {
            return;
        }
        if (s.charAt(i) == ',') {
            throw new InvalidIdempotencyKeyException(Reason.MULTIPLE_VALUES,
                    "The idempotency key is a comma-separated list of values; send exactly one key.");
        }
        throw invalidCharacter(s, i, "nothing may follow the closing quote of a quoted key.");
    }

    private static void requireLength(int length) {
        if (length > MAX_LENGTH) {
            throw new InvalidIdempotencyKeyException(Reason.TOO_LONG,
                    "The idempotency key has " + length + " characters; at most " + MAX_LENGTH
                            + " are allowed.");
        }
    }

    private static InvalidIdempotencyKeyException unterminatedQuote() {
        return new InvalidIdempotencyKeyException(Reason.UNTERMINATED_QUOTE,
                "The idempotency key starts with a double quote but has no closing quote; send \"abc\""
                        + " or abc.");
    }

    private static InvalidIdempotencyKeyException invalidCharacter(String s, int index, String rule) {
        return new InvalidIdempotencyKeyException(Reason.INVALID_CHARACTER,
                "The idempotency key has " + describe(s, index) + " at position " + (index + 1) + "; "
                        + rule);
    }

    /** Names the code point at {@code index}: {@code U+00E9}, or {@code 'x' (U+0078)} when visible. */
    private static String describe(String s, int index) {
        int codePoint = s.codePointAt(index);
        String hex = String.format("U+%04X", codePoint);
        if (codePoint == ' ') {
            return "a space (" + hex + ")";
        }
        if (codePoint == '\t') {
            return "a tab (" + hex + ")";
        }
        if (codePoint > 0x20 && codePoint < 0x7F) {
            return "'" + (char) codePoint + "' (" + hex + ")";
        }
        return hex;
    }
}
