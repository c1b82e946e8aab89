package io.github.idempotency.spring.internal;

import java.time.Duration;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

/** Reads the duration attributes of the library's annotations ({@code ttl = "24h"}, {@code maxWait = "5s"}). */
public final class AnnotationDurations {

    private AnnotationDurations() {
    }

    /**
     * @param value the attribute's value, as written: {@code 500ms}, {@code 30s}, {@code 10m},
     *     {@code 24h}, {@code 7d} or ISO-8601 ({@code PT10M}); surrounding white space is ignored
     * @param attribute the attribute's name, for the message
     * @return the duration, zero or positive
     * @throws IllegalArgumentException if the value is not a duration (the parser's exception is
     *     the cause) or is negative; the message names the attribute and its value
     */
    public static Duration parse(String value, String attribute) {
        Duration duration;
        try {
            duration = DurationFormatterUtils.detectAndParse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(attribute + " = \"" + value + "\" is not a duration; write it as 500ms,"
                    + " 30s, 10m, 24h, 7d or in ISO-8601 (PT10M)", e);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException(attribute + " = \"" + value + "\" is negative");
        }
        return duration;
    }
}
