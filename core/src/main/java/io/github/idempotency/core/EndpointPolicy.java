package io.github.idempotency.core;

import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one endpoint (or a group of endpoints) is guarded. Immutable; build with {@link #builder()}
 * or take {@link #defaults()}.
 *
 * @param methods the guarded HTTP methods, upper case; others pass through untouched
 *     (default {@code POST}, {@code PATCH})
 * @param keyRequired whether a guarded request without a key is rejected with {@code 400}
 *     (default {@code false}: it passes through without idempotency, as with Stripe)
 * @param ttl how long a completed response is kept and replayed (default 24 h)
 * @param lease how long an in-flight claim stays valid without renewal (default 30 s); the
 *     engine renews it every third of the lease while the handler runs
 * @param fingerprint which parts of the request must match on a retry (default SHA-256 of method,
 *     route, path, query, content type and body)
 * @param storagePolicy which final statuses are stored (default all but 5xx, 408, 425, 429)
 * @param concurrency what a duplicate gets while the first request runs (default {@code 409})
 * @param maxRequestBodyBytes the largest request body accepted on a guarded request (default
 *     1 MiB); larger bodies get {@code 413}
 * @param maxStoredBodyBytes the largest response body stored (default 1 MiB); a larger response
 *     reaches the client whole and is recorded with its status and headers but without its body
 *     (a replay says so in {@value IdempotencyEngine#BODY_OMITTED_HEADER})
 * @param excludedResponseHeaders response headers neither stored nor replayed, lower case
 *     (default {@link #DEFAULT_EXCLUDED_RESPONSE_HEADERS}); hop-by-hop headers are always excluded
 */
public record EndpointPolicy(
        Set<String> methods,
        boolean keyRequired,
        Duration ttl,
        Duration lease,
        FingerprintStrategy fingerprint,
        StoragePolicy storagePolicy,
        ConcurrencyPolicy concurrency,
        long maxRequestBodyBytes,
        long maxStoredBodyBytes,
        Set<String> excludedResponseHeaders) {

    /** Headers that describe one connection and are never stored or replayed (RFC 9110 7.6.1). */
    public static final Set<String> HOP_BY_HOP_HEADERS = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
            "te", "trailer", "transfer-encoding", "upgrade");

    /**
     * Headers excluded unless a policy stores them explicitly
     * ({@link Builder#storedResponseHeaders(String...)}): {@code set-cookie} and {@code x-auth-token}
     * (Spring Session's header session id) are credentials of the first caller, {@code date} is
     * the time of the first response.
     */
    public static final Set<String> DEFAULT_EXCLUDED_RESPONSE_HEADERS = Set.of("set-cookie", "date", "x-auth-token");

    private static final EndpointPolicy DEFAULTS = builder().build();

    public EndpointPolicy {
        methods = upperCase(methods);
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(storagePolicy, "storagePolicy");
        Objects.requireNonNull(concurrency, "concurrency");
        requirePositive(ttl, "ttl");
        requirePositive(lease, "lease");
        if (maxRequestBodyBytes < 0 || maxStoredBodyBytes < 0) {
            throw new IllegalArgumentException("body limits must not be negative");
        }
        TreeSet<String> excluded = new TreeSet<>(HOP_BY_HOP_HEADERS);
        excludedResponseHeaders.forEach(h -> excluded.add(h.toLowerCase(Locale.ROOT)));
        excludedResponseHeaders = Set.copyOf(excluded);
    }

    /** @return the default policy (see the component descriptions) */
    public static EndpointPolicy defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from this policy */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param method an HTTP method
     * @return whether requests with this method are guarded
     */
    public boolean guards(String method) {
        return methods.contains(method) || methods.contains(method.toUpperCase(Locale.ROOT));
    }

    /**
     * @param headerName a response header name
     * @return whether the header is stored and replayed
     */
    public boolean storesHeader(String headerName) {
        // A scan of the few names, most of another length, costs less than a lower-cased copy to look up.
        for (String excluded : excludedResponseHeaders) {
            if (excluded.equalsIgnoreCase(headerName)) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> upperCase(Set<String> methods) {
        TreeSet<String> upper = new TreeSet<>();
        methods.forEach(m -> upper.add(m.toUpperCase(Locale.ROOT)));
        return Set.copyOf(upper);
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    /** Builds an {@link EndpointPolicy}. Not thread-safe. */
    public static final class Builder {
        private Set<String> methods = Set.of("POST", "PATCH");
        private boolean keyRequired = false;
        private Duration ttl = Duration.ofHours(24);
        private Duration lease = Duration.ofSeconds(30);
        private FingerprintStrategy fingerprint;
        private StoragePolicy storagePolicy = StoragePolicy.defaults();
        private ConcurrencyPolicy concurrency = ConcurrencyPolicy.reject();
        private long maxRequestBodyBytes = 1024 * 1024;
        private long maxStoredBodyBytes = 1024 * 1024;
        private Set<String> excludedResponseHeaders = Set.of();
        private Set<String> storedResponseHeaders = Set.of();

        private Builder() {
        }

        private Builder(EndpointPolicy p) {
            methods = p.methods;
            keyRequired = p.keyRequired;
            ttl = p.ttl;
            lease = p.lease;
            fingerprint = p.fingerprint;
            storagePolicy = p.storagePolicy;
            concurrency = p.concurrency;
            maxRequestBodyBytes = p.maxRequestBodyBytes;
            maxStoredBodyBytes = p.maxStoredBodyBytes;
            TreeSet<String> added = new TreeSet<>(p.excludedResponseHeaders);
            added.removeAll(HOP_BY_HOP_HEADERS);
            added.removeAll(DEFAULT_EXCLUDED_RESPONSE_HEADERS);
            excludedResponseHeaders = Set.copyOf(added);
            TreeSet<String> stored = new TreeSet<>(DEFAULT_EXCLUDED_RESPONSE_HEADERS);
            stored.removeAll(p.excludedResponseHeaders);
            storedResponseHeaders = Set.copyOf(stored);
        }

        /** @param methods the guarded methods @return this */
        public Builder methods(String... methods) {
            this.methods = Set.of(methods);
            return this;
        }

        /** @param keyRequired whether a missing key is a {@code 400} @return this */
        public Builder keyRequired(boolean keyRequired) {
            this.keyRequired = keyRequired;
            return this;
        }

        /** @param ttl how long responses are kept @return this */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** @param lease how long a claim lives without renewal @return this */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** @param fingerprint the fingerprint strategy @return this */
        public Builder fingerprint(FingerprintStrategy fingerprint) {
            this.fingerprint = fingerprint;
            return this;
        }

        /** @param storagePolicy which statuses are stored @return this */
        public Builder storagePolicy(StoragePolicy storagePolicy) {
            this.storagePolicy = storagePolicy;
            return this;
        }

        /** @param concurrency what duplicates get while the first runs @return this */
        public Builder concurrency(ConcurrencyPolicy concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /** @param bytes the request body limit @return this */
        public Builder maxRequestBodyBytes(long bytes) {
            this.maxRequestBodyBytes = bytes;
            return this;
        }

        /** @param bytes the stored response body limit @return this */
        public Builder maxStoredBodyBytes(long bytes) {
            this.maxStoredBodyBytes = bytes;
            return this;
        }

        /**
         * @param headerNames response headers never stored nor replayed, in addition to
         *     {@link #DEFAULT_EXCLUDED_RESPONSE_HEADERS} and the hop-by-hop headers (replacing the
         *     names given by an earlier call)
         * @return this
         */
        public Builder excludedResponseHeaders(String... headerNames) {
            this.excludedResponseHeaders = lowerCase(headerNames);
            return this;
        }

        /**
         * @param headerNames headers of {@link #DEFAULT_EXCLUDED_RESPONSE_HEADERS} that are stored
         *     and replayed after all, for example {@code Set-Cookie} when every caller may see the
         *     first caller's cookie; hop-by-hop headers cannot be stored (replacing the names given
         *     by an earlier call)
         * @return this
         * @throws IllegalArgumentException if a name is not one of the default exclusions
         */
        public Builder storedResponseHeaders(String... headerNames) {
            Set<String> names = lowerCase(headerNames);
            for (String name : names) {
                if (!DEFAULT_EXCLUDED_RESPONSE_HEADERS.contains(name)) {
                    throw new IllegalArgumentException("only the headers excluded by default "
                            + new TreeSet<>(DEFAULT_EXCLUDED_RESPONSE_HEADERS) + " can be stored explicitly, not "
                            + name + (HOP_BY_HOP_HEADERS.contains(name) ? " (a hop-by-hop header)" : " (stored anyway)"));
                }
            }
            this.storedResponseHeaders = names;
            return this;
        }

        private static Set<String> lowerCase(String... headerNames) {
            TreeSet<String> names = new TreeSet<>();
            for (String name : headerNames) {
                names.add(name.toLowerCase(Locale.ROOT));
            }
            return Set.copyOf(names);
        }

        /** @return the policy */
        public EndpointPolicy build() {
            TreeSet<String> excluded = new TreeSet<>(DEFAULT_EXCLUDED_RESPONSE_HEADERS);
            excluded.removeAll(storedResponseHeaders);
            excluded.addAll(excludedResponseHeaders);
            return new EndpointPolicy(methods, keyRequired, ttl, lease,
                    fingerprint != null ? fingerprint : FingerprintStrategy.sha256(),
                    storagePolicy, concurrency, maxRequestBodyBytes, maxStoredBodyBytes, excluded);
        }
    }
}
