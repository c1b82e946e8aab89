package io.github.idempotency.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.key.InvalidIdempotencyKeyException.Reason;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeyTest {

    @Test
    void bareTokenIsTheKey() {
        assertThat(IdempotencyKey.parse("8e03978e-40d5-43e8-bc93-6894a57f9324").value())
                .isEqualTo("8e03978e-40d5-43e8-bc93-6894a57f9324");
    }

    @Test
    void bareTokenMayUseEveryVisibleAsciiCharacterButQuoteAndComma() {
        String token = "!#$%&'()*+-./0123456789:;<=>?@AZ[\\]^_`az{|}~";
        assertThat(IdempotencyKey.parse(token).value()).isEqualTo(token);
    }

    @Test
    void sfStringIsUnquoted() {
        assertThat(IdempotencyKey.parse("\"abc\"").value()).isEqualTo("abc");
    }

    @Test
    void sfStringAndBareTokenGiveTheSameKey() {
        assertThat(IdempotencyKey.parse("\"abc\"")).isEqualTo(IdempotencyKey.parse("abc"));
    }

    @Test
    void sfStringUnescapesQuoteAndBackslash() {
        assertThat(IdempotencyKey.parse("\"a\\\"b\\\\c\"").value()).isEqualTo("a\"b\\c");
    }

    @Test
    void sfStringMayHoldSpacesCommasAndSurroundingSpaces() {
        assertThat(IdempotencyKey.parse("\" a b, c \"").value()).isEqualTo(" a b, c ");
    }

    @Test
    void surroundingSpacesAndTabsAreTrimmed() {
        assertThat(IdempotencyKey.parse(" \t abc\t ").value()).isEqualTo("abc");
        assertThat(IdempotencyKey.parse("\t \"a b\" \t").value()).isEqualTo("a b");
    }

    @Test
    void sfStringMayBeFollowedByWhiteSpace() {
        assertThat(IdempotencyKey.parse("\"abc\"   ").value()).isEqualTo("abc");
    }

    @Test
    void keyOfMaximumLengthIsAccepted() {
        String longest = "k".repeat(IdempotencyKey.MAX_LENGTH);
        assertThat(IdempotencyKey.parse(longest).value()).isEqualTo(longest);
        assertThat(IdempotencyKey.parse("\"" + longest + "\"").value()).isEqualTo(longest);
    }

    @Test
    void surroundingWhiteSpaceDoesNotCountTowardsTheLength() {
        String longest = "k".repeat(IdempotencyKey.MAX_LENGTH);
        assertThat(IdempotencyKey.parse("  " + longest + "\t").value()).isEqualTo(longest);
        assertThat(IdempotencyKey.parse("  \"" + longest + "\"\t").value()).isEqualTo(longest);
    }

    @Test
    void escapesCountAsOneCharacterTowardsTheLength() {
        String escaped = "\"" + "\\\"".repeat(IdempotencyKey.MAX_LENGTH) + "\"";
        assertThat(IdempotencyKey.parse(escaped).value()).isEqualTo("\"".repeat(IdempotencyKey.MAX_LENGTH));
    }

    @Test
    void bareTokenWithoutSurroundingWhiteSpaceIsReturnedWithoutCopying() {
        String header = "abc";
        assertThat(IdempotencyKey.parse(header).value()).isSameAs(header);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", " \t "})
    void emptyValueIsEmpty(String header) {
        assertReason(header, Reason.EMPTY).hasMessageContaining("empty");
    }

    @Test
    void emptySfStringIsEmpty() {
        assertReason(" \"\" ", Reason.EMPTY).hasMessageContaining("empty sf-string");
    }

    @Test
    void tooLongBareTokenIsTooLong() {
        assertReason("k".repeat(256), Reason.TOO_LONG).hasMessageContaining("256 characters")
                .hasMessageContaining("at most 255");
    }

    @Test
    void tooLongSfStringIsTooLong() {
        assertReason("\"" + "k".repeat(300) + "\"", Reason.TOO_LONG).hasMessageContaining("300 characters");
    }

    @Test
    void spaceInBareTokenNamesTheSpaceAndItsPosition() {
        assertReason("abc def", Reason.INVALID_CHARACTER)
                .hasMessageContaining("a space (U+0020) at position 4")
                .hasMessageContaining("quoted sf-string");
    }

    @Test
    void controlCharacterInBareTokenNamesTheCodePoint() {
        assertReason("ab\u0007c", Reason.INVALID_CHARACTER).hasMessageContaining("U+0007 at position 3");
    }

    @Test
    void tabInsideBareTokenIsInvalid() {
        assertReason("ab\tc", Reason.INVALID_CHARACTER).hasMessageContaining("a tab (U+0009) at position 3");
    }

    @Test
    void nonAsciiCharacterIsInvalid() {
        assertReason("caf\u00e9", Reason.INVALID_CHARACTER).hasMessageContaining("U+00E9 at position 4");
    }

    @Test
    void characterOutsideTheBasicPlaneIsNamedByItsCodePoint() {
        assertReason("key-\uD83D\uDE00", Reason.INVALID_CHARACTER).hasMessageContaining("U+1F600 at position 5");
    }

    @Test
    void loneSurrogateIsInvalid() {
        assertReason("key\uD800", Reason.INVALID_CHARACTER).hasMessageContaining("U+D800 at position 4");
    }

    @Test
    void deleteIsInvalid() {
        assertReason("abc\u007f", Reason.INVALID_CHARACTER)
                .hasMessageContaining("has U+007F at position 4;"); // named by its code point only: not visible
    }

    @Test
    void controlCharacterInSfStringIsInvalid() {
        assertReason("\"ab\nc\"", Reason.INVALID_CHARACTER).hasMessageContaining("U+000A at position 4");
    }

    @Test
    void tabInsideSfStringIsInvalid() {
        assertReason("\"a\tb\"", Reason.INVALID_CHARACTER).hasMessageContaining("a tab (U+0009)");
    }

    @Test
    void quoteInsideBareTokenIsInvalid() {
        assertReason("ab\"c\"", Reason.INVALID_CHARACTER)
                .hasMessageContaining("'\"' (U+0022) at position 3")
                .hasMessageContaining("only open a quoted sf-string");
    }

    @Test
    void textAfterClosingQuoteIsInvalid() {
        assertReason("\"abc\"x", Reason.INVALID_CHARACTER)
                .hasMessageContaining("'x' (U+0078) at position 6")
                .hasMessageContaining("closing quote");
    }

    @Test
    void sfStringParametersAreNotAccepted() {
        assertReason("\"abc\";a=1", Reason.INVALID_CHARACTER).hasMessageContaining("';' (U+003B)");
    }

    @Test
    void sfStringWithoutClosingQuoteIsUnterminated() {
        assertReason("\"abc", Reason.UNTERMINATED_QUOTE).hasMessageContaining("no closing quote");
    }

    @Test
    void loneQuoteIsUnterminated() {
        assertReason("\"", Reason.UNTERMINATED_QUOTE);
    }

    @Test
    void escapedClosingQuoteLeavesTheStringUnterminated() {
        assertReason("\"abc\\\"", Reason.UNTERMINATED_QUOTE);
    }

    @Test
    void backslashAtTheEndLeavesTheStringUnterminated() {
        assertReason("\"abc\\", Reason.UNTERMINATED_QUOTE);
    }

    @Test
    void backslashBeforeOtherCharacterIsInvalidEscape() {
        assertReason("\"ab\\nc\"", Reason.INVALID_ESCAPE)
                .hasMessageContaining("backslash at position 4 followed by 'n' (U+006E)");
    }

    @Test
    void backslashBeforeControlCharacterIsInvalidEscape() {
        assertReason("\"ab\\\u0000\"", Reason.INVALID_ESCAPE).hasMessageContaining("followed by U+0000");
    }

    @Test
    void backslashInBareTokenIsAllowed() {
        assertThat(IdempotencyKey.parse("a\\b").value()).isEqualTo("a\\b");
    }

    @Test
    void listOfSfStringsIsMultipleValues() {
        assertReason("\"a\", \"b\"", Reason.MULTIPLE_VALUES).hasMessageContaining("comma-separated list");
    }

    @Test
    void sfStringWithTrailingCommaIsMultipleValues() {
        assertReason("\"a\" ,", Reason.MULTIPLE_VALUES);
    }

    @Test
    void bareTokenWithCommaIsMultipleValuesAndSuggestsQuoting() {
        assertReason("abc, abc", Reason.MULTIPLE_VALUES)
                .hasMessageContaining("comma at position 4")
                .hasMessageContaining("quoted sf-string");
    }

    @Test
    void bareTokenWithCommaAndNoSpaceIsMultipleValues() {
        assertReason("a,b", Reason.MULTIPLE_VALUES);
    }

    @Test
    void severalHeaderLinesAreMultipleValuesEvenWhenEqual() {
        assertThatThrownBy(() -> IdempotencyKey.parse(List.of("abc", "abc")))
                .isInstanceOfSatisfying(InvalidIdempotencyKeyException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MULTIPLE_VALUES))
                .hasMessageContaining("sent 2 times");
    }

    @Test
    void singleHeaderLineIsParsed() {
        assertThat(IdempotencyKey.parse(List.of(" \"abc\" ")).value()).isEqualTo("abc");
    }

    @Test
    void singleHeaderLineIsValidated() {
        assertThatThrownBy(() -> IdempotencyKey.parse(List.of("")))
                .isInstanceOfSatisfying(InvalidIdempotencyKeyException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
    }

    @Test
    void noHeaderLinesIsAProgrammingError() {
        assertThatThrownBy(() -> IdempotencyKey.parse(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(InvalidIdempotencyKeyException.class);
    }

    @Test
    void messagesDoNotEchoTheValue() {
        assertThatThrownBy(() -> IdempotencyKey.parse("secret\u0001value"))
                .hasMessageNotContaining("secret");
    }

    @Test
    void toSfStringQuotesAndEscapes() {
        assertThat(new IdempotencyKey("abc").toSfString()).isEqualTo("\"abc\"");
        assertThat(new IdempotencyKey("a\"b\\c d").toSfString()).isEqualTo("\"a\\\"b\\\\c d\"");
    }

    @Test
    void constructorRejectsWhatParseWouldReject() {
        assertThatThrownBy(() -> new IdempotencyKey("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("k".repeat(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("a\tb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("caf\u00e9")).isInstanceOf(IllegalArgumentException.class);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertReason(String header, Reason reason) {
        return assertThatThrownBy(() -> IdempotencyKey.parse(header))
                .isInstanceOfSatisfying(InvalidIdempotencyKeyException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
