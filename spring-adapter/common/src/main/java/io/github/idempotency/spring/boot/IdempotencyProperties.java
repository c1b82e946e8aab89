package io.github.idempotency.spring.boot;

import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.StoreFailureMode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code idempotency.*} properties: application-wide defaults for every {@code @Idempotent}
 * handler (an annotation attribute overrides its property), the engine's settings and the store.
 * Bound once at startup; not thread-safe while binding.
 */
@ConfigurationProperties(prefix = "idempotency")
public class IdempotencyProperties {

    /**
     * Whether @Idempotent handlers and @IdempotentOperation methods are guarded. When false no
     * idempotency bean is created.
     */
    private boolean enabled = true;

    /** Request header carrying the idempotency key. */
    private String headerName = "Idempotency-Key";

    /**
     * Base URI of the problem types of the library's problem+json answers: each type is this base
     * followed by its name (missing-idempotency-key, ...). Absolute, ending with a slash.
     */
    private URI problemTypeBase = IdempotencyEngine.DEFAULT_PROBLEM_BASE;

    /** HTTP methods guarded on an @Idempotent handler whose annotation names none. */
    private List<String> methods = new ArrayList<>(List.of("POST", "PATCH"));

    /**
     * Whether every @Idempotent handler answers 400 to a request without a key. When false, a
     * handler requires a key only if its annotation says keyRequired = true; other requests without
     * a key run without idempotency.
     */
    private boolean keyRequired = false;

    /** How long a stored response is kept and replayed to retries. */
    private Duration ttl = Duration.ofHours(24);

    /**
     * How long an in-flight claim stays valid without renewal. Renewed every third of it while the
     * handler runs; after a crash the key is free again once it runs out.
     */
    private Duration lease = Duration.ofSeconds(30);

    /** Largest request body accepted on a guarded request with a key; larger bodies get 413. */
    private DataSize maxRequestBody = DataSize.ofMegabytes(1);

    /**
     * Largest response body stored. A larger response still reaches the client, but it is not
     * stored and the key is released.
     */
    private DataSize maxStoredBody = DataSize.ofMegabytes(1);

    /** Which final responses are stored and replayed. */
    private StoragePolicyName storagePolicy = StoragePolicyName.DEFAULT;

    /** What a duplicate gets while the first request with its key still runs. */
    private final Concurrency concurrency = new Concurrency();

    /** What happens when the store cannot be reached when a request arrives. */
    private StoreFailureMode storeFailureMode = StoreFailureMode.FAIL_CLOSED;

    /**
     * Response headers neither stored nor replayed (case-insensitive), in addition to Set-Cookie,
     * Date, X-Auth-Token and the hop-by-hop headers, which are always excluded unless named in
     * stored-response-headers.
     */
    private List<String> excludedResponseHeaders = new ArrayList<>();

    /**
     * Headers excluded by default (Set-Cookie, Date, X-Auth-Token) that are stored and replayed
     * after all, for example Set-Cookie when every caller may receive the first caller's cookie.
     */
    private List<String> storedResponseHeaders = new ArrayList<>();

    /** Retry-After of the 409 answered while a request with the same key runs. */
    private Duration inFlightRetryAfter = Duration.ofSeconds(1);

    /** Retry-After of the 503 answered when the store cannot be reached (fail closed). */
    private Duration storeUnavailableRetryAfter = Duration.ofSeconds(5);

    /** Where stored responses live. */
    private final Store store = new Store();

    /** Encryption of what the store keeps. */
    private final Encryption encryption = new Encryption();

    /** Redaction of stored responses before they are stored. */
    private final Redaction redaction = new Redaction();

    public Encryption getEncryption() {
        return encryption;
    }

