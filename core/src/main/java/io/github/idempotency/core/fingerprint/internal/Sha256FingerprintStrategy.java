package io.github.idempotency.core.fingerprint.internal;

import io.github.idempotency.core.RequestView;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fingerprint strategy behind {@link FingerprintStrategy#sha256()},
 * {@link FingerprintStrategy#canonicalJson()} and the builder: SHA-256 over an unambiguous encoding
 * of the request.
 *
 * <p>The digest input is, in this order, each string as a 4-byte big-endian UTF-8 length and the
 * bytes: the method; the route; the path; the number of query parameters and each parameter; the
 * content type (a presence byte, then the string); the number of included headers and, per header
 * in name order, its lower-case name, its number of lines and each line's value; a body form byte
 * ({@code B}: exact bytes, {@code J}: canonical JSON) and the body. The body comes last, so it needs
 * no length. Normalisation:
 * <ul>
 *   <li>The query is split at {@code &}, empty parameters are dropped, the rest sorted as whole
 *       {@code name=value} strings (no percent-decoding), so {@code a=1&b=2} equals {@code b=2&a=1}
 *       and the order of a repeated name's values does not count either ({@code a=1&a=2} equals
 *       {@code a=2&a=1}). An absent and an empty query are equal.
 *   <li>The content type is lower-cased and white space around its {@code ;}-separated parts is
 *       removed, so {@code application/json; charset=UTF-8} equals {@code application/json;charset=utf-8}.
 *   <li>Header values are taken as sent, in order.
 * </ul>
 *
 * <p>With canonical JSON, a body whose content type is {@code application/json} or
 * {@code application/*+json} is buffered and hashed in the canonical form of {@link CanonicalJson};
 * a body that is not canonicalisable JSON is hashed as exact bytes, the same way the default
 * strategy hashes it. Without it the body is hashed while it streams and never copied.
 *
 * <p>Immutable and thread-safe.
 *
 * @param canonicalJson whether JSON bodies are hashed in canonical form
 * @param includedHeaders the header names whose values are hashed, lower case, sorted, distinct
 * @param ignoredJsonFields top-level JSON fields left out of the canonical form
 */
public record Sha256FingerprintStrategy(
        boolean canonicalJson, List<String> includedHeaders, Set<String> ignoredJsonFields)
        implements FingerprintStrategy {

    /** Method, route, path, query, content type and exact body bytes. */
    public static final Sha256FingerprintStrategy DEFAULT = new Sha256FingerprintStrategy(false, List.of(), Set.of());

    /** As {@link #DEFAULT}, with JSON bodies in canonical form. */
    public static final Sha256FingerprintStrategy CANONICAL_JSON =
            new Sha256FingerprintStrategy(true, List.of(), Set.of());

    private static final byte EXACT_BODY = 'B';
    private static final byte CANONICAL_JSON_BODY = 'J';

    /**
     * @throws IllegalArgumentException if ignored JSON fields are given without canonical JSON, or a
     *     header name is blank
     */
    public Sha256FingerprintStrategy {
        TreeSet<String> headers = new TreeSet<>();
        for (String name : includedHeaders) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("a header name to include must not be blank");
            }
            headers.add(name.strip().toLowerCase(Locale.ROOT));
        }
        includedHeaders = List.copyOf(headers);
        ignoredJsonFields = Collections.unmodifiableSet(new TreeSet<>(ignoredJsonFields));
        if (!canonicalJson && !ignoredJsonFields.isEmpty()) {
            throw new IllegalArgumentException("ignored JSON fields need canonical JSON");
        }
    }

    @Override
    public Fingerprinter start(RequestView request) {
        MessageDigest digest = newSha256();
        DigestInput input = new DigestInput(digest);
        input.putString(request.method());
        input.putString(request.route());
        input.putString(request.path());
        putQuery(input, request.query().orElse(""));
        Optional<String> contentType = request.contentType().map(Sha256FingerprintStrategy::normaliseContentType);
        input.putByte(contentType.isPresent() ? 1 : 0);
        contentType.ifPresent(input::putString);
        input.putInt(includedHeaders.size());
        for (String name : includedHeaders) {
            input.putString(name);
            List<String> values = request.headerValues(name);
            input.putInt(values.size());
            values.forEach(input::putString);
        }
        if (canonicalJson && contentType.map(Sha256FingerprintStrategy::isJson).orElse(false)) {
            input.flush();
            return new CanonicalJsonFingerprinter(digest, ignoredJsonFields);
        }
        input.putByte(EXACT_BODY);
        input.flush();
        return new StreamingFingerprinter(digest);
    }

    /** The number of query parameters and each parameter; no list is made for a query of one parameter or none. */
    private static void putQuery(DigestInput input, String query) {
        if (query.indexOf('&') < 0) {
            input.putInt(query.isEmpty() ? 0 : 1);
            if (!query.isEmpty()) {
                input.putString(query);
            }
            return;
        }
        List<String> parameters = queryParameters(query);
        input.putInt(parameters.size());
        parameters.forEach(input::putString);
    }

    static List<String> queryParameters(String query) {
        List<String> parameters = new ArrayList<>();
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            if (end > start) {
                parameters.add(query.substring(start, end));
            }
            start = end + 1;
        }
        Collections.sort(parameters);
        return parameters;
    }

    /** @return the content type lower-cased, without white space around its parts; itself when already so */
    static String normaliseContentType(String contentType) {
        if (isNormal(contentType)) {
            return contentType;
        }
        StringBuilder normalised = new StringBuilder(contentType.length());
        int start = 0;
        while (true) {
            int end = contentType.indexOf(';', start);
            String part = contentType.substring(start, end < 0 ? contentType.length() : end);
            normalised.append(part.strip().toLowerCase(Locale.ROOT));
            if (end < 0) {
                return normalised.toString();
            }
            normalised.append(';');
            start = end + 1;
        }
    }

    /** @return whether normalising would not change {@code contentType}: ASCII without upper case or white space */
    private static boolean isNormal(String contentType) {
        for (int i = 0; i < contentType.length(); i++) {
            char c = contentType.charAt(i);
            if (c <= ' ' || c >= 0x7f || (c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    /** @param contentType a normalised content type */
    static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    /**
     * A new SHA-256 digest, cloned from one prototype: cheaper than {@link MessageDigest#getInstance},
     * which looks the provider up by name and makes the digest by reflection, every time.
     *
     * @return a digest in its initial state
     */
    public static MessageDigest newSha256() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return sha256ByName();
        }
    }

    private static final MessageDigest SHA256_PROTOTYPE = sha256ByName();

    private static MessageDigest sha256ByName() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * Collects the encoded request parts in a small buffer and passes them to the digest in as few
     * updates as possible: strings as a 4-byte big-endian UTF-8 length and the bytes, ASCII
     * strings without an intermediate byte array.
     */
    private static final class DigestInput {
        private final MessageDigest digest;
        private final byte[] buffer = new byte[128];
        private int size;

        DigestInput(MessageDigest digest) {
            this.digest = digest;
        }

        void putByte(int b) {
            if (size == buffer.length) {
                flush();
            }
            buffer[size++] = (byte) b;
        }

        void putInt(int n) {
            if (buffer.length - size < 4) {
                flush();
            }
            buffer[size] = (byte) (n >>> 24);
            buffer[size + 1] = (byte) (n >>> 16);
            buffer[size + 2] = (byte) (n >>> 8);
            buffer[size + 3] = (byte) n;
            size += 4;
        }

        void putString(String s) {
            int length = s.length();
            if (length <= buffer.length - 4) {
                if (buffer.length - size < length + 4) {
                    flush();
                }
                int start = size + 4;
                int i = 0;
                while (i < length) {
                    char c = s.charAt(i);
                    if (c >= 0x80) {
                        break;
                    }
                    buffer[start + i] = (byte) c;
                    i++;
                }
                if (i == length) { // all ASCII: the bytes are in place, put the length before them
                    putInt(length);
                    size += length;
                    return;
                }
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            putInt(bytes.length);
            flush();
            digest.update(bytes);
        }

        void flush() {
            digest.update(buffer, 0, size);
            size = 0;
        }
    }

    /** Hashes the body bytes as they arrive. */
    private static final class StreamingFingerprinter implements Fingerprinter {
        private final MessageDigest digest;

        StreamingFingerprinter(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void update(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
        }

        @Override
        public Fingerprint finish() {
            return Fingerprint.of(digest.digest());
        }
    }

    /** Buffers the body, since the canonical form needs the whole document. */
    private static final class CanonicalJsonFingerprinter implements Fingerprinter {
        private final MessageDigest digest;
        private final Set<String> ignoredFields;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        CanonicalJsonFingerprinter(MessageDigest digest, Set<String> ignoredFields) {
            this.digest = digest;
            this.ignoredFields = ignoredFields;
        }

        @Override
        public void update(byte[] bytes, int offset, int length) {
            body.write(bytes, offset, length);
        }

        @Override
        public Fingerprint finish() {
            byte[] exact = body.toByteArray();
            Optional<byte[]> canonical = CanonicalJson.canonicalise(exact, ignoredFields);
            digest.update(canonical.isPresent() ? CANONICAL_JSON_BODY : EXACT_BODY);
            digest.update(canonical.orElse(exact));
            return Fingerprint.of(digest.digest());
        }
    }
}
