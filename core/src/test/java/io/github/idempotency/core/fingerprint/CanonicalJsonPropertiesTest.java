package io.github.idempotency.core.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.TestRequest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random JSON values, written once plainly and once with shuffled members, white space, escaped
 * characters and other number forms, hash alike under canonical JSON.
 */
class CanonicalJsonPropertiesTest {

    private static final FingerprintStrategy CANONICAL = FingerprintStrategy.canonicalJson();
    private static final TestRequest REQUEST = TestRequest.post("/documents").withContentType("application/json");

    /** JSON {@code null}; jqwik's collections do not hold Java nulls. */
    private enum JsonNull { NULL }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void rewrittenDocumentHasTheSameFingerprint(@ForAll("objects") Map<String, Object> document,
            @ForAll long seed) {
        Random random = new Random(seed);
        String plain = write(document, null);
        String rewritten = write(document, random);

        assertThat(fingerprint(rewritten)).as("%s%nvs%n%s", plain, rewritten).isEqualTo(fingerprint(plain));
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void addedMemberChangesTheFingerprint(@ForAll("objects") Map<String, Object> document) {
        Map<String, Object> changed = new LinkedHashMap<>(document);
        changed.put("\u0000changed", "value"); // a member the generator never produces

        assertThat(fingerprint(write(changed, null))).isNotEqualTo(fingerprint(write(document, null)));
    }

    private static Fingerprint fingerprint(String json) {
        return Fingerprints.of(CANONICAL, REQUEST.withBody(json));
    }

    @Provide
    Arbitrary<Map<String, Object>> objects() {
        return Arbitraries.maps(names(), values(3)).ofMaxSize(6);
    }

    private static Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'f').withChars('\u00e9', '"', '\\', '\n').ofMaxLength(4);
    }

    private static Arbitrary<Object> values(int depth) {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(8).map(s -> (Object) s),
                numbers().map(n -> (Object) n),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE, JsonNull.NULL));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<Object> lists = values(depth - 1).list().ofMaxSize(4).map(l -> (Object) l);
        Arbitrary<Object> maps = Arbitraries.maps(names(), values(depth - 1)).ofMaxSize(4).map(m -> (Object) m);
        return Arbitraries.frequencyOf(
                Tuple.of(4, scalars), Tuple.of(1, lists), Tuple.of(1, maps));
    }

    private static Arbitrary<BigDecimal> numbers() {
        Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(
                Arbitraries.bigIntegers().between(BigInteger.valueOf(-1000), BigInteger.valueOf(1000)),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)));
        return Combinators.combine(unscaled, Arbitraries.integers().between(-5, 5)).as(BigDecimal::new);
    }

    /**
     * @param random null for the plain form: members in generated order, no white space, numbers in
     *     {@link BigDecimal#toString()} form, strings with minimal escapes
     */
    private static String write(Object value, Random random) {
        StringBuilder json = new StringBuilder();
        writeValue(value, random, json);
        return json.toString();
    }

    private static void writeValue(Object value, Random random, StringBuilder json) {
        if (value instanceof Map<?, ?> map) {
            List<Map.Entry<?, ?>> members = new ArrayList<>(map.entrySet());
            if (random != null) {
                Collections.shuffle(members, random);
            }
            json.append('{');
            space(random, json);
            for (int i = 0; i < members.size(); i++) {
                if (i > 0) {
                    json.append(',');
                    space(random, json);
                }
                writeString((String) members.get(i).getKey(), random, json);
                space(random, json);
                json.append(':');
                space(random, json);
                writeValue(members.get(i).getValue(), random, json);
                space(random, json);
            }
            json.append('}');
        } else if (value instanceof List<?> list) {
            json.append('[');
            space(random, json);
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    json.append(',');
                    space(random, json);
                }
                writeValue(list.get(i), random, json);
                space(random, json);
            }
            json.append(']');
        } else if (value instanceof String s) {
            writeString(s, random, json);
        } else if (value instanceof BigDecimal n) {
            json.append(random == null ? n.toString() : otherForm(n, random));
        } else if (value instanceof Boolean b) {
            json.append(b);
        } else {
            json.append("null");
        }
    }

    private static String otherForm(BigDecimal n, Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> n.toPlainString();
            case 1 -> n.setScale(n.scale() + 1 + random.nextInt(3)).toPlainString(); // trailing zeros
            case 2 -> n.unscaledValue() + "e" + (-n.scale());
            default -> n.unscaledValue().multiply(BigInteger.TEN) + "E" + (-n.scale() - 1);
        };
    }

    private static void writeString(String s, Random random, StringBuilder json) {
        json.append('"');
        int i = 0;
        while (i < s.length()) {
            int codePoint = s.codePointAt(i);
            int length = Character.charCount(codePoint);
            // a lone surrogate has no UTF-8 form, so it can only travel escaped
            boolean mustEscape = codePoint == '"' || codePoint == '\\' || codePoint < 0x20
                    || Character.getType(codePoint) == Character.SURROGATE;
            if (mustEscape || (random != null && random.nextInt(4) == 0)) {
                for (int j = i; j < i + length; j++) {
                    json.append(String.format("\\u%04x", (int) s.charAt(j)));
                }
            } else {
                json.appendCodePoint(codePoint);
            }
            i += length;
        }
        json.append('"');
    }

    private static void space(Random random, StringBuilder json) {
        if (random != null) {
            json.append(switch (random.nextInt(4)) {
                case 0 -> "";
                case 1 -> " ";
                case 2 -> "\n  ";
                default -> "\t\r\n";
            });
        }
    }
}