    public Redaction getRedaction() {
        return redaction;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public URI getProblemTypeBase() {
        return problemTypeBase;
    }

    public void setProblemTypeBase(URI problemTypeBase) {
        this.problemTypeBase = problemTypeBase;
    }

    public String getHeaderName() {
        return headerName;
    }

    public void setHeaderName(String headerName) {
        this.headerName = headerName;
    }

    public List<String> getMethods() {
        return methods;
    }

    public void setMethods(List<String> methods) {
        this.methods = methods;
    }

    public boolean isKeyRequired() {
        return keyRequired;
    }

    public void setKeyRequired(boolean keyRequired) {
        this.keyRequired = keyRequired;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public DataSize getMaxRequestBody() {
        return maxRequestBody;
    }

    public void setMaxRequestBody(DataSize maxRequestBody) {
        this.maxRequestBody = maxRequestBody;
    }

    public DataSize getMaxStoredBody() {
        return maxStoredBody;
    }

    public void setMaxStoredBody(DataSize maxStoredBody) {
        this.maxStoredBody = maxStoredBody;
    }

    public StoragePolicyName getStoragePolicy() {
        return storagePolicy;
    }

    public void setStoragePolicy(StoragePolicyName storagePolicy) {
        this.storagePolicy = storagePolicy;
    }

    public Concurrency getConcurrency() {
        return concurrency;
    }

    public StoreFailureMode getStoreFailureMode() {
        return storeFailureMode;
    }

    public void setStoreFailureMode(StoreFailureMode storeFailureMode) {
        this.storeFailureMode = storeFailureMode;
    }

    public List<String> getExcludedResponseHeaders() {
        return excludedResponseHeaders;
    }

    public void setExcludedResponseHeaders(List<String> excludedResponseHeaders) {
        this.excludedResponseHeaders = excludedResponseHeaders;
    }

    public List<String> getStoredResponseHeaders() {
        return storedResponseHeaders;
    }

    public void setStoredResponseHeaders(List<String> storedResponseHeaders) {
        this.storedResponseHeaders = storedResponseHeaders;
    }

    public Duration getInFlightRetryAfter() {
        return inFlightRetryAfter;
    }

    public void setInFlightRetryAfter(Duration inFlightRetryAfter) {
        this.inFlightRetryAfter = inFlightRetryAfter;
    }

    public Duration getStoreUnavailableRetryAfter() {
        return storeUnavailableRetryAfter;
    }

    public void setStoreUnavailableRetryAfter(Duration storeUnavailableRetryAfter) {
        this.storeUnavailableRetryAfter = storeUnavailableRetryAfter;
    }

    public Store getStore() {
        return store;
    }

    /** The values of {@code idempotency.storage-policy}. */
    public enum StoragePolicyName {
        /**
         * Store every final response except 5xx, 408, 425 and 429; on those the key is released
         * and a retry runs the handler again.
         */
        DEFAULT,
        /** Store every final response, server errors included (Stripe's behaviour). */
        ALL
    }

    /** The values of {@code idempotency.concurrency.mode}. */
    public enum ConcurrencyMode {
        /** Answer 409 with Retry-After at once. */
        REJECT,
        /** Wait up to {@code idempotency.concurrency.max-wait} for the first request, then replay or 409. */
        WAIT
    }

    /** The values of {@code idempotency.store.type}; each further store module adds its value. */
    public enum StoreType {
        /** The in-memory store: one JVM, entries lost on restart. */
        MEMORY,
        /**
         * Redis, at {@code idempotency.store.redis.url}, through a connection of the store's own; needs
         * {@code idempotency-store-redis} and Lettuce on the class path.
         */
        REDIS,
        /**
         * A table in the application's database, through its {@code DataSource} bean (PostgreSQL,
         * MySQL, MariaDB or H2); needs {@code idempotency-store-jdbc} on the class path.
         */
        JDBC
    }

    /** The values of {@code idempotency.store.jdbc.dialect}. */
    public enum JdbcDialectName {
        /** Detected from the database's product name and version at startup (one connection). */
        AUTO,
        /** PostgreSQL 9.5 or later. */
        POSTGRESQL,
        /** MariaDB 10.5 or later. */
        MARIADB,
        /** MySQL 8, or MariaDB before 10.5. */
        MYSQL,
        /** H2 2.x. */
        H2
    }

    /** The values of {@code idempotency.store.jdbc.time-source}. */
    public enum JdbcTimeSource {
        /** The application's clock; application servers must keep their clocks in sync. */
        CLOCK,
        /** The database server's clock, read by every statement; one clock for all application servers. */
        DATABASE
    }

    /** The values of {@code idempotency.store.jdbc.initialize-schema}. */
    public enum SchemaInitialization {
        /** Never create anything: the table comes from the application's migrations. */
        NEVER,
        /**
         * Create the table and its index at startup when they do not exist, on an embedded, in-memory
         * database only (H2 at a {@code jdbc:h2:mem:} URL): tests and demos work without
         * migrations, and no production database is changed unasked.
         */
        EMBEDDED,
        /** Create the table and its index at startup when they do not exist. */
        ALWAYS
    }

    /** {@code idempotency.concurrency.*}. */
    public static class Concurrency {

        /** Whether a duplicate of a running request is rejected with 409 at once or waits. */
        private ConcurrencyMode mode = ConcurrencyMode.REJECT;

        /** How long a duplicate waits for the first request when the mode is wait. */
        private Duration maxWait = Duration.ofSeconds(10);

        public ConcurrencyMode getMode() {
            return mode;
        }

        public void setMode(ConcurrencyMode mode) {
            this.mode = mode;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }
    }

    /** {@code idempotency.store.*}. */
    public static class Store {

        /**
         * Which store is created when the application defines no IdempotencyStore bean. A
         * user-defined IdempotencyStore bean always wins.
         */
        private StoreType type = StoreType.MEMORY;

        /** {@code idempotency.store.memory.*}. */
        private final Memory memory = new Memory();

        /** {@code idempotency.store.redis.*}. */
        private final Redis redis = new Redis();

        /** {@code idempotency.store.jdbc.*}. */
        private final Jdbc jdbc = new Jdbc();

        public StoreType getType() {
            return type;
        }

        public void setType(StoreType type) {
            this.type = type;
        }

        public Memory getMemory() {
            return memory;
        }

        public Redis getRedis() {
            return redis;
        }

        public Jdbc getJdbc() {
            return jdbc;
        }
    }

    /** {@code idempotency.store.memory.*}. */
    public static class Memory {

        /**
         * Upper bound of the memory the in-memory store's entries take (keys, headers and bodies);
         * beyond it the least recently used entries are evicted.
         */
        private DataSize maximumSize = DataSize.ofMegabytes(256);

        public DataSize getMaximumSize() {
            return maximumSize;
        }

        public void setMaximumSize(DataSize maximumSize) {
            this.maximumSize = maximumSize;
        }
    }

    /** {@code idempotency.store.redis.*}, used when the store type is redis. */
    public static class Redis {

        /**
         * Redis server the store connects to, as a Redis URI: redis://host:port/database,
         * rediss:// for TLS, credentials as redis://user:password@host, or
         * redis-sentinel://host:port,host:port#master for Sentinel. The store opens one
         * connection of its own at startup and closes it with the application context.
         */
        private String url = "redis://localhost:6379";

        /**
         * Put before every Redis key the store writes; give each application sharing a Redis
         * database its own. Must not contain braces.
         */
        private String keyPrefix = "idempotency:";

        /**
         * How long each Redis command waits for its reply; then the request gets 503 (or runs
         * without idempotency when failing open).
         */
        private Duration commandTimeout = Duration.ofSeconds(2);

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }
    }

    /** {@code idempotency.store.jdbc.*}, used when the store type is jdbc. */
    public static class Jdbc {

        /**
         * Table holding the entries: 1 to 48 letters, digits and underscores, not starting with a
         * digit. Unquoted, so the database folds its case.
         */
        private String tableName = "idempotency_entries";

        /**
         * SQL dialect of the database. auto detects it at startup, which opens a connection; name
         * the dialect to start without reaching the database.
         */
        private JdbcDialectName dialect = JdbcDialectName.AUTO;

        /** Where the current time for leases and expiry comes from. */
        private JdbcTimeSource timeSource = JdbcTimeSource.CLOCK;

        /**
         * Whether the table and its index are created at startup when missing: always, only on an
         * embedded in-memory database (embedded), or never, when the application's migrations
         * create it. Either way the startup fails when the table is then missing.
         */
        private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

        /**
         * Threads of the store's own executor that runs its calls for non-blocking callers (the
         * WebFlux adapter), so that no JDBC call waits on an event loop. Started on the first such
         * call; size it to the share of the connection pool the store may use.
         */
        private int asyncThreads = 8;

        /** {@code idempotency.store.jdbc.purge.*}. */
        private final Purge purge = new Purge();

        public int getAsyncThreads() {
            return asyncThreads;
        }

        public void setAsyncThreads(int asyncThreads) {
            this.asyncThreads = asyncThreads;
        }

        public String getTableName() {
            return tableName;
        }

        public void setTableName(String tableName) {
            this.tableName = tableName;
        }

        public JdbcDialectName getDialect() {
            return dialect;
        }

        public void setDialect(JdbcDialectName dialect) {
            this.dialect = dialect;
        }

        public JdbcTimeSource getTimeSource() {
            return timeSource;
        }

        public void setTimeSource(JdbcTimeSource timeSource) {
            this.timeSource = timeSource;
        }

        public SchemaInitialization getInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(SchemaInitialization initializeSchema) {
            this.initializeSchema = initializeSchema;
        }

        public Purge getPurge() {
            return purge;
        }
    }

    /** {@code idempotency.store.jdbc.purge.*}: deleting expired rows on a schedule. */
    public static class Purge {

        /**
         * Whether expired rows are deleted on a schedule, by one background thread of this
         * application. Correctness never depends on it; it only keeps the table small.
         */
        private boolean enabled = false;

        /** Time from the end of one purge run to the start of the next. */
        private Duration interval = Duration.ofMinutes(1);

        /**
         * Most rows one DELETE statement removes. A run repeats the statement while it removes a
         * full batch, at most 10 times.
         */
        private int batchSize = 5000;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }
    }

