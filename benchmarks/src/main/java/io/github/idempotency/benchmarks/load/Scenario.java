package io.github.idempotency.benchmarks.load;

/** One row of the end-to-end table: a server setup under one kind of keys. */
enum Scenario {

    BARE("bare", "endpoint alone (baseline)", ServerSetup.BARE, LoadGenerator.Keys.FRESH),
    FILTER_FRESH("filter", "filter, in-memory store, new key per request",
            ServerSetup.FILTER_IN_MEMORY, LoadGenerator.Keys.FRESH),
    FILTER_REPLAY("filter-replay", "filter, in-memory store, one key replayed",
            ServerSetup.FILTER_IN_MEMORY, LoadGenerator.Keys.FIXED),
    FILTER_REDIS("filter-redis", "filter, Redis store, new key per request",
            ServerSetup.FILTER_REDIS, LoadGenerator.Keys.FRESH),
    FILTER_POSTGRESQL("filter-postgresql", "filter, PostgreSQL store, new key per request",
            ServerSetup.FILTER_POSTGRESQL, LoadGenerator.Keys.FRESH);

    private final String id;
    private final String description;
    private final ServerSetup setup;
    private final LoadGenerator.Keys keys;

    Scenario(String id, String description, ServerSetup setup, LoadGenerator.Keys keys) {
        this.id = id;
        this.description = description;
        this.setup = setup;
        this.keys = keys;
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
