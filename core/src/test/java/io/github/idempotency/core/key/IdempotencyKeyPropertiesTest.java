package io.github.idempotency.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IdempotencyKeyPropertiesTest {

    @Property
    void everyKeyRoundTripsThroughItsSfString(@ForAll("keys") String value) {
        IdempotencyKey key = new IdempotencyKey(value);

        assertThat(IdempotencyKey.parse(key.toSfString())).isEqualTo(key);
    }

    @Property
    void everyBareTokenParsesToItself(@ForAll("bareTokens") String token) {
        assertThat(IdempotencyKey.parse(token).value()).isEqualTo(token);
    }

    @Property(tries = 2000)
    void anyStringParsesToAValidKeyOrFailsWithAReason(@ForAll("headerValues") String header) {
        IdempotencyKey key;
        try {
            key = IdempotencyKey.parse(header);
        } catch (InvalidIdempotencyKeyException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(key.value()).hasSizeBetween(1, IdempotencyKey.MAX_LENGTH);
        assertThat(key.value().chars()).allMatch(c -> c >= 0x20 && c <= 0x7E);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(IdempotencyKey.MAX_LENGTH);
    }

    @Provide
    Arbitrary<String> bareTokens() {
        return Arbitraries.strings().withCharRange('!', '~').excludeChars('"', ',')
                .ofMinLength(1).ofMaxLength(IdempotencyKey.MAX_LENGTH);
    }

    /** Arbitrary text weighted towards the characters the parser treats specially. */
    @Provide
    Arbitrary<String> headerValues() {
        Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> special = Arbitraries.strings()
                .withChars('"', '\\', ',', ' ', '\t', 'a', '\u0000', '\u007f', '\u00e9', '\uD800', '\uDE00')
                .ofMaxLength(20);
        Arbitrary<String> quoted = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(300)
                .map(s -> "\"" + s);
        Arbitrary<String> veryLong = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(250).ofMaxLength(5000);
        return Arbitraries.oneOf(anything, special, quoted, veryLong, bareTokens(), keys().map(k -> new IdempotencyKey(k).toSfString()));
    }
}
