package io.github.idempotency.core.fingerprint.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The canonical form itself, as the class documentation describes it. */
class CanonicalJsonTest {

    @ParameterizedTest
    @CsvSource({
        "1, 1",
        "1.0, 1",
        "1e0, 1",
        "10e-1, 1",
        "1.5, 15e-1",
        "150, 15e1",
        "-0.25, -25e-2",
        "1250.00, 125e1",
        "0, 0",
        "123456789012345678901234567890, 12345678901234567890123456789e1"
    })
    void numbersAreTheDigitsOfTheirValueWithADecimalExponent(String number, String canonical) {
        assertThat(CanonicalJson.canonicalNumber(new BigDecimal(number))).isEqualTo(canonical);
        assertThat(canonical(number)).isEqualTo(canonical);
    }

    @Test
    void membersAreSortedAndWhiteSpaceRemoved() {
        assertThat(canonical("{ \"b\" : [ 1 , 2.50 ], \"a\" : { \"y\" : null, \"x\" : true } }"))
                .isEqualTo("{\"a\":{\"x\":true,\"y\":null},\"b\":[1,25e-1]}");
    }

    @Test
    void ignoredFieldsAreLeftOutAtTheTopLevelOnly() {
        assertThat(new String(CanonicalJson.canonicalise(
                        "{\"id\":1,\"at\":\"now\",\"inner\":{\"at\":2}}".getBytes(StandardCharsets.UTF_8), Set.of("at"))
                .orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"inner\":{\"at\":2}}");
    }

    private static String canonical(String json) {
        return new String(CanonicalJson.canonicalise(json.getBytes(StandardCharsets.UTF_8), Set.of()).orElseThrow(),
                StandardCharsets.UTF_8);
    }
}
