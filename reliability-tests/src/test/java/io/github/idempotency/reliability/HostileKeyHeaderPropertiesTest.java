package io.github.idempotency.reliability;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.key.IdempotencyKey;
import io.github.idempotency.core.key.InvalidIdempotencyKeyException;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile {@code Idempotency-Key} headers, written byte for byte over a plain socket to the filter
 * on embedded Jetty: control and non-ASCII bytes, unicode, quoting and escaping edge cases,
 * repeated and folded header lines, keys far over the limit. The answer is a {@code 400} (from the
 * library, or from Jetty for what HTTP itself forbids), a {@code 431} for a header Jetty will not
 * read, or, for a valid key, the application's response; never a {@code 5xx}, never no answer.
 */
class HostileKeyHeaderPropertiesTest {

    private static final String PROBLEMS = "https://idempotency.github.io/problems/";
    private static final byte[] BODY = "{\"amount\": 1250, \"currency\": \"EUR\"}".getBytes(US_ASCII);
    private static final List<String> NAME_SPELLINGS =
            List.of("Idempotency-Key", "idempotency-key", "IDEMPOTENCY-KEY", "iDeMpOtEnCy-kEy");

    private static AppInstance app;

    @BeforeContainer
    static void start() throws Exception {
        app = AppInstance.start("hostile-headers", InMemoryIdempotencyStore.create(),
                EndpointPolicy.builder().keyRequired(true).build(), new Executions());
    }

    @AfterContainer
    static void stop() throws Exception {
        app.close();
    }

    @Property(tries = 400)
    void anyKeyHeaderValueIsEitherAValidKeyOrA400(@ForAll("headerValues") byte[] value) throws IOException {
        RawHttp.Response response = send(header("Idempotency-Key", value));

        String text = new String(value, ISO_8859_1);
        if (text.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c <= 0x7E))) {
            // Jetty hands such a value over unchanged: the library's parser alone decides.
            if (isValidKey(text)) {
                assertThat(response.status()).as("%s", response).isEqualTo(201);
            } else {
                assertThat(response.status()).as("%s", response).isEqualTo(400);
                assertThat(response.head()).contains("Content-Type: application/problem+json");
                assertThat(response.text()).containsAnyOf(
                        PROBLEMS + "invalid-idempotency-key", PROBLEMS + "missing-idempotency-key");
            }
        } else if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            // A line break ends the header line early: what follows is another header, or the body.
            assertThat(response.status()).as("%s", response).isIn(201, 400, 431);
        } else {
            assertThat(response.status()).as("%s", response).isEqualTo(400);
        }
    }

    @Property(tries = 60)
    void aKeySentOnSeveralLinesIsA400(@ForAll("severalValidKeys") List<String> keys,
            @ForAll @IntRange(min = 0, max = 3) int spelling) throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (int i = 0; i < keys.size(); i++) {
            lines.writeBytes(header(NAME_SPELLINGS.get((spelling + i) % NAME_SPELLINGS.size()), keys.get(i).getBytes(US_ASCII)));
        }

        RawHttp.Response response = send(lines.toByteArray());

        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.text()).contains(PROBLEMS + "invalid-idempotency-key");
    }

    @Property(tries = 30)
    void aFoldedKeyHeaderIsA400(@ForAll("validKeys") String first, @ForAll("validKeys") String second)
            throws IOException {
        byte[] folded = ("Idempotency-Key: " + first + "\r\n " + second + "\r\n").getBytes(US_ASCII);

        assertThat(send(folded).status()).isEqualTo(400);
    }

    @Property(tries = 40)
    void aKeyOverTheLimitIsA400OrA431(@ForAll @IntRange(min = IdempotencyKey.MAX_LENGTH + 1, max = 200_000) int length)
            throws IOException {
        RawHttp.Response response = send(header("Idempotency-Key", "k".repeat(length).getBytes(US_ASCII)));

        if (length < 4_000) { // well inside Jetty's 8 KiB of request headers: the library answers
            assertThat(response.status()).as("%s", response).isEqualTo(400);
            assertThat(response.text()).contains(PROBLEMS + "invalid-idempotency-key");
        } else {
            assertThat(response.status()).as("%s", response).isIn(400, 431);
        }
    }

    @Provide
    Arbitrary<byte[]> headerValues() {
        Arbitrary<Byte> plain = oneOf("abcxyzABCXYZ0189-_.~!#$%&'*+^`|");
        Arbitrary<Byte> delimiters = oneOf("\"\\,;=: \t(){}[]<>/?@*");
        Arbitrary<Byte> controls = Arbitraries.oneOf(Arbitraries.bytes().between((byte) 0, (byte) 0x1F),
                Arbitraries.just((byte) 0x7F));
        Arbitrary<Byte> nonAscii = Arbitraries.bytes().between(Byte.MIN_VALUE, (byte) -1);
        Arbitrary<byte[]> printable = Arbitraries.frequencyOf(Tuple.of(3, plain), Tuple.of(1, delimiters))
                .list().ofMaxSize(300)
                .map(HostileKeyHeaderPropertiesTest::toArray);
        Arbitrary<byte[]> dirty = Arbitraries.frequencyOf(
                        Tuple.of(12, plain), Tuple.of(6, delimiters), Tuple.of(1, controls), Tuple.of(1, nonAscii))
                .list().ofMaxSize(300)
                .map(HostileKeyHeaderPropertiesTest::toArray);
        Arbitrary<byte[]> quoted = Arbitraries.oneOf(printable, dirty).map(inner -> concat(ascii("\""), inner, ascii("\"")));
        Arbitrary<byte[]> unicode = Arbitraries.strings().all().ofMaxLength(60).map(s -> s.getBytes(UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(6, printable), Tuple.of(4, quoted), Tuple.of(3, dirty), Tuple.of(1, unicode));
    }

    @Provide
    Arbitrary<String> validKeys() {
        return Arbitraries.strings().withCharRange('!', '~').excludeChars('"', ',').ofMinLength(1).ofMaxLength(40);
    }

    @Provide
    Arbitrary<List<String>> severalValidKeys() {
        return validKeys().list().ofMinSize(2).ofMaxSize(4);
    }

    private static RawHttp.Response send(byte[] headerLines) throws IOException {
        byte[] extra = concat(headerLines, ascii("Content-Type: application/json\r\n"));
        RawHttp.Response response = RawHttp.exchange(app.port(), RawHttp.post("/payments", extra, BODY));
        assertThat(response.status()).as("an answer, not a hang-up: %s", response).isPositive().isLessThan(500);
        return response;
    }

    private static boolean isValidKey(String headerValue) {
        try {
            IdempotencyKey.parse(headerValue);
            return true;
        } catch (InvalidIdempotencyKeyException e) {
            return false;
        }
    }

    private static byte[] header(String name, byte[] value) {
        return concat(ascii(name + ": "), value, ascii("\r\n"));
    }

    private static Arbitrary<Byte> oneOf(String ascii) {
        List<Byte> choices = new ArrayList<>();
        for (byte b : ascii(ascii)) {
            choices.add(b);
        }
        return Arbitraries.of(choices);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    private static byte[] toArray(List<Byte> list) {
        byte[] array = new byte[list.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = list.get(i);
        }
        return array;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
