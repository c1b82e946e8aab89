package io.github.idempotency.benchmarks.load;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One row of the end-to-end table: a server setup under one kind of keys, posting one JSON body to
 * one path ({@code /payments} with {@link LoadGenerator#PAYMENT} unless said otherwise).
 */
enum Scenario {

    BARE("bare", "endpoint alone on Jetty (baseline)", ServerSetup.BARE, LoadGenerator.Keys.FRESH, null),
    FILTER_FRESH("filter", "filter, in-memory store, new key per request",
            ServerSetup.FILTER_IN_MEMORY, LoadGenerator.Keys.FRESH, BARE),
    FILTER_REPLAY("filter-replay", "filter, in-memory store, one key replayed",
            ServerSetup.FILTER_IN_MEMORY, LoadGenerator.Keys.FIXED, BARE),
    FILTER_REDIS("filter-redis", "filter, Redis store, new key per request",
            ServerSetup.FILTER_REDIS, LoadGenerator.Keys.FRESH, BARE),
    FILTER_POSTGRESQL("filter-postgresql", "filter, PostgreSQL store, new key per request",
            ServerSetup.FILTER_POSTGRESQL, LoadGenerator.Keys.FRESH, BARE),
    SPRING_BARE("spring", "Spring Boot endpoint alone (Spring baseline)",
            ServerSetup.SPRING_BARE, LoadGenerator.Keys.FRESH, null),
    SPRING_INTERCEPTOR("spring-interceptor", "Spring Boot, @Idempotent, in-memory store, new key per request",
            ServerSetup.SPRING_INTERCEPTOR, LoadGenerator.Keys.FRESH, SPRING_BARE),
    SPRING_REPLAY("spring-replay", "Spring Boot, @Idempotent, in-memory store, one key replayed",
            ServerSetup.SPRING_INTERCEPTOR, LoadGenerator.Keys.FIXED, SPRING_BARE),
    WEBFLUX_BARE("webflux", "Spring WebFlux endpoint alone (WebFlux baseline)",
            ServerSetup.WEBFLUX_BARE, LoadGenerator.Keys.FRESH, null),
    WEBFLUX_FRESH("webflux-idempotent", "Spring WebFlux, @Idempotent, in-memory store, new key per request",
            ServerSetup.WEBFLUX_IN_MEMORY, LoadGenerator.Keys.FRESH, WEBFLUX_BARE),
    WEBFLUX_REPLAY("webflux-replay", "Spring WebFlux, @Idempotent, in-memory store, one key replayed",
            ServerSetup.WEBFLUX_IN_MEMORY, LoadGenerator.Keys.FIXED, WEBFLUX_BARE),
    WEBFLUX_REDIS("webflux-redis", "Spring WebFlux, @Idempotent, Redis store, new key per request",
            ServerSetup.WEBFLUX_REDIS, LoadGenerator.Keys.FRESH, WEBFLUX_BARE),
    /** Not in the default set: run with {@code --scenarios=}. */
    SPRING_BODY_BARE("spring-body", "Spring Boot, 200-byte JSON bound with @RequestBody (baseline)",
            ServerSetup.SPRING_BARE, LoadGenerator.Keys.FRESH, null, "/orders", LoadGenerator.ORDER, false),
    /** Not in the default set: run with {@code --scenarios=}. */
    SPRING_BODY_INTERCEPTOR("spring-body-interceptor",
            "Spring Boot, 200-byte JSON bound with @RequestBody, @Idempotent, in-memory store, new key per request",
            ServerSetup.SPRING_INTERCEPTOR, LoadGenerator.Keys.FRESH, SPRING_BODY_BARE, "/orders",
            LoadGenerator.ORDER, false);

    private final String id;
    private final String description;
    private final ServerSetup setup;
    private final LoadGenerator.Keys keys;
    private final Scenario baseline;
    private final String path;
    private final byte[] body;
    private final boolean byDefault;

    Scenario(String id, String description, ServerSetup setup, LoadGenerator.Keys keys, Scenario baseline) {
        this(id, description, setup, keys, baseline, ServerSetup.ENDPOINT, LoadGenerator.PAYMENT, true);
    }

    Scenario(String id, String description, ServerSetup setup, LoadGenerator.Keys keys, Scenario baseline,
            String path, byte[] body, boolean byDefault) {
        this.id = id;
        this.description = description;
        this.setup = setup;
        this.keys = keys;
        this.baseline = baseline;
        this.path = path;
        this.body = body;
        this.byDefault = byDefault;
    }

    /** @return the scenarios run without {@code --scenarios=} */
    static List<Scenario> defaults() {
        return Arrays.stream(values()).filter(scenario -> scenario.byDefault).toList();
    }

    /** @return the name used on the command line and in the table */
    String id() {
        return id;
    }

    String description() {
        return description;
    }

    ServerSetup setup() {
        return setup;
    }

    LoadGenerator.Keys keys() {
        return keys;
    }

    /** @return the path every request is posted to */
    String path() {
        return path;
    }

    /** @return the JSON body every request carries; not to be modified */
    byte[] body() {
        return body;
    }

    /** @return the same endpoint without the library, if this scenario has the library */
    Optional<Scenario> baseline() {
        return Optional.ofNullable(baseline);
    }

    /** @throws IllegalArgumentException naming the known scenarios */
    static Scenario byId(String id) {
        for (Scenario scenario : values()) {
            if (scenario.id.equals(id)) {
                return scenario;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + id + "', known: " + ids());
    }

    static String ids() {
        StringBuilder ids = new StringBuilder();
        for (Scenario scenario : values()) {
            ids.append(ids.length() == 0 ? "" : ",").append(scenario.id);
        }
        return ids.toString();
    }
}
