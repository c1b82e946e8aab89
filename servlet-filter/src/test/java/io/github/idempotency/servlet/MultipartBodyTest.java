package io.github.idempotency.servlet;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartBodyTest {

    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    // ---------------------------------------------------------------- well-formed bodies

    @Test
    void parsesABrowserStyleBodyWithTextFieldsAndABinaryFile() throws Exception {
        byte[] file = binaryFileContent();
        byte[] body = concat(latin1("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"title\"\r\n"
                + "\r\n"
                + "Hello, world\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"amount\"\r\n"
                + "\r\n"
                + "42\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"upload\"; filename=\"data.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "\r\n"), file, latin1("\r\n--" + BOUNDARY + "--\r\n"));

        List<Part> parts = MultipartBody.parse(body, body.length, CONTENT_TYPE, UTF_8);

        assertThat(parts).extracting(Part::getName).containsExactly("title", "amount", "upload");
        assertThat(parts).extracting(Part::getSubmittedFileName).containsExactly(null, null, "data.bin");
        assertThat(parts).extracting(Part::getContentType).containsExactly(null, null, "application/octet-stream");
        assertThat(content(parts.get(0))).isEqualTo(latin1("Hello, world"));
        assertThat(content(parts.get(1))).isEqualTo(latin1("42"));
        Part upload = parts.get(2);
        assertThat(upload.getSize()).isEqualTo(file.length);
        assertThat(content(upload)).isEqualTo(file);
        assertThat(MultipartBody.textFields(parts, UTF_8))
                .containsExactly(entry("title", List.of("Hello, world")), entry("amount", List.of("42")));
    }

    /** Every byte value, and line breaks and dashes that look like (but are not) a delimiter. */
    private static byte[] binaryFileContent() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            out.write(i);
        }
        out.writeBytes(latin1("\r\n\r\n\r\n--\r\n-- --" + BOUNDARY + "\n--" + BOUNDARY + "\r--" + BOUNDARY
                + "\r\n-" + BOUNDARY + "\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "X"));
        for (int i = 255; i >= 0; i--) {
            out.write(i);
        }
        out.writeBytes(latin1("\r\n"));
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "multipart/form-data; boundary=abc",
            "multipart/form-data; boundary=\"abc\"",
            "multipart/form-data;boundary=abc",
            "Multipart/Form-Data; charset=UTF-8; BOUNDARY=\"abc\"",
            "  multipart/form-data  ;  Boundary =  abc  ; foo=bar",
            "multipart/form-data; foo=\"x; boundary=zzz\"; boundary=abc",
            "multipart/form-data; boundary=abc; boundary=zzz",
    })
    void acceptsQuotedAndUnquotedBoundaryParameters(String contentType) throws Exception {
        List<Part> parts = parse(contentType, "--abc\r\n"
                + "Content-Disposition: form-data; name=field\r\n"
                + "\r\n"
                + "value\r\n"
                + "--abc--");

        assertThat(MultipartBody.textFields(parts, UTF_8)).containsExactly(entry("field", List.of("value")));
    }

    @Test
    void acceptsABoundaryWithEveryCharacterRfc2046AllowsWhenQuoted() throws Exception {
        String boundary = "0aZ'()+_,-./:=? x";
        List<Part> parts = parse("multipart/form-data; boundary=\"" + boundary + "\"", "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=a\r\n"
                + "\r\n"
                + "1\r\n"
                + "--" + boundary + "--");

        assertThat(MultipartBody.textFields(parts, UTF_8)).containsExactly(entry("a", List.of("1")));
    }

    @Test
    void acceptsBoundariesOfOneAndSeventyCharacters() throws Exception {
        for (String boundary : List.of("x", "b".repeat(70))) {
            List<Part> parts = parse("multipart/form-data; boundary=" + boundary, "--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=a\r\n\r\n1\r\n--" + boundary + "--");

            assertThat(parts).extracting(Part::getName).containsExactly("a");
        }
    }

    @Test
    void ignoresThePreambleAndTheEpilogue() throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc", "This is a preamble: --abc is not at a line"
                + " start here.\r\nNor here x--abc\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=a\r\n"
                + "\r\n"
                + "1\r\n"
                + "--abc--\r\n"
                + "This is the epilogue.\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=ignored\r\n"
                + "\r\n"
                + "2\r\n"
                + "--abc--\r\n"
                + "garbage without structure \r\n\n--");

        assertThat(parts).extracting(Part::getName).containsExactly("a");
        assertThat(content(parts.get(0))).isEqualTo(latin1("1"));
    }

    @Test
    void acceptsAFirstDelimiterAfterACrlfWithoutPreamble() throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc",
                "\r\n--abc\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--abc--");

        assertThat(parts).extracting(Part::getName).containsExactly("a");
    }

    @Test
    void acceptsTransportPaddingAfterDelimiters() throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc", "--abc \t \r\n"
                + "Content-Disposition: form-data; name=a\r\n\r\n1\r\n"
                + "--abc\t\r\n"
                + "Content-Disposition: form-data; name=b\r\n\r\n2\r\n"
                + "--abc  --  \r\n");

        assertThat(MultipartBody.textFields(parts, UTF_8))
                .containsExactly(entry("a", List.of("1")), entry("b", List.of("2")));
    }

    @Test
    void aBodyWithOnlyTheCloseDelimiterHasNoParts() throws Exception {
        assertThat(parse("multipart/form-data; boundary=abc", "--abc--")).isEmpty();
        assertThat(parse("multipart/form-data; boundary=abc", "preamble\r\n--abc--\r\n")).isEmpty();
    }

    @Test
    void allowsPartsWithEmptyContent() throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc", "--abc\r\n"
                + "Content-Disposition: form-data; name=empty\r\n"
                + "\r\n"
                + "\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "\r\n"
                + "\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=\"\"\r\n"
                + "\r\n"
                + "\r\n"
                + "--abc--");

        assertThat(parts).extracting(Part::getName).containsExactly("empty", "file", "");
        assertThat(parts).extracting(Part::getSize).containsExactly(0L, 0L, 0L);
        assertThat(parts).extracting(Part::getSubmittedFileName).containsExactly(null, "", null);
        assertThat(content(parts.get(1))).isEmpty();
        assertThat(MultipartBody.textFields(parts, UTF_8))
                .containsExactly(entry("empty", List.of("")), entry("", List.of("")));
    }

    @Test
    void contentEndsAtTheFirstCrlfDelimiterSoContentMayEndWithLineBreaks() throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc", "--abc\r\n"
                + "Content-Disposition: form-data; name=a\r\n"
                + "\r\n"
                + "\r\n\r\nline\r\n\r\n\r\n"
                + "--abc--");

        assertThat(content(parts.get(0))).isEqualTo(latin1("\r\n\r\nline\r\n\r\n"));
    }

    @Test
    void decodesUtf8FieldNamesValuesAndFileNames() throws Exception {
        byte[] body = utf8("--abc\r\n"
                + "Content-Disposition: form-data; name=\"prénom\"\r\n"
                + "\r\n"
                + "Zoë 日本語 🎉\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=\"pièce\"; filename=\"résumé 日本.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n"
                + "\r\n"
                + "%PDF\r\n"
                + "--abc--\r\n");

        List<Part> parts = MultipartBody.parse(body, body.length, "multipart/form-data; boundary=abc", UTF_8);

        assertThat(parts).extracting(Part::getName).containsExactly("prénom", "pièce");
        assertThat(parts.get(1).getSubmittedFileName()).isEqualTo("résumé 日本.pdf");
        assertThat(MultipartBody.textFields(parts, UTF_8)).containsExactly(entry("prénom", List.of("Zoë 日本語 🎉")));
    }

    @Test
    void decodesHeadersAndValuesWithTheGivenCharset() throws Exception {
        byte[] body = latin1("--abc\r\n"
                + "Content-Disposition: form-data; name=\"prénom\"; filename=\"façade.txt\"\r\n"
                + "\r\n"
                + "x\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=\"ville\"\r\n"
                + "\r\n"
                + "Zürich\r\n"
                + "--abc--");

        List<Part> parts = MultipartBody.parse(body, body.length, "multipart/form-data; boundary=abc", ISO_8859_1);

        assertThat(parts.get(0).getName()).isEqualTo("prénom");
        assertThat(parts.get(0).getSubmittedFileName()).isEqualTo("façade.txt");
        assertThat(MultipartBody.textFields(parts, ISO_8859_1)).containsExactly(entry("ville", List.of("Zürich")));
    }

    @ParameterizedTest
    @MethodSource
    void extendedFileNamesTakePrecedence(String disposition, String expectedFileName) throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc",
                "--abc\r\nContent-Disposition: " + disposition + "\r\n\r\nx\r\n--abc--");

        assertThat(parts.get(0).getSubmittedFileName()).isEqualTo(expectedFileName);
    }

    static Stream<Arguments> extendedFileNamesTakePrecedence() {
        return Stream.of(
                Arguments.of("form-data; name=f; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt",
                        "€ rates.txt"),
                Arguments.of("form-data; name=f; filename*=UTF-8''%E2%82%AC%20rates.txt; filename=\"fallback.txt\"",
                        "€ rates.txt"),
                Arguments.of("form-data; name=f; FILENAME*=utf-8'en'%c3%a9t%C3%A9.txt", "été.txt"),
                Arguments.of("form-data; name=f; filename*=ISO-8859-1'en'%A3%20rates", "£ rates"),
                Arguments.of("form-data; name=f; filename*=\"UTF-8''a%20b\"", "a b"),
                // undecodable: unknown charset, bad percent escape, no quotes: fall back to filename
                Arguments.of("form-data; name=f; filename=\"fallback.txt\"; filename*=X-NO-SUCH-CHARSET''a",
                        "fallback.txt"),
                Arguments.of("form-data; name=f; filename=\"fallback.txt\"; filename*=UTF-8''%E2%8", "fallback.txt"),
                Arguments.of("form-data; name=f; filename=\"fallback.txt\"; filename*=plain", "fallback.txt"),
                // undecodable and no filename: still a file, named as sent
                Arguments.of("form-data; name=f; filename*=UTF-8''%zz", "UTF-8''%zz"));
    }

    @ParameterizedTest
    @MethodSource
    void parsesDispositionParameters(String disposition, String expectedName, String expectedFileName)
            throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc",
                "--abc\r\nContent-Disposition: " + disposition + "\r\n\r\nx\r\n--abc--");

        assertThat(parts.get(0).getName()).isEqualTo(expectedName);
        assertThat(parts.get(0).getSubmittedFileName()).isEqualTo(expectedFileName);
    }

    static Stream<Arguments> parsesDispositionParameters() {
        return Stream.of(
                Arguments.of("form-data; name=\"f\"; filename=\"C:\\Users\\me\\photo.jpg\"", "f",
                        "C:\\Users\\me\\photo.jpg"),
                Arguments.of("form-data; name=\"f\"; filename=\"\\\\server\\share\\a.txt\"", "f",
                        "\\\\server\\share\\a.txt"),
                Arguments.of("form-data; name=\"f\"; filename=\"../../etc/passwd\"", "f", "../../etc/passwd"),
                Arguments.of("form-data; name=\"f\"; filename=\"a \\\"quoted\\\" name.txt\"", "f",
                        "a \"quoted\" name.txt"),
                Arguments.of("form-data; name=\"a;b=c\"; filename=\"x; filename=y\"", "a;b=c", "x; filename=y"),
                Arguments.of("form-data; name=plain; filename=plain.txt", "plain", "plain.txt"),
                Arguments.of("form-data; name=my field ; filename= my file.txt ", "my field", "my file.txt"),
                Arguments.of("FORM-DATA; NAME=\"f\"; FileName=\"x.txt\"", "f", "x.txt"),
                Arguments.of("form-data;name=\"first\";name=\"second\"", "first", null),
                Arguments.of("form-data; ; flag; name=\"f\" ;", "f", null),
                Arguments.of("form-data; name=\"f\"junk; filename=\"x\"", "f", "x"),
                Arguments.of("form-data; name=\"\"", "", null));
    }

    @Test
    void textFieldsKeepEveryValueOfRepeatedNamesInOrderAndSkipFiles() throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc", "--abc\r\n"
                + "Content-Disposition: form-data; name=a\r\n\r\n1\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=b\r\n\r\nx\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=a\r\n\r\n2\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=a; filename=a.txt\r\n\r\nfile\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=a\r\n\r\n\r\n"
                + "--abc\r\n"
                + "Content-Disposition: form-data; name=a\r\n\r\n3\r\n"
                + "--abc--");

        Map<String, List<String>> fields = MultipartBody.textFields(parts, UTF_8);

        assertThat(fields).containsExactly(entry("a", List.of("1", "2", "", "3")), entry("b", List.of("x")));
        assertThatThrownBy(() -> fields.put("c", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.get("a").add("4")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(MultipartBody.textFields(List.of(), UTF_8)).isEmpty();
    }

    @Test
    void looksUpHeadersCaseInsensitively() throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc", "--abc\r\n"
                + "content-disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
                + "CONTENT-TYPE:text/plain; charset=UTF-8  \r\n"
                + "X-Custom:   one  \r\n"
                + "x-custom: two\r\n"
                + "X-Folded: first\r\n"
                + " \tsecond\r\n"
                + "X-Empty:\r\n"
                + "\r\n"
                + "x\r\n"
                + "--abc--");
        Part part = parts.get(0);

        assertThat(part.getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertThat(part.getHeader("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
        assertThat(part.getHeader("x-CUSTOM")).isEqualTo("one");
        assertThat(part.getHeaders("X-CUSTOM")).containsExactly("one", "two");
        assertThat(part.getHeader("x-folded")).isEqualTo("first second");
        assertThat(part.getHeader("X-Empty")).isEmpty();
        assertThat(part.getHeader("Missing")).isNull();
        assertThat(part.getHeaders("Missing")).isEmpty();
        assertThat(part.getHeaderNames())
                .containsExactly("content-disposition", "CONTENT-TYPE", "X-Custom", "X-Folded", "X-Empty");
        assertThat(part.toString()).contains("f", "x.txt");
    }

    @Test
    void aPartWithoutContentTypeHasNone() throws Exception {
        Part part = parse("multipart/form-data; boundary=abc",
                "--abc\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--abc--").get(0);

        assertThat(part.getContentType()).isNull();
        assertThat(part.getHeaderNames()).containsExactly("Content-Disposition");
    }

    @Test
    void getInputStreamReadsTheSliceEachTime() throws Exception {
        byte[] body = latin1("--abc\r\nContent-Disposition: form-data; name=a\r\n\r\n0123456789\r\n--abc--");
        byte[] withTrailingBytes = Arrays.copyOf(body, body.length + 100);
        Arrays.fill(withTrailingBytes, body.length, withTrailingBytes.length, (byte) 'Z');

        Part part = MultipartBody.parse(withTrailingBytes, body.length, "multipart/form-data; boundary=abc", UTF_8)
                .get(0);

        assertThat(part.getSize()).isEqualTo(10);
        try (InputStream in = part.getInputStream()) {
            assertThat(in.read()).isEqualTo('0');
            assertThat(in.readAllBytes()).isEqualTo(latin1("123456789"));
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(content(part)).isEqualTo(latin1("0123456789"));
    }

    @Test
    void onlyTheFirstLengthBytesAreTheBody() throws Exception {
        byte[] body = latin1("--abc\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--abc--");

        assertThatThrownBy(() -> MultipartBody.parse(body, body.length - 2, "multipart/form-data; boundary=abc",
                UTF_8)).isInstanceOf(ServletException.class).hasMessageContaining("missing closing delimiter");
        assertThatThrownBy(() -> MultipartBody.parse(body, body.length + 1, "multipart/form-data; boundary=abc",
                UTF_8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> MultipartBody.parse(body, -1, "multipart/form-data; boundary=abc", UTF_8))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void thePartListIsUnmodifiable() throws Exception {
        List<Part> parts = parse("multipart/form-data; boundary=abc",
                "--abc\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--abc--");

        assertThatThrownBy(() -> parts.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void writeResolvesRelativeNamesAgainstJavaIoTmpdirAndDeleteRemovesTheFiles(@TempDir Path tempDir)
            throws Exception {
        byte[] file = binaryFileContent();
        byte[] body = concat(latin1("--abc\r\nContent-Disposition: form-data; name=f; filename=f.bin\r\n\r\n"), file,
                latin1("\r\n--abc--"));
        Part part = MultipartBody.parse(body, body.length, "multipart/form-data; boundary=abc", UTF_8).get(0);
        part.delete(); // nothing written yet: nothing to do
        Path absolute = tempDir.resolve("absolute.bin");

        String previousTmpdir = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tempDir.toAbsolutePath().toString());
        try {
            part.write("relative.bin");
            part.write(absolute.toString());
        } finally {
            System.setProperty("java.io.tmpdir", previousTmpdir);
        }

        Path relative = tempDir.resolve("relative.bin");
        assertThat(Files.readAllBytes(relative)).isEqualTo(file);
        assertThat(Files.readAllBytes(absolute)).isEqualTo(file);

        part.delete();

        assertThat(relative).doesNotExist();
        assertThat(absolute).doesNotExist();
        part.delete();
        assertThat(content(part)).isEqualTo(file);
    }

    @Test
    void writeReplacesAnExistingFile(@TempDir Path tempDir) throws Exception {
        Part part = parse("multipart/form-data; boundary=abc",
                "--abc\r\nContent-Disposition: form-data; name=f; filename=f.txt\r\n\r\nnew\r\n--abc--").get(0);
        Path target = tempDir.resolve("f.txt");
        Files.writeString(target, "old content that is longer");

        part.write(target.toString());

        assertThat(target).hasContent("new");
    }

    // ---------------------------------------------------------------- isMultipart

    @ParameterizedTest
    @ValueSource(strings = {
            "multipart/form-data",
            "multipart/form-data; boundary=abc",
            "MULTIPART/FORM-DATA;boundary=abc",
            " Multipart/Form-Data ; charset=UTF-8",
    })
    void recognisesMultipartFormData(String contentType) {
        assertThat(MultipartBody.isMultipart(contentType)).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "",
            "multipart/mixed; boundary=abc",
            "application/x-www-form-urlencoded",
            "multipart/form-data-extended",
            "text/plain; note=multipart/form-data",
            "multipart/form",
    })
    void rejectsOtherContentTypes(String contentType) {
        assertThat(MultipartBody.isMultipart(contentType)).isFalse();
    }

    // ---------------------------------------------------------------- malformed input

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void rejectsMalformedInputWithAHelpfulMessage(String description, String contentType, String body,
            List<String> expectedFragments) {
        byte[] bytes = latin1(body);

        assertThatThrownBy(() -> MultipartBody.parse(bytes, bytes.length, contentType, UTF_8))
                .as(description)
                .isInstanceOf(ServletException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(expectedFragments));
    }

    static Stream<Arguments> rejectsMalformedInputWithAHelpfulMessage() {
        String ct = "multipart/form-data; boundary=abc";
        String part = "--abc\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue";
        return Stream.of(
                malformed("no content type", null, "--abc--", "content type is missing", "multipart/form-data"),
                malformed("other content type", "application/json", "{}", "\"application/json\" is not multipart/form-data"),
                malformed("other multipart type", "multipart/mixed; boundary=abc", "--abc--", "not multipart/form-data"),
                malformed("no boundary", "multipart/form-data", "--abc--", "no boundary parameter"),
                malformed("no boundary among other parameters", "multipart/form-data; charset=UTF-8; x=\"boundary=abc\"",
                        "--abc--", "no boundary parameter"),
                malformed("empty boundary", "multipart/form-data; boundary=\"\"", "----", "has 0 characters", "1 to 70"),
                malformed("empty unquoted boundary", "multipart/form-data; boundary=", "----", "1 to 70"),
                malformed("boundary too long", "multipart/form-data; boundary=" + "b".repeat(71),
                        "--" + "b".repeat(71) + "--", "has 71 characters", "1 to 70"),
                malformed("boundary ending with a space", "multipart/form-data; boundary=\"abc \"", "--abc --",
                        "ends with a space"),
                malformed("non-ASCII boundary", "multipart/form-data; boundary=abcé", "--abc--", "printable ASCII"),
                malformed("unterminated quoted boundary", "multipart/form-data; boundary=\"abc", "--abc--",
                        "unterminated quoted string", "boundary", "Content-Type"),
                malformed("empty body", ct, "", "no delimiter line \"--abc\"", "0-byte body"),
                malformed("body without delimiter", ct, "hello world", "no delimiter line \"--abc\""),
                malformed("body with another boundary", ct,
                        "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--xyz--", "no delimiter line"),
                malformed("delimiter only inside a line", ct, "x--abc\r\nContent-Disposition: form-data; name=a\r\n"
                        + "\r\n1", "no delimiter line"),
                malformed("content without closing delimiter", ct, part, "missing closing delimiter", "part #1"),
                malformed("content ends with a line break", ct, part + "\r\n", "missing closing delimiter"),
                malformed("body ends after a delimiter", ct, part + "\r\n--abc", "missing closing delimiter",
                        "\"--abc--\""),
                malformed("body ends after a delimiter and padding", ct, part + "\r\n--abc  ",
                        "missing closing delimiter"),
                malformed("body ends after half a close delimiter", ct, part + "\r\n--abc-",
                        "missing closing delimiter"),
                malformed("body ends after a delimiter and CR", ct, part + "\r\n--abc\r", "missing closing delimiter"),
                malformed("bytes after the first delimiter", ct, "--abcX\r\nContent-Disposition: form-data; name=a"
                        + "\r\n\r\n1\r\n--abc--", "followed by \"X\\r\\n", "CRLF", "offset 0"),
                malformed("bytes after a later delimiter", ct, part + "\r\n--abcdef\r\n\r\n--abc--",
                        "followed by \"def", "offset " + (part.length() + 2)),
                malformed("bare LF line endings", ct, "--abc\nContent-Disposition: form-data; name=a\n\nvalue\n"
                        + "--abc--\n", "CRLF"),
                malformed("bare LF in headers", ct, "--abc\r\nContent-Disposition: form-data; name=a\n\r\nvalue\r\n"
                        + "--abc--", "bare LF", "part #1", "CRLF"),
                malformed("bare CR in headers", ct, "--abc\r\nContent-Disposition: form-data; name=a\r\r\n\r\nvalue"
                        + "\r\n--abc--", "bare CR"),
                malformed("header block cut off", ct, "--abc\r\nContent-Disposition: form-data; name=a",
                        "header block of part #1", "not terminated by an empty line", "end of the body"),
                malformed("header block cut off after a line", ct, "--abc\r\nContent-Disposition: form-data; name=a"
                        + "\r\n", "not terminated by an empty line"),
                malformed("header block running into the next delimiter", ct, "--abc\r\nContent-Disposition:"
                        + " form-data; name=a\r\n--abc--\r\n", "not terminated by an empty line", "next delimiter"),
                malformed("header line without colon", ct, "--abc\r\nContent-Disposition form-data\r\n\r\nx\r\n"
                        + "--abc--", "header line \"Content-Disposition form-data\"", "not \"Name: value\""),
                malformed("header line without name", ct, "--abc\r\n: form-data\r\n\r\nx\r\n--abc--",
                        "not \"Name: value\""),
                malformed("leading continuation line", ct, "--abc\r\n folded\r\nContent-Disposition: form-data;"
                        + " name=a\r\n\r\nx\r\n--abc--", "continuation line"),
                malformed("part without headers", ct, "--abc\r\n\r\nx\r\n--abc--", "no Content-Disposition header"),
                malformed("part without Content-Disposition", ct, "--abc\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                        + "--abc--", "part #1", "no Content-Disposition header"),
                malformed("Content-Disposition not form-data", ct, "--abc\r\nContent-Disposition: attachment;"
                        + " name=a\r\n\r\nx\r\n--abc--", "\"attachment; name=a\", not form-data"),
                malformed("Content-Disposition without name", ct, "--abc\r\nContent-Disposition: form-data;"
                        + " filename=\"a.txt\"\r\n\r\nx\r\n--abc--", "no name parameter"),
                malformed("Content-Disposition with name only inside a quoted value", ct, "--abc\r\n"
                        + "Content-Disposition: form-data; filename=\"; name=a\"\r\n\r\nx\r\n--abc--",
                        "no name parameter"),
                malformed("unterminated quoted name", ct, "--abc\r\nContent-Disposition: form-data; name=\"a\r\n\r\n"
                        + "x\r\n--abc--", "unterminated quoted string", "name", "Content-Disposition"),
                malformed("quoted value ending in an escaped quote", ct, "--abc\r\nContent-Disposition: form-data;"
                        + " name=\"a\\\"\r\n\r\nx\r\n--abc--", "unterminated quoted string"),
                malformed("malformed second part", ct, part + "\r\n--abc\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                        + "--abc--", "part #2", "no Content-Disposition header"));
    }

    private static Arguments malformed(String description, String contentType, String body, String... fragments) {
        return Arguments.of(description, contentType, body, List.of(fragments));
    }

    @Test
    void rejectsNullArguments() {
        assertThatThrownBy(() -> MultipartBody.parse(null, 0, "multipart/form-data; boundary=a", UTF_8))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MultipartBody.parse(new byte[0], 0, "multipart/form-data; boundary=a", null))
                .isInstanceOf(NullPointerException.class);
    }

    // ---------------------------------------------------------------- size

    @Test
    void parsesBodiesOfManyPartsAndPartsFullOfNearMisses() throws ServletException {
        String boundary = "a".repeat(70);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int smallParts = 50_000;
        for (int i = 0; i < smallParts; i++) {
            out.writeBytes(latin1("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=f" + i
                    + "\r\n\r\nv" + i));
        }
        // A 4 MiB part of near-misses: CRLF, dashes and 69 of the 70 boundary characters, over and over.
        byte[] nearMiss = latin1("\r\n--" + "a".repeat(69) + "b");
        out.writeBytes(latin1("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=big; filename=b\r\n\r\n"));
        int repeats = 4 * 1024 * 1024 / nearMiss.length;
        for (int i = 0; i < repeats; i++) {
            out.writeBytes(nearMiss);
        }
        out.writeBytes(latin1("\r\n--" + boundary + "--\r\n"));
        byte[] body = out.toByteArray();

        List<Part> parts = MultipartBody.parse(body, body.length, "multipart/form-data; boundary=" + boundary, UTF_8);

        assertThat(parts).hasSize(smallParts + 1);
        assertThat(parts.get(smallParts - 1).getName()).isEqualTo("f" + (smallParts - 1));
        assertThat(parts.get(smallParts).getSize()).isEqualTo((long) repeats * nearMiss.length);
        assertThat(MultipartBody.textFields(parts, UTF_8)).hasSize(smallParts);
    }

    // ---------------------------------------------------------------- randomised round trip

    private static final String BOUNDARY_CHARS =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=? ";
    private static final String NAME_CHARS_ASCII = "abcXYZ019 _-.;=,'\"\\/()[]{}<>@!#$%&*+?~`|^:";
    private static final int[] NAME_CODE_POINTS_LATIN1 = {0xE9, 0xFC, 0xDF, 0xFF, 0xA3, 0xC0};
    private static final int[] NAME_CODE_POINTS_UNICODE = {0xE9, 0x20AC, 0x65E5, 0x672C, 0x1F389, 0x1D11E};
    private static final List<String> CONTENT_TYPES = List.of("application/octet-stream", "text/plain; charset=UTF-8",
            "image/png", "application/json");

    record PartSpec(String name, String fileName, String contentType, String extraValue, byte[] content) {
    }

    static LongStream seeds() {
        return LongStream.range(0, 300).map(i -> 0x5DEECE66DL * (i + 1) ^ 0x1234_5678_9ABCL);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomBodiesRoundTripExactly(long seed) throws Exception {
        Random random = new Random(seed);
        Charset charset = random.nextBoolean() ? UTF_8 : ISO_8859_1;
        String boundary = randomBoundary(random);
        byte[] delimiter = latin1("\r\n--" + boundary);
        List<PartSpec> specs = new ArrayList<>();
        int count = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(6);
        for (int i = 0; i < count; i++) {
            String fileName = random.nextBoolean() ? randomName(random, charset) : null;
            String contentType = random.nextInt(3) == 0 ? null : CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
            String extraValue = random.nextBoolean() ? null : "v" + random.nextInt(1000) + " x=" + random.nextInt(9);
            specs.add(new PartSpec(randomName(random, charset), fileName, contentType, extraValue,
                    randomContent(random, boundary, delimiter)));
        }

        byte[] body = encode(random, specs, boundary, charset);
        String contentType = "multipart/form-data; " + (random.nextBoolean() ? "charset=x; " : "")
                + randomCase(random, "boundary") + "="
                + (boundary.contains(" ") || random.nextBoolean() ? "\"" + boundary + "\"" : boundary);
        byte[] withSlack = Arrays.copyOf(body, body.length + random.nextInt(3));
        List<Part> parts = MultipartBody.parse(withSlack, body.length, contentType, charset);

        assertThat(parts).hasSize(specs.size());
        Map<String, List<String>> expectedFields = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            PartSpec spec = specs.get(i);
            Part part = parts.get(i);
            assertThat(part.getName()).as("name of part %d, seed %d", i, seed).isEqualTo(spec.name());
            assertThat(part.getSubmittedFileName()).as("file name of part %d", i).isEqualTo(spec.fileName());
            assertThat(part.getContentType()).as("content type of part %d", i).isEqualTo(spec.contentType());
            assertThat(part.getHeader("x-extra")).isEqualTo(spec.extraValue());
            assertThat(part.getSize()).isEqualTo(spec.content().length);
            assertThat(content(part)).as("content of part %d, seed %d", i, seed).isEqualTo(spec.content());
            if (spec.fileName() == null) {
                expectedFields.computeIfAbsent(spec.name(), n -> new ArrayList<>())
                        .add(new String(spec.content(), charset));
            }
        }
        assertThat(MultipartBody.textFields(parts, charset)).containsExactlyEntriesOf(expectedFields);
    }

    private static String randomBoundary(Random random) {
        StringBuilder boundary = new StringBuilder();
        int length = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(70);
        for (int i = 0; i < length; i++) {
            boundary.append(BOUNDARY_CHARS.charAt(random.nextInt(BOUNDARY_CHARS.length() - (i == length - 1 ? 1 : 0))));
        }
        return boundary.toString();
    }

    /** A name with quotes, backslashes, separators and non-ASCII characters, never ending with a backslash. */
    private static String randomName(Random random, Charset charset) {
        int[] codePoints = charset == UTF_8 ? NAME_CODE_POINTS_UNICODE : NAME_CODE_POINTS_LATIN1;
        StringBuilder name = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(4) == 0) {
                name.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
            } else {
                name.append(NAME_CHARS_ASCII.charAt(random.nextInt(NAME_CHARS_ASCII.length())));
            }
        }
        if (name.length() > 0 && name.charAt(name.length() - 1) == '\\') {
            name.append('x');
        }
        return name.toString();
    }

    /** Random bytes with line breaks and near-delimiters mixed in, but never the delimiter itself. */
    private static byte[] randomContent(Random random, String boundary, byte[] delimiter) {
        while (true) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int pieces = random.nextInt(5) == 0 ? 0 : random.nextInt(12);
            for (int i = 0; i < pieces; i++) {
                switch (random.nextInt(9)) {
                    case 0 -> out.writeBytes(latin1("\r\n"));
                    case 1 -> out.writeBytes(latin1("--" + boundary));
                    case 2 -> out.writeBytes(latin1("\n--" + boundary));
                    case 3 -> out.writeBytes(latin1("\r--" + boundary + "--"));
                    case 4 -> out.writeBytes(latin1("\r\n-" + boundary));
                    case 5 -> out.writeBytes(latin1("\r\n--" + boundary.substring(0, random.nextInt(boundary.length()))));
                    case 6 -> out.writeBytes(latin1("\r\n--"));
                    default -> {
                        byte[] bytes = new byte[random.nextInt(random.nextInt(10) == 0 ? 3000 : 40)];
                        random.nextBytes(bytes);
                        out.writeBytes(bytes);
                    }
                }
            }
            byte[] content = out.toByteArray();
            if (indexOf(content, delimiter) < 0 && indexOf(concat(content, delimiter), delimiter) == content.length) {
                return content;
            }
        }
    }

    private static byte[] encode(Random random, List<PartSpec> specs, String boundary, Charset charset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(4)) {
            case 0 -> out.writeBytes(latin1("A preamble, with a line break\r\nand more text\r\n"));
            case 1 -> out.writeBytes(latin1("\r\n"));
            default -> {
                // no preamble: the first delimiter starts the body
            }
        }
        for (PartSpec spec : specs) {
            out.writeBytes(latin1("--" + boundary + padding(random) + "\r\n"));
            StringBuilder disposition = new StringBuilder(randomCase(random, "Content-Disposition") + ": form-data; "
                    + randomCase(random, "name") + "=\"" + quote(spec.name()) + "\"");
            if (spec.fileName() != null) {
                switch (random.nextInt(3)) {
                    case 0 -> disposition.append("; filename*=UTF-8''").append(percentEncode(spec.fileName()));
                    case 1 -> disposition.append("; filename=\"fallback\"; filename*=utf-8'en'")
                            .append(percentEncode(spec.fileName()));
                    default -> disposition.append("; ").append(randomCase(random, "filename")).append("=\"")
                            .append(quote(spec.fileName())).append('"');
                }
            }
            out.writeBytes(disposition.append("\r\n").toString().getBytes(charset));
            if (spec.contentType() != null) {
                out.writeBytes(latin1(randomCase(random, "Content-Type") + ":" + padding(random) + spec.contentType()
                        + padding(random) + "\r\n"));
            }
            if (spec.extraValue() != null) {
                out.writeBytes(latin1(randomCase(random, "X-Extra") + ": " + spec.extraValue() + "\r\n"));
            }
            out.writeBytes(latin1("\r\n"));
            out.writeBytes(spec.content());
            out.writeBytes(latin1("\r\n"));
        }
        out.writeBytes(latin1("--" + boundary + "--" + padding(random)));
        if (random.nextBoolean()) {
            byte[] epilogue = new byte[random.nextInt(100)];
            random.nextBytes(epilogue);
            out.writeBytes(latin1("\r\n"));
            out.writeBytes(epilogue);
            out.writeBytes(latin1("\r\n--" + boundary + "\r\n--" + boundary + "--"));
        }
        return out.toByteArray();
    }

    private static String padding(Random random) {
        return List.of("", "", " ", "\t", " \t ").get(random.nextInt(5));
    }

    private static String randomCase(Random random, String text) {
        StringBuilder result = new StringBuilder();
        for (char c : text.toCharArray()) {
            result.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return result.toString();
    }

    private static String quote(String value) {
        return value.replace("\"", "\\\"");
    }

    private static String percentEncode(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(UTF_8)) {
            int c = b & 0xFF;
            if (Character.isLetterOrDigit(c) && c < 0x80 || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return encoded.toString();
    }

    // ---------------------------------------------------------------- helpers

    private static List<Part> parse(String contentType, String body) throws ServletException {
        byte[] bytes = latin1(body);
        return MultipartBody.parse(bytes, bytes.length, contentType, UTF_8);
    }

    private static byte[] content(Part part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] latin1(String text) {
        return text.getBytes(ISO_8859_1);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    private static byte[] concat(byte[]... arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] array : arrays) {
            out.writeBytes(array);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
