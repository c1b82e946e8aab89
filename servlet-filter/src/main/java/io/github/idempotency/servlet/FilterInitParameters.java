package io.github.idempotency.servlet;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.StoragePolicy;
import io.github.idempotency.core.StoreFailureMode;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import io.github.idempotency.core.protect.EncryptionKeys;
import io.github.idempotency.core.protect.ResponseRedactor;
import io.github.idempotency.core.protect.StoreProtection;
import io.github.idempotency.core.store.IdempotencyStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filter's init-parameters, parsed and checked. Every bad value is reported with the
 * parameter's name, the value and what is accepted.
 */
final class FilterInitParameters {

    static final String KEY_HEADER = "key-header";
    static final String METHODS = "methods";
    static final String PATHS = "paths";
    static final String TTL = "ttl";
    static final String LEASE = "lease";
    static final String KEY_REQUIRED = "key-required";
    static final String MAX_REQUEST_BODY = "max-request-body";
    static final String MAX_STORED_BODY = "max-stored-body";
    static final String STORAGE_POLICY = "storage-policy";
    static final String CONCURRENCY = "concurrency";
    static final String STORE_FAILURE_MODE = "store-failure-mode";
    static final String FINGERPRINT = "fingerprint";
    static final String EXCLUDED_RESPONSE_HEADERS = "excluded-response-headers";
    static final String STORED_RESPONSE_HEADERS = "stored-response-headers";
    static final String ENCRYPTION_KEYS = "encryption-keys";
    static final String ENCRYPTION_CURRENT_KEY_ID = "encryption-current-key-id";
    static final String ENCRYPTION_FINGERPRINT_KEY = "encryption-fingerprint-key";
    static final String REDACTED_JSON_FIELDS = "redacted-json-fields";

    private static final List<String> KNOWN = List.of(KEY_HEADER, METHODS, PATHS, TTL, LEASE, KEY_REQUIRED,
            MAX_REQUEST_BODY, MAX_STORED_BODY, STORAGE_POLICY, CONCURRENCY, STORE_FAILURE_MODE, FINGERPRINT,
            EXCLUDED_RESPONSE_HEADERS, STORED_RESPONSE_HEADERS, ENCRYPTION_KEYS, ENCRYPTION_CURRENT_KEY_ID,
            ENCRYPTION_FINGERPRINT_KEY, REDACTED_JSON_FIELDS);
    /** Settings of the engine (and its store) rather than of the filter's endpoints. */
    private static final List<String> ENGINE_SETTINGS = List.of(KEY_HEADER, STORE_FAILURE_MODE, ENCRYPTION_KEYS,
            ENCRYPTION_CURRENT_KEY_ID, ENCRYPTION_FINGERPRINT_KEY, REDACTED_JSON_FIELDS);
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final Map<String, String> values;

    private FilterInitParameters(Map<String, String> values) {
        this.values = values;
    }

