package io.github.idempotency.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class StoredResponseCodecTest {

    private static final StoredResponse RESPONSE = new StoredResponse(201,
            List.of(new ResponseHeader("Location", "/payments/1"), new ResponseHeader("X-Ä", "ü")),
            new byte[] {0, (byte) 0xFF, 7});

    @Test
    void encodesTheDocumentedLayout() {
        byte[] encoded = StoredResponseCodec.encode(RESPONSE);

        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(
                "494b01" + "00c9" + "00000002"
                + "00000008" + hex("Location") + "0000000b" + hex("/payments/1")
                + "00000004" + hex("X-Ä") + "00000002" + hex("ü")
                + "00000003" + "00ff07");
    }

    @Test
    void decodesWhatItEncoded() {
        assertThat(StoredResponseCodec.decode(StoredResponseCodec.encode(RESPONSE))).isEqualTo(RESPONSE);
    }

    @Test
    void leadingBytesComeBeforeTheEncodedFormAndDecodeReadsFromTheirEnd() {
        byte[] encoded = StoredResponseCodec.encode(RESPONSE);
        byte[] record = StoredResponseCodec.encode(RESPONSE, 5);

        assertThat(record).hasSize(5 + encoded.length).startsWith(0, 0, 0, 0, 0);
        assertThat(Arrays.copyOfRange(record, 5, record.length)).isEqualTo(encoded);
        assertThat(StoredResponseCodec.decode(record, 5)).isEqualTo(RESPONSE);
    }

    @Test
    void errorsBehindLeadingBytesNameOffsetsInTheWholeArray() {
        byte[] record = StoredResponseCodec.encode(RESPONSE, 5);
        byte[] truncated = Arrays.copyOf(record, record.length - 1);

        assertThatThrownBy(() -> StoredResponseCodec.decode(truncated, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("body needs " + RESPONSE.body().length + " bytes at offset " + (truncated.length
                        - RESPONSE.body().length + 1));
        assertThatThrownBy(() -> StoredResponseCodec.decode(record, 4))
                .hasMessageStartingWith("not an encoded stored response: expected magic bytes 0x494B ('IK'), found 0x00494B");
        assertThatThrownBy(() -> StoredResponseCodec.decode(record, record.length + 1))
                .hasMessage("offset " + (record.length + 1) + " is outside the " + record.length + " bytes");
        assertThatThrownBy(() -> StoredResponseCodec.encode(RESPONSE, -1))
                .hasMessage("leadingBytes must not be negative, was -1");
    }

    @Test
    void commonHeaderNamesAndValuesAreDecodedAsSharedInstancesAndOthersAsNewStrings() {
        StoredResponse response = new StoredResponse(201, List.of(
                new ResponseHeader(new String("Content-Type"), new String("application/json")),
                new ResponseHeader("Content-Typf", "application/jsoN")), new byte[0]);

        StoredResponse first = StoredResponseCodec.decode(StoredResponseCodec.encode(response));
        StoredResponse second = StoredResponseCodec.decode(StoredResponseCodec.encode(response));

        assertThat(first).isEqualTo(response);
        assertThat(first.headers().get(0).name()).isSameAs(second.headers().get(0).name());
        assertThat(first.headers().get(0).value()).isSameAs(second.headers().get(0).value());
        assertThat(first.headers().get(1).name()).isEqualTo("Content-Typf").isNotSameAs(second.headers().get(1).name());
        assertThat(first.headers().get(1).value()).isEqualTo("application/jsoN");
    }

    @Test
    void loneSurrogateInAHeaderIsEncodedAsQuestionMark() {
        StoredResponse response = new StoredResponse(200, List.of(new ResponseHeader("X", "a\uD800b")), new byte[0]);

        StoredResponse decoded = StoredResponseCodec.decode(StoredResponseCodec.encode(response));

        assertThat(decoded.headers()).containsExactly(new ResponseHeader("X", "a?b"));
    }

    @Test
    void supplementaryCharactersAreEncodedAsTheirFourUtf8Bytes() {
        String value = "\uD800\uDC00 \uD83C\uDF89 \uDBFF\uDFFF"; // U+10000, U+1F389, U+10FFFF
        StoredResponse response = new StoredResponse(200, List.of(new ResponseHeader("X-\uD83D\uDE00", value)), new byte[0]);

        byte[] encoded = StoredResponseCodec.encode(response);

        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo("494b01" + "00c8" + "00000001"
                + "00000006" + "582d" + "f09f9880"
                + "0000000e" + "f0908080" + "20" + "f09f8e89" + "20" + "f48fbfbf"
                + "00000000");
        assertThat(StoredResponseCodec.decode(encoded)).isEqualTo(response);
    }

    @Test
    void everyLoneSurrogateIsEncodedAsQuestionMark() {
        StoredResponse response = new StoredResponse(200, List.of(
                new ResponseHeader("X-End", "a\uD800"),
                new ResponseHeader("X-Low", "\uDC00b"),
                new ResponseHeader("X-Reversed", "\uDC00\uD800"),
                new ResponseHeader("X-Only", "\uDBFF")), new byte[0]);

        StoredResponse decoded = StoredResponseCodec.decode(StoredResponseCodec.encode(response));

        assertThat(decoded.headers()).extracting(ResponseHeader::value).containsExactly("a?", "?b", "??", "?");
    }

    @Test
    void lengthsAreWrittenAsFullFourByteBigEndianIntegers() {
        int length = 0x01020304; // 16,909,060 bytes: every byte of the length field is in use
        byte[] body = new byte[length];
        body[length - 1] = 9;
        StoredResponse large = new StoredResponse(200, List.of(), body);

        byte[] encoded = StoredResponseCodec.encode(large);

        assertThat(encoded).hasSize(3 + 2 + 4 + 4 + length);
        assertThat(HexFormat.of().formatHex(encoded, 9, 13)).isEqualTo("01020304");
        assertThat(StoredResponseCodec.decode(encoded)).isEqualTo(large);
    }

    @Test
    void headerCountThatCannotFitIsRejectedBeforeReadingAnyHeader() {
        // One header needs at least 8 bytes (two length fields); only the 4 of the body length remain.
        byte[] encoded = HexFormat.of().parseHex("494b01" + "00c8" + "00000001" + "00000000");

        assertThatThrownBy(() -> StoredResponseCodec.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoded stored response is truncated or corrupt: header count 1 at offset 5"
                        + " does not fit in the 4 remaining bytes");
    }

    @Test
    void everyTruncationIsRejectedWithTheMissingPart() {
        byte[] encoded = StoredResponseCodec.encode(RESPONSE);
        for (int length = 3; length < encoded.length; length++) {
            byte[] truncated = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> StoredResponseCodec.decode(truncated))
                    .as("decoding the first %d of %d bytes", length, encoded.length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void truncatedBodyNamesTheBodyAndTheOffset() {
        byte[] encoded = StoredResponseCodec.encode(RESPONSE);

        assertThatThrownBy(() -> StoredResponseCodec.decode(Arrays.copyOf(encoded, encoded.length - 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoded stored response is truncated: body needs 3 bytes at offset "
                        + (encoded.length - 3) + " but only 2 remain");
    }

    @Test
    void wrongMagicIsRejected() {
        assertThatThrownBy(() -> StoredResponseCodec.decode("{\"status\":200}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an encoded stored response: expected magic bytes 0x494B ('IK'), found 0x7B2273...");
        assertThatThrownBy(() -> StoredResponseCodec.decode("ABC".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an encoded stored response: expected magic bytes 0x494B ('IK'), found 0x414243");
        assertThatThrownBy(() -> StoredResponseCodec.decode(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an encoded stored response: expected magic bytes 0x494B ('IK'), found no bytes at all");
    }

    @Test
    void unknownVersionIsRejected() {
        byte[] encoded = StoredResponseCodec.encode(RESPONSE);
        encoded[2] = 2;

        assertThatThrownBy(() -> StoredResponseCodec.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown stored response version 2 (this library reads version 1)");
    }

    @Test
    void headerCountBeyondTheRemainingBytesIsRejectedBeforeAllocating() {
        byte[] encoded = HexFormat.of().parseHex("494b01" + "00c8" + "7fffffff" + "00000000");

        assertThatThrownBy(() -> StoredResponseCodec.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoded stored response is truncated or corrupt: header count 2147483647 at offset 5"
                        + " does not fit in the 4 remaining bytes");
    }

    @Test
    void lengthWithTheTopBitSetIsRejected() {
        byte[] encoded = HexFormat.of().parseHex("494b01" + "00c8" + "00000000" + "ffffffff");

        assertThatThrownBy(() -> StoredResponseCodec.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoded stored response is corrupt: body length at offset 9 is 4294967295, beyond any array");
    }

    @Test
    void invalidStatusIsRejected() {
        byte[] encoded = HexFormat.of().parseHex("494b01" + "0000" + "00000000" + "00000000");

        assertThatThrownBy(() -> StoredResponseCodec.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoded stored response holds status 0, not a three-digit HTTP status");
    }

    @Test
    void invalidUtf8InAHeaderIsRejected() {
        byte[] encoded = HexFormat.of().parseHex("494b01" + "00c8" + "00000001"
                + "00000001" + "58" + "00000002" + "c328" + "00000000");

        assertThatThrownBy(() -> StoredResponseCodec.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoded stored response is corrupt: value of header 0 at offset 18 is not valid UTF-8");
    }

    @Test
    void bytesAfterTheBodyAreRejected() {
        byte[] encoded = StoredResponseCodec.encode(RESPONSE);
        byte[] padded = Arrays.copyOf(encoded, encoded.length + 2);

        assertThatThrownBy(() -> StoredResponseCodec.decode(padded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoded stored response has 2 unexpected bytes after the body (offset " + encoded.length + ")");
    }

    @Property
    void anyResponseRoundTrips(@ForAll("responses") StoredResponse response) {
        assertThat(StoredResponseCodec.decode(StoredResponseCodec.encode(response))).isEqualTo(response);
    }

    @Property
    void outlineOfAnyResponseIsItsStatusAndBodyLength(@ForAll("responses") StoredResponse response) {
        assertThat(StoredResponseCodec.outline(StoredResponseCodec.encode(response)))
                .contains(new StoredResponseCodec.Outline(response.status(), response.body().length));
    }

    @Test
    void outlineNeedsTheBytesUpToTheBodyLengthAndNoneOfTheBody() {
        byte[] encoded = StoredResponseCodec.encode(RESPONSE);
        int bodyStart = encoded.length - RESPONSE.body().length;

        assertThat(StoredResponseCodec.outline(Arrays.copyOf(encoded, bodyStart)))
                .contains(new StoredResponseCodec.Outline(201, 3));
        for (int length = 0; length < bodyStart; length++) {
            assertThat(StoredResponseCodec.outline(Arrays.copyOf(encoded, length))).as("the first %d bytes", length).isEmpty();
        }
    }

    @Test
    void outlineRefusesForeignBytes() {
        assertThatThrownBy(() -> StoredResponseCodec.outline("{\"status\":200}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("magic");
    }

    @Property
    void encodedSizeIsExactlyTheLayoutSize(@ForAll @IntRange(min = 100, max = 999) int status,
            @ForAll @Size(max = 300) byte[] body) {
        StoredResponse response = new StoredResponse(status, List.of(), body);

        assertThat(StoredResponseCodec.encode(response)).hasSize(3 + 2 + 4 + 4 + body.length);
    }

    @Property
    void anyValidTextIsEncodedAsItsUtf8Bytes(@ForAll("text") String name, @ForAll("text") String value) {
        StoredResponse response = new StoredResponse(200, List.of(new ResponseHeader(name, value)), new byte[0]);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);

        byte[] encoded = StoredResponseCodec.encode(response);

        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo("494b01" + "00c8" + "00000001"
                + String.format("%08x", nameBytes.length) + HexFormat.of().formatHex(nameBytes)
                + String.format("%08x", valueBytes.length) + HexFormat.of().formatHex(valueBytes)
                + "00000000");
        assertThat(StoredResponseCodec.decode(encoded)).isEqualTo(response);
    }

    /** Strings of any code points, supplementary ones (surrogate pairs) included. */
    @Provide
    Arbitrary<String> text() {
        return Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .list().ofMaxSize(20)
                .map(cps -> cps.stream().map(Character::toString).reduce("", String::concat));
    }

    @Provide
    Arbitrary<StoredResponse> responses() {
        Arbitrary<String> text = Arbitraries.strings().all().excludeChars(surrogates()).ofMaxLength(40);
        Arbitrary<ResponseHeader> header = Combinators.combine(text, text).as(ResponseHeader::new);
        return Combinators.combine(
                        Arbitraries.integers().between(100, 999),
                        header.list().ofMaxSize(12),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(2048))
                .as(StoredResponse::new);
    }

    /** Lone surrogates are not text and do not round-trip through UTF-8 (see the lone-surrogate test). */
    private static char[] surrogates() {
        char[] chars = new char[Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (Character.MIN_SURROGATE + i);
        }
        return chars;
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
