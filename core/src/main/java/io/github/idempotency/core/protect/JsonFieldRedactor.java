package io.github.idempotency.core.protect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link ResponseRedactor} for JSON bodies ({@code application/json} and
 * {@code application/*+json}): the values at the given field paths are replaced (by default with
 * {@value #DEFAULT_REPLACEMENT}) or removed before the response is stored.
 *
 * <p>A path is member names separated by dots, {@code card.number}; {@code *} matches every member
 * of an object; arrays are walked through, so {@code items.secret} names the {@code secret} of every
 * element of {@code items} (and of a top-level array's elements). A path that names nothing
 * changes nothing. A redacted body is written back as compact JSON in the charset its
 * {@code Content-Type} declares (UTF-8 when it declares none), numbers exact.
 *
 * <p>A JSON body that cannot be parsed (or decoded in its declared charset, or whose replacement
 * that charset cannot encode) is not stored at all (the record keeps the status and headers, as for a body over the size limit, with
 * {@code Idempotent-Body-Omitted}): a secret the paths were meant to remove might be in it.
 * Other bodies are stored unchanged. Immutable and thread-safe.
 */
public final class JsonFieldRedactor implements ResponseRedactor {

    /** The default replacement of a redacted value. */
    public static final String DEFAULT_REPLACEMENT = "[REDACTED]";

    private static final Pattern PATH = Pattern.compile("(\\*|[^.*]+)(\\.(\\*|[^.*]+))*");

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final List<List<String>> paths;
    private final String replacement;
    private final boolean remove;

    private JsonFieldRedactor(Builder b) {
        this.paths = List.copyOf(b.paths);
        this.replacement = b.replacement;
        this.remove = b.remove;
    }

    /** @return a builder without paths */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public StoredResponse redact(EntryKey key, StoredResponse response) {
        if (paths.isEmpty() || response.body().length == 0 || !isJson(response)) {
            return response;
        }
        Charset charset = charset(response);
        JsonNode tree;
        try {
            tree = charset == null ? null : JSON.readTree(strict(charset.newDecoder())
                    .decode(ByteBuffer.wrap(response.body())).toString());
        } catch (IOException | RuntimeException e) {
            tree = null;
        }
        if (tree == null || tree.isMissingNode()) {
            return response.withBodyOmitted(response.body().length);
        }
        boolean changed = false;
        for (List<String> path : paths) {
            changed |= redact(tree, path, 0);
        }
        if (!changed) {
            return response;
        }
        try {
            ByteBuffer encoded = strict(charset.newEncoder()).encode(CharBuffer.wrap(JSON.writeValueAsString(tree)));
            byte[] body = new byte[encoded.remaining()];
            encoded.get(body);
            return new StoredResponse(response.status(), response.headers(), body);
        } catch (IOException e) { // the replacement is not in the body's charset
            return response.withBodyOmitted(response.body().length);
        }
    }

    private static CharsetDecoder strict(CharsetDecoder decoder) {
        return decoder.onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static CharsetEncoder strict(CharsetEncoder encoder) {
        return encoder.onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** @return whether anything at {@code path} (from step {@code at}) under {@code node} was redacted */
    private boolean redact(JsonNode node, List<String> path, int at) {
        if (node instanceof ArrayNode array) {
            boolean changed = false;
            for (JsonNode element : array) {
                changed |= redact(element, path, at);
            }
            return changed;
        }
        if (!(node instanceof ObjectNode object)) {
            return false;
        }
        String step = path.get(at);
        boolean last = at == path.size() - 1;
        List<String> names = new ArrayList<>();
        if (step.equals("*")) {
            object.fieldNames().forEachRemaining(names::add);
        } else if (object.has(step)) {
            names.add(step);
        }
        boolean changed = false;
        for (String name : names) {
            if (last) {
                if (remove) {
                    object.remove(name);
                } else {
                    object.put(name, replacement);
                }
                changed = true;
            } else {
                changed |= redact(object.get(name), path, at + 1);
            }
        }
        return changed;
    }

    private static boolean isJson(StoredResponse response) {
        List<String> types = response.headerValues("Content-Type");
        if (types.isEmpty()) {
            return false;
        }
        String type = mediaType(types.get(0));
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    /** @return the charset the body declares (UTF-8 when none); {@code null} when this JVM does not know it */
    private static Charset charset(StoredResponse response) {
        for (String parameter : response.headerValues("Content-Type").get(0).split(";")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
                try {
                    return Charset.forName(pair[1].trim().replace("\"", ""));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "JsonFieldRedactor[paths=" + paths.stream().map(p -> String.join(".", p)).toList()
                + (remove ? ", remove" : ", replace") + "]";
    }

    /** Builds a {@link JsonFieldRedactor}. Not thread-safe. */
    public static final class Builder {
        private final List<List<String>> paths = new ArrayList<>();
        private String replacement = DEFAULT_REPLACEMENT;
        private boolean remove;

        private Builder() {
        }

        /**
         * @param paths field paths such as {@code card.number}, {@code items.*.token}
         * @return this
         * @throws IllegalArgumentException if a path is empty or has an empty step
         */
        public Builder paths(String... paths) {
            for (String path : paths) {
                Objects.requireNonNull(path, "path");
                String trimmed = path.trim();
                if (!PATH.matcher(trimmed).matches()) {
                    throw new IllegalArgumentException("invalid JSON field path \"" + path + "\": expected member names"
                            + " separated by dots, * for every member, such as card.number or items.*.token");
                }
                this.paths.add(Arrays.asList(trimmed.split("\\.")));
            }
            return this;
        }

        /** @param replacement the string that replaces each redacted value @return this */
        public Builder replaceWith(String replacement) {
            this.replacement = Objects.requireNonNull(replacement, "replacement");
            this.remove = false;
            return this;
        }

        /** Removes the redacted members instead of replacing their values. @return this */
        public Builder remove() {
            this.remove = true;
            return this;
        }

        /** @return the redactor */
        public JsonFieldRedactor build() {
            return new JsonFieldRedactor(this);
        }
    }
}