    /**
     * {@code idempotency.encryption.*}: AES-GCM encryption of every stored response and HMAC
     * fingerprints. Key material is base64 (write it as a placeholder, {@code ${IDEMPOTENCY_KEY_1}},
     * to read it from an environment variable), or comes from a {@code KeyProvider} bean, which
     * takes precedence. {@link #toString()} masks every key.
     */
    public static class Encryption {

        /**
         * Whether stored responses are encrypted and stored fingerprints are HMACs. Needs
         * idempotency.encryption.keys and idempotency.encryption.fingerprint-key, or a KeyProvider bean.
         */
        private boolean enabled = false;

        /**
         * AES keys by key id (letters, digits, '.', '_', '-'), each 16, 24 or 32 bytes in base64
         * (openssl rand -base64 32). Records written under a key stay readable while it is listed.
         */
        private Map<String, String> keys = new LinkedHashMap<>();

        /** Id of the key new records are encrypted under; may be empty when there is only one key. */
        private String currentKeyId = "";

        /**
         * HMAC key of stored fingerprints, at least 16 bytes in base64, a secret of its own (not
         * one of the encryption keys).
         */
        private String fingerprintKey = "";

        /** Earlier fingerprint keys, still accepted when comparing a stored fingerprint (rotation). */
        private List<String> previousFingerprintKeys = new ArrayList<>();

