package io.github.idempotency.core.fingerprint.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The canonical form of a JSON document, so that documents a JSON reader cannot tell apart hash
 * alike: object members sorted by name (UTF-16 order), no white space, every number as the digits of
 * its value without trailing zeros and a decimal exponent ({@code 1}, {@code 1.0}, {@code 1e0} and
 * {@code 10e-1} are all {@code 1}; {@code 1.5} is {@code 15e-1}; integers of any size stay exact),
 * strings by their unicode value whatever escapes the client used.
 *
 * <p>No canonical form (the caller then hashes the exact bytes) for: a body that is not one valid
 * JSON document (including an empty body and trailing content), a document with a duplicate member
 * name, a document nested deeper than {@value #MAX_NESTING_DEPTH} arrays and objects, a number of
 * more than 1000 characters (Jackson's default limit) or whose exponent is out of range. The
 * document size is bounded by the request body limit, so the number of tokens is too.
 */
final class CanonicalJson {

    /** The deepest nesting of arrays and objects that is canonicalised. */
    static final int MAX_NESTING_DEPTH = 64;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private CanonicalJson() {
    }

    /**
     * @param document the body bytes
     * @param ignoredFields members left out when the document is an object (top level only)
     * @return the canonical form as UTF-8, or empty if the body has none
     */
    static Optional<byte[]> canonicalise(byte[] document, Set<String> ignoredFields) {
        ByteArrayOutputStream canonical = new ByteArrayOutputStream(document.length);
        try {
            JsonNode root = MAPPER.readTree(document);
            if (root == null || root.isMissingNode()) {
                return Optional.empty();
            }
            if (root instanceof ObjectNode object) {
                object.remove(ignoredFields);
            }
            try (JsonGenerator generator = MAPPER.createGenerator(canonical)) {
                write(root, generator);
            }
        } catch (IOException | ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(canonical.toByteArray());
    }

    private static void write(JsonNode node, JsonGenerator generator) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
                members.sort(Map.Entry.comparingByKey());
                generator.writeStartObject();
                for (Map.Entry<String, JsonNode> member : members) {
                    generator.writeFieldName(member.getKey());
                    write(member.getValue(), generator);
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(element, generator);
                }
                generator.writeEndArray();
            }
            case NUMBER -> generator.writeNumber(canonicalNumber(node.decimalValue()));
            case STRING -> generator.writeString(node.textValue());
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL -> generator.writeNull();
            default -> throw new IllegalStateException("not a JSON value: " + node.getNodeType());
        }
    }

    /** @throws ArithmeticException if stripping zeros takes the exponent out of range */
    static String canonicalNumber(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        String digits = stripped.unscaledValue().toString();
        return stripped.scale() == 0 ? digits : digits + "e" + (-(long) stripped.scale());
    }
}
