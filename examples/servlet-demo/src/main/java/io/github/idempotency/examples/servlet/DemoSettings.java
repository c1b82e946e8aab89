package io.github.idempotency.examples.servlet;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The demo's settings, read from environment variables.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PORT}</td><td>8080</td><td>the port to listen on; 0 for any free port</td></tr>
 *   <tr><td>{@code PAYMENTS_PROCESSING_DELAY_MS}</td><td>0</td><td>the time each payment takes</td></tr>
 *   <tr><td>{@code IDEMPOTENCY_STORE}</td><td>{@code memory}</td><td>{@code memory}, {@code redis},
 *       {@code postgresql} or {@code jdbc} (any database the JDBC store supports)</td></tr>
 *   <tr><td>{@code IDEMPOTENCY_REDIS_URL}</td><td>{@value #DEFAULT_REDIS_URL}</td><td>the Redis
 *       server, for {@code redis}</td></tr>
 *   <tr><td>{@code IDEMPOTENCY_JDBC_URL}</td><td>{@value #DEFAULT_JDBC_URL}</td><td>the database,
 *       with its credentials, for {@code postgresql} and {@code jdbc}</td></tr>
 *   <tr><td>{@code IDEMPOTENCY_LEASE_MS}</td><td>the engine's (30 s)</td><td>how long an in-flight
 *       claim lasts without renewal, in milliseconds (1 to one day)</td></tr>
 * </table>
 *
 * @param port the port to listen on; 0 for any free port
 * @param processingDelay how long each payment takes
 * @param store which store keeps the idempotency entries
 * @param redisUrl the Redis server, used by {@link StoreKind#REDIS}
 * @param jdbcUrl the database, used by {@link StoreKind#POSTGRESQL} and {@link StoreKind#JDBC}
 * @param lease the lease of an in-flight claim, when it overrides the engine's default
 */
public record DemoSettings(
        int port, Duration processingDelay, StoreKind store, String redisUrl, String jdbcUrl, Optional<Duration> lease) {

    /** Redis on this machine. */
    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

    /** PostgreSQL on this machine, database {@code test}, user {@code postgres}. */
    public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    /** The longest lease {@code IDEMPOTENCY_LEASE_MS} accepts: one day. */
    private static final long MAX_LEASE_MILLIS = Duration.ofDays(1).toMillis();

    /** Where the demo keeps its idempotency entries. */
    public enum StoreKind {
        /** In this process's memory: lost on restart, not shared between instances. */
        MEMORY,
        /** Redis, at {@code IDEMPOTENCY_REDIS_URL}. */
        REDIS,
        /** PostgreSQL, at {@code IDEMPOTENCY_JDBC_URL}, which must be a {@code jdbc:postgresql:} URL. */
        POSTGRESQL,
        /** Any database the JDBC store supports, at {@code IDEMPOTENCY_JDBC_URL}. */
        JDBC;

        /** @return the name as the environment variable spells it */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param environment the environment variables, for example {@link System#getenv()}
     * @return the settings
     * @throws IllegalArgumentException if a variable has a value the demo cannot use; the message
     *     names the variable, the value and what is accepted
     */
    public static DemoSettings fromEnvironment(Map<String, String> environment) {
        int port = (int) number(environment, "PORT", 8080, 0, 65535);
        long delayMillis = number(environment, "PAYMENTS_PROCESSING_DELAY_MS", 0, 0, Long.MAX_VALUE);
        StoreKind store = storeKind(environment);
        String redisUrl = valueOr(environment, "IDEMPOTENCY_REDIS_URL", DEFAULT_REDIS_URL);
        String jdbcUrl = valueOr(environment, "IDEMPOTENCY_JDBC_URL", DEFAULT_JDBC_URL);
        if (store == StoreKind.REDIS) {
            try {
                RedisURI.create(redisUrl);
            } catch (IllegalArgumentException e) {
                throw invalid("IDEMPOTENCY_REDIS_URL", redisUrl,
                        "a Redis URI such as " + DEFAULT_REDIS_URL + " (" + e.getMessage() + ")");
            }
        }
        if (store == StoreKind.POSTGRESQL && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw invalid("IDEMPOTENCY_JDBC_URL", jdbcUrl, "a jdbc:postgresql: URL when IDEMPOTENCY_STORE=postgresql, "
                    + "such as " + DEFAULT_JDBC_URL + " (for another database set IDEMPOTENCY_STORE=jdbc)");
        }
        if ((store == StoreKind.POSTGRESQL || store == StoreKind.JDBC) && !jdbcUrl.startsWith("jdbc:")) {
            throw invalid("IDEMPOTENCY_JDBC_URL", jdbcUrl, "a JDBC URL, such as " + DEFAULT_JDBC_URL);
        }
        Optional<Duration> lease = valueOr(environment, "IDEMPOTENCY_LEASE_MS", "").isEmpty()
                ? Optional.empty()
                : Optional.of(Duration.ofMillis(number(environment, "IDEMPOTENCY_LEASE_MS", 0, 1, MAX_LEASE_MILLIS)));
        return new DemoSettings(port, Duration.ofMillis(delayMillis), store, redisUrl, jdbcUrl, lease);
    }

    private static StoreKind storeKind(Map<String, String> environment) {
        String value = valueOr(environment, "IDEMPOTENCY_STORE", StoreKind.MEMORY.value());
        for (StoreKind kind : StoreKind.values()) {
            if (kind.value().equals(value.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw invalid("IDEMPOTENCY_STORE", value, "one of "
                + Arrays.stream(StoreKind.values()).map(StoreKind::value).collect(Collectors.joining(", ")));
    }

    private static String valueOr(Map<String, String> environment, String name, String defaultValue) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static long number(Map<String, String> environment, String name, long defaultValue, long min, long max) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw invalid(name, value, "a whole number from " + min + " to " + max);
    }

    private static IllegalArgumentException invalid(String name, String value, String accepted) {
        return new IllegalArgumentException(
                "environment variable " + name + "=\"" + value + "\" is not accepted: use " + accepted);
    }
}