        /**
         * Whether records written before encryption was enabled are still replayed as they are.
         * Turn it on while enabling encryption on a store with records, and off again one TTL later.
         */
        private boolean acceptUnencryptedRecords = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Map<String, String> getKeys() {
            return keys;
        }

        public void setKeys(Map<String, String> keys) {
            this.keys = keys;
        }

        public String getCurrentKeyId() {
            return currentKeyId;
        }

        public void setCurrentKeyId(String currentKeyId) {
            this.currentKeyId = currentKeyId;
        }

        public String getFingerprintKey() {
            return fingerprintKey;
        }

        public void setFingerprintKey(String fingerprintKey) {
            this.fingerprintKey = fingerprintKey;
        }

        public List<String> getPreviousFingerprintKeys() {
            return previousFingerprintKeys;
        }

        public void setPreviousFingerprintKeys(List<String> previousFingerprintKeys) {
            this.previousFingerprintKeys = previousFingerprintKeys;
        }

        public boolean isAcceptUnencryptedRecords() {
            return acceptUnencryptedRecords;
        }

        public void setAcceptUnencryptedRecords(boolean acceptUnencryptedRecords) {
            this.acceptUnencryptedRecords = acceptUnencryptedRecords;
        }

        /** @return the settings with every key masked */
        @Override
        public String toString() {
            return "Encryption[enabled=" + enabled + ", keys=" + keys.keySet() + ", currentKeyId=" + currentKeyId
                    + ", fingerprintKey=" + (fingerprintKey.isEmpty() ? "(none)" : "(masked)")
                    + ", previousFingerprintKeys=" + previousFingerprintKeys.size() + ", acceptUnencryptedRecords="
                    + acceptUnencryptedRecords + "]";
        }
    }

    /**
     * {@code idempotency.redaction.*}: values removed from JSON response bodies before they are
     * stored. The first client gets the original; a replay gets the redacted body and
     * Idempotent-Redacted: true. A {@code ResponseRedactor} bean takes precedence.
     */
    public static class Redaction {

        /**
         * Field paths in JSON response bodies whose values are not stored: member names separated by
         * dots, * for every member, arrays walked through (card.number, items.token).
         */
        private List<String> jsonPaths = new ArrayList<>();

        /** What replaces a redacted value in the stored body. */
        private String replacement = "[REDACTED]";

        /** Whether redacted members are removed from the stored body instead of replaced. */
        private boolean remove = false;

        public List<String> getJsonPaths() {
            return jsonPaths;
        }

        public void setJsonPaths(List<String> jsonPaths) {
            this.jsonPaths = jsonPaths;
        }

        public String getReplacement() {
            return replacement;
        }

        public void setReplacement(String replacement) {
            this.replacement = replacement;
        }

        public boolean isRemove() {
            return remove;
        }

        public void setRemove(boolean remove) {
            this.remove = remove;
        }
    }
}
