package io.github.idempotency.reliability;

import java.time.Duration;
import java.util.Locale;

/**
 * The soak switch: {@code -Dsoak=true} (Maven passes it on to the tests) or the environment
 * variable {@code IDEMPOTENCY_SOAK=1}; its length per store with {@code -Dsoak.minutes=N} or
 * {@code IDEMPOTENCY_SOAK_MINUTES=N} (default 3).
 */
final class Soak {

    private static final long DEFAULT_MINUTES = 3;

    private Soak() {
    }

    static boolean enabled() {
        String value = setting("soak", "IDEMPOTENCY_SOAK");
        return value != null && switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            default -> false;
        };
    }

    /** @return how long a soaking test keeps going; zero when soak mode is off */
    static Duration duration() {
        if (!enabled()) {
            return Duration.ZERO;
        }
        String minutes = setting("soak.minutes", "IDEMPOTENCY_SOAK_MINUTES");
        if (minutes == null || minutes.isBlank()) {
            return Duration.ofMinutes(DEFAULT_MINUTES);
        }
        try {
            return Duration.ofMinutes(Long.parseLong(minutes.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("soak.minutes / IDEMPOTENCY_SOAK_MINUTES must be a whole number of"
                    + " minutes, was \"" + minutes + "\"", e);
        }
    }

    private static String setting(String property, String environmentVariable) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(environmentVariable);
    }
}