    static FilterInitParameters read(FilterConfig config) throws ServletException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : Collections.list(config.getInitParameterNames())) {
            if (!KNOWN.contains(name)) {
                throw new ServletException("unknown init-parameter \"" + name + "\" of filter "
                        + config.getFilterName() + "; known parameters: " + String.join(", ", KNOWN));
            }
            values.put(name, config.getInitParameter(name).trim());
        }
        return new FilterInitParameters(values);
    }

    /** @throws ServletException if an engine setting is given for an engine built elsewhere */
    void requireNoEngineSettings(String engineSource) throws ServletException {
        for (String name : ENGINE_SETTINGS) {
            if (values.containsKey(name)) {
                throw new ServletException("init-parameter \"" + name + "\" cannot apply to the engine "
                        + engineSource + "; set it on that engine's builder instead");
            }
        }
    }

    IdempotencyEngine.Builder configure(IdempotencyEngine.Builder engine) throws ServletException {
        String header = values.get(KEY_HEADER);
        if (header != null) {
            if (!TOKEN.matcher(header).matches()) {
                throw invalid(KEY_HEADER, header, "an HTTP header name such as Idempotency-Key");
            }
            engine.keyHeader(header);
        }
        String mode = values.get(STORE_FAILURE_MODE);
        if (mode != null) {
            engine.storeFailureMode(switch (mode.toLowerCase(Locale.ROOT)) {
                case "fail-closed" -> StoreFailureMode.FAIL_CLOSED;
                case "fail-open" -> StoreFailureMode.FAIL_OPEN;
                default -> throw invalid(STORE_FAILURE_MODE, mode, "fail-closed or fail-open");
            });
        }
        return engine;
    }

    /**
     * Protects the store the filter builds its engine on, when the encryption or redaction
     * parameters ask for it. Key material is never an init-parameter: the parameters name the
     * environment variables that hold it (base64), and no message shows it.
     *
     * @param store the store
     * @param environment looks up an environment variable ({@code System::getenv})
     * @return {@code store}, protected as the parameters say; {@code store} itself when they say nothing
     * @throws ServletException naming the parameter, for a malformed value, an unset variable or a bad key
     */
    IdempotencyStore protect(IdempotencyStore store, Function<String, String> environment) throws ServletException {
        String keys = values.get(ENCRYPTION_KEYS);
        String fields = values.get(REDACTED_JSON_FIELDS);
        StoreProtection.Builder protection = StoreProtection.builder();
        if (keys == null && (values.containsKey(ENCRYPTION_CURRENT_KEY_ID) || values.containsKey(ENCRYPTION_FINGERPRINT_KEY))) {
            throw new ServletException("init-parameter " + ENCRYPTION_KEYS + " is missing: " + ENCRYPTION_CURRENT_KEY_ID
                    + " and " + ENCRYPTION_FINGERPRINT_KEY + " apply only with encryption keys");
        }
        if (keys != null) {
            protection.encryption(encryptionKeys(keys, environment));
        }
        if (fields != null) {
            try {
                protection.redactor(ResponseRedactor.jsonFields(list(fields).toArray(String[]::new)));
            } catch (IllegalArgumentException e) {
                throw invalid(REDACTED_JSON_FIELDS, fields, e.getMessage());
            }
        }
        return keys == null && fields == null ? store : protection.build().protect(store);
    }

    private EncryptionKeys encryptionKeys(String keys, Function<String, String> environment) throws ServletException {
        String fingerprintVariable = values.get(ENCRYPTION_FINGERPRINT_KEY);
        if (fingerprintVariable == null) {
            throw new ServletException("init-parameter " + ENCRYPTION_FINGERPRINT_KEY + " is missing: with "
                    + ENCRYPTION_KEYS + " it names the environment variable holding the fingerprint key (base64 of 32"
                    + " random bytes, a secret of its own)");
        }
        try {
            EncryptionKeys.Builder builder = EncryptionKeys.builder();
            List<String> pairs = list(keys);
            String current = values.get(ENCRYPTION_CURRENT_KEY_ID);
            if (current == null && pairs.size() > 1) {
                throw new ServletException("init-parameter " + ENCRYPTION_CURRENT_KEY_ID + " is missing: "
                        + ENCRYPTION_KEYS + " names " + pairs.size() + " keys, so say which one new records use");
            }
            for (String pair : pairs) {
                String[] idAndVariable = pair.split("=", 2);
                if (idAndVariable.length != 2 || !VARIABLE.matcher(idAndVariable[1].trim()).matches()) {
                    throw invalid(ENCRYPTION_KEYS, keys, "comma-separated <key id>=<environment variable> pairs, such as"
                            + " k1=IDEMPOTENCY_KEY_1, k2=IDEMPOTENCY_KEY_2");
                }
                String id = idAndVariable[0].trim();
                builder.key(id, variable(ENCRYPTION_KEYS, idAndVariable[1].trim(), environment, "encryption key " + id));
            }
            if (current != null) {
                builder.currentKeyId(current);
            }
            builder.fingerprintKey(variable(ENCRYPTION_FINGERPRINT_KEY, fingerprintVariable, environment, "fingerprint key"));
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException("invalid encryption init-parameters: " + e.getMessage(), e);
        }
    }

    private static byte[] variable(String parameter, String name, Function<String, String> environment, String what)
            throws ServletException {
        if (!VARIABLE.matcher(name).matches()) {
            throw invalid(parameter, name, "the name of an environment variable holding the base64 key");
        }
        String value = environment.apply(name);
        if (value == null || value.isBlank()) {
            throw new ServletException("the environment variable " + name + " named by init-parameter " + parameter
                    + " is not set; it holds the " + what + " in base64 (openssl rand -base64 32)");
        }
        return EncryptionKeys.decodeBase64(what + " (environment variable " + name + ")", value);
    }

    EndpointPolicy policy() throws ServletException {
        EndpointPolicy.Builder policy = EndpointPolicy.builder();
        String methods = values.get(METHODS);
        if (methods != null) {
            List<String> list = list(methods);
            if (list.isEmpty() || !list.stream().allMatch(m -> TOKEN.matcher(m).matches())) {
                throw invalid(METHODS, methods, "a comma-separated list of HTTP methods such as POST,PATCH");
            }
            policy.methods(list.toArray(String[]::new));
        }
        String ttl = values.get(TTL);
        if (ttl != null) {
            policy.ttl(positiveDuration(TTL, ttl));
        }
        String lease = values.get(LEASE);
        if (lease != null) {
            policy.lease(positiveDuration(LEASE, lease));
        }
        String required = values.get(KEY_REQUIRED);
        if (required != null) {
            policy.keyRequired(bool(KEY_REQUIRED, required));
        }
        String maxRequest = values.get(MAX_REQUEST_BODY);
        if (maxRequest != null) {
            policy.maxRequestBodyBytes(size(MAX_REQUEST_BODY, maxRequest));
        }
        String maxStored = values.get(MAX_STORED_BODY);
        if (maxStored != null) {
            policy.maxStoredBodyBytes(size(MAX_STORED_BODY, maxStored));
        }
        String storage = values.get(STORAGE_POLICY);
        if (storage != null) {
            policy.storagePolicy(switch (storage.toLowerCase(Locale.ROOT)) {
                case "default" -> StoragePolicy.defaults();
                case "all" -> StoragePolicy.storeAll();
                default -> throw invalid(STORAGE_POLICY, storage,
                        "default (store all but 5xx, 408, 425, 429) or all (store every response)");
            });
        }
        String concurrency = values.get(CONCURRENCY);
        if (concurrency != null) {
            policy.concurrency(concurrency(concurrency));
        }
        String fingerprint = values.get(FINGERPRINT);
        if (fingerprint != null) {
            policy.fingerprint(switch (fingerprint.toLowerCase(Locale.ROOT)) {
                case "sha256" -> FingerprintStrategy.sha256();
                case "json" -> FingerprintStrategy.canonicalJson();
                default -> throw invalid(FINGERPRINT, fingerprint,
                        "sha256 (exact body bytes) or json (JSON bodies in canonical form)");
            });
        }
        policy.excludedResponseHeaders(headerNames(EXCLUDED_RESPONSE_HEADERS,
                "a comma-separated list of header names, excluded in addition to Set-Cookie, Date and X-Auth-Token"));
        String[] stored = headerNames(STORED_RESPONSE_HEADERS,
                "a comma-separated list of the headers excluded by default (Set-Cookie, Date, X-Auth-Token) to store after all");
        try {
            policy.storedResponseHeaders(stored);
        } catch (IllegalArgumentException e) {
            throw invalid(STORED_RESPONSE_HEADERS, values.get(STORED_RESPONSE_HEADERS), e.getMessage());
        }
        return policy.build();
    }

    private String[] headerNames(String parameter, String accepted) throws ServletException {
        String value = values.get(parameter);
        if (value == null) {
            return new String[0];
        }
        List<String> names = list(value);
        if (!names.stream().allMatch(n -> TOKEN.matcher(n).matches())) {
            throw invalid(parameter, value, accepted);
        }
        return names.toArray(String[]::new);
    }

    PathPatterns paths() throws ServletException {
        String paths = values.get(PATHS);
        if (paths == null) {
            return PathPatterns.of(List.of("/*"));
        }
        try {
            return PathPatterns.of(list(paths));
        } catch (IllegalArgumentException e) {
            throw new ServletException("invalid init-parameter " + PATHS + "=\"" + paths + "\": " + e.getMessage(), e);
        }
    }

    private static ConcurrencyPolicy concurrency(String value) throws ServletException {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("reject")) {
            return ConcurrencyPolicy.reject();
        }
        if (lower.startsWith("wait:")) {
            Duration wait = parseDuration(value.substring("wait:".length()).trim());
            if (wait != null && !wait.isNegative() && !wait.isZero()) {
                return ConcurrencyPolicy.waitUpTo(wait);
            }
        }
        throw invalid(CONCURRENCY, value,
                "reject (answer 409 at once) or wait:<duration> (for example wait:5s) to wait for the first request");
    }

    private static Duration positiveDuration(String name, String value) throws ServletException {
        Duration duration = parseDuration(value);
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw invalid(name, value, "a positive duration such as 500ms, 30s, 10m, 24h, 7d or PT24H");
        }
        return duration;
    }

    /** @return the duration, or {@code null} if the value is not one */
    private static Duration parseDuration(String value) {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            try {
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } catch (ArithmeticException | NumberFormatException tooLarge) {
                return null;
            }
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException notIso) {
            return null;
        }
    }

    private static long size(String name, String value) throws ServletException {
        Matcher m = SIZE.matcher(value);
        if (m.matches()) {
            String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
            int shift = switch (unit) {
                case "KB", "KIB" -> 10;
                case "MB", "MIB" -> 20;
                case "GB", "GIB" -> 30;
                default -> 0;
            };
            try {
                long amount = Long.parseLong(m.group(1));
                if (amount <= (Long.MAX_VALUE >> shift)) {
                    return amount << shift;
                }
            } catch (NumberFormatException tooLarge) {
                // reported below
            }
        }
        throw invalid(name, value, "a size in bytes such as 1048576, 64KB or 1MB (KB and MB are 1024-based)");
    }

    private static boolean bool(String name, String value) throws ServletException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, value, "true or false");
        };
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static ServletException invalid(String name, String value, String accepted) {
        return new ServletException("invalid init-parameter " + name + "=\"" + value + "\": expected " + accepted);
    }
}
