package io.github.idempotency.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads a {@code Retry-After} value (RFC 9110, section 10.2.3): a whole number of seconds
 * ({@code 120}) or an HTTP date ({@code Wed, 21 Oct 2026 07:28:00 GMT}).
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * @param value the header's value, or {@code null} when the response has none
     * @param now the current time, to turn a date into a wait
     * @return the wait the server asks for: zero for a date in the past; empty when the value is
     *     absent, negative, or neither seconds nor an HTTP date (a retry then uses the backoff)
     */
    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            return Optional.empty();
        }
        if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Over 19 digits a long overflows; any such wait is past every cap anyway.
            return Optional.of(trimmed.length() > 18 ? Duration.ofSeconds(Long.MAX_VALUE)
                    : Duration.ofSeconds(Long.parseLong(trimmed)));
        }
        try {
            Instant date = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, date);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
    }
}
