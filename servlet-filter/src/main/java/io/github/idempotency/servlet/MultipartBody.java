package io.github.idempotency.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A parser for {@code multipart/form-data} request bodies (RFC 7578, with the multipart syntax of
 * RFC 2046 section 5.1.1) that are already held in memory.
 *
 * <p>The body is made of an optional preamble, then one delimiter line per part and a close
 * delimiter, then an optional epilogue. The first delimiter is {@code --boundary}, either at the
 * start of the body or after a CRLF; every later one is CRLF {@code --boundary}. A delimiter may
 * be followed by linear whitespace (transport padding), then either {@code --} (the close
 * delimiter: everything after it is epilogue and ignored) or CRLF and a part: header lines
 * {@code Name: value} each ended by CRLF, an empty line, and the content, which runs up to the
 * next CRLF {@code --boundary}. Line endings must be CRLF (bare CR or LF in a part header block
 * is an error); a header line starting with a space or tab continues the previous header
 * (obsolete line folding). {@code --boundary} not preceded by CRLF is content.
 *
 * <p>Every part needs a {@code Content-Disposition: form-data} header with a {@code name}
 * parameter. Parameter names are case-insensitive (the first occurrence of a name wins) and
 * values are tokens or quoted strings; inside a quoted string {@code \"} stands for a quote and
 * every other backslash is kept as sent, so that the Windows paths some browsers send as file
 * names arrive intact.
 *
 * <p>Parsing is linear in the length of the body. The parts returned reference slices of the
 * body array without copying them, so the array must not be modified while the parts are in use.
 * Stateless and thread-safe; the parts it returns are not thread-safe.
 */
final class MultipartBody {

    private static final String MEDIA_TYPE = "multipart/form-data";
    private static final int MAX_BOUNDARY_LENGTH = 70;
    private static final int MAX_SNIPPET_LENGTH = 60;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DASH = '-';

    private MultipartBody() {
    }

    /**
     * Parses an RFC 7578 {@code multipart/form-data} body held in memory. The parts returned
     * reference slices of {@code body} (part content is not copied), in the order they appear.
     *
     * @param body the raw request body bytes; must not be modified while the parts are in use
     * @param length how many bytes at the start of {@code body} are the body
     * @param contentType the request's {@code Content-Type} header value, for example
     *     {@code multipart/form-data; boundary="abc"}: the media type is matched
     *     case-insensitively, the {@code boundary} parameter (name case-insensitive, value a token
     *     or a quoted string of 1 to 70 printable ASCII characters not ending with a space) is
     *     required, other parameters are ignored
     * @param charset the charset of part header values (such as field and file names) and of
     *     text field values: the request's character encoding, or UTF-8 if it declares none; it
     *     must encode ASCII as single bytes, as multipart syntax is ASCII
     * @return the parts, unmodifiable, possibly empty (a body that is only a close delimiter)
     * @throws ServletException if the content type is not {@code multipart/form-data} or has no
     *     valid boundary, or the body is malformed: no delimiter, a delimiter followed by
     *     anything but transport padding and CRLF or {@code --}, a part header block that is not
     *     ended by an empty line or has a line that is not {@code Name: value}, a part without
     *     {@code Content-Disposition: form-data} and a {@code name} parameter, or no close
     *     delimiter; the message says what is wrong and where
     * @throws NullPointerException if {@code body} or {@code charset} is null
     * @throws IndexOutOfBoundsException if {@code length} is negative or larger than the array
     */
    static List<Part> parse(byte[] body, int length, String contentType, Charset charset) throws ServletException {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(charset, "charset");
        Objects.checkFromIndexSize(0, length, body.length);
        byte[] dashBoundary = ("--" + boundary(contentType)).getBytes(StandardCharsets.US_ASCII);
        byte[] delimiter = new byte[dashBoundary.length + 2];
        delimiter[0] = CR;
        delimiter[1] = LF;
        System.arraycopy(dashBoundary, 0, delimiter, 2, dashBoundary.length);

        int position; // just after the --boundary of the current delimiter
        if (regionEquals(body, 0, length, dashBoundary)) {
            position = dashBoundary.length;
        } else {
            int found = findDelimiter(body, 0, length, delimiter);
            if (found < 0) {
                throw new ServletException("malformed multipart body: no delimiter line \"" + ascii(dashBoundary)
                        + "\" found in the " + length + "-byte body (does the boundary parameter match the body?)");
            }
            position = found + delimiter.length;
        }

        List<Part> parts = new ArrayList<>();
        while (true) {
            int afterPadding = position;
            while (afterPadding < length && (body[afterPadding] == ' ' || body[afterPadding] == '\t')) {
                afterPadding++;
            }
            if (afterPadding + 1 < length && body[afterPadding] == DASH && body[afterPadding + 1] == DASH) {
                return Collections.unmodifiableList(parts); // close delimiter; the rest is epilogue
            }
            boolean crlf = afterPadding + 1 < length && body[afterPadding] == CR && body[afterPadding + 1] == LF;
            boolean truncated = afterPadding == length
                    || afterPadding + 1 == length && (body[afterPadding] == DASH || body[afterPadding] == CR);
            if (truncated) {
                throw new ServletException("malformed multipart body: missing closing delimiter \""
                        + ascii(dashBoundary) + "--\": the body ends after the delimiter at byte offset "
                        + (position - dashBoundary.length));
            }
            if (!crlf) {
                throw new ServletException("malformed multipart body: the delimiter at byte offset "
                        + (position - dashBoundary.length) + " is followed by \""
                        + snippet(body, afterPadding, length, charset) + "\" where CRLF (a part follows) or \"--\""
                        + " (the close delimiter) is expected; lines must end with CRLF");
            }
            int partNumber = parts.size() + 1;
            int headerStart = afterPadding + 2;
            List<String[]> headers = new ArrayList<>();
            int contentStart = parseHeaders(body, headerStart, length, charset, dashBoundary, partNumber, headers);
            int found = findDelimiter(body, contentStart, length, delimiter);
            if (found < 0) {
                throw new ServletException("malformed multipart body: missing closing delimiter: the content of part #"
                        + partNumber + " (from byte offset " + contentStart + ") is not followed by CRLF \""
                        + ascii(dashBoundary) + "\"; the body may be truncated");
            }
            parts.add(newPart(body, contentStart, found - contentStart, headers, partNumber, headerStart));
            position = found + delimiter.length;
        }
    }

    /**
     * @param contentType a {@code Content-Type} header value, possibly null
     * @return whether its media type is {@code multipart/form-data}, compared case-insensitively
     *     and ignoring parameters; false for null
     */
    static boolean isMultipart(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return mediaType.trim().equalsIgnoreCase(MEDIA_TYPE);
    }

    /**
     * Collects the text fields: the parts without a submitted file name.
     *
     * @param parts parts, typically from {@link #parse}; parts of other implementations are read
     *     through {@link Part#getInputStream()}
     * @param charset the charset to decode the field values with
     * @return field name to values, unmodifiable; names in order of first appearance and the
     *     values of each name in order of appearance, including repeated and empty values
     * @throws UncheckedIOException if reading a part of another implementation fails
     */
    static Map<String, List<String>> textFields(List<Part> parts, Charset charset) {
        Objects.requireNonNull(charset, "charset");
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (Part part : parts) {
            if (part.getSubmittedFileName() != null) {
                continue;
            }
            String value;
            if (part instanceof BodyPart bodyPart) {
                value = new String(bodyPart.body, bodyPart.offset, bodyPart.length, charset);
            } else {
                try (InputStream in = part.getInputStream()) {
                    value = new String(in.readAllBytes(), charset);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read multipart field " + part.getName(), e);
                }
            }
            fields.computeIfAbsent(part.getName(), name -> new ArrayList<>()).add(value);
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        fields.forEach((name, values) -> result.put(name, Collections.unmodifiableList(values)));
        return Collections.unmodifiableMap(result);
    }

    /** The boundary parameter of a multipart/form-data content type, validated. */
    private static String boundary(String contentType) throws ServletException {
        if (!isMultipart(contentType)) {
            throw new ServletException("the request content type " + (contentType == null ? "is missing" : "\""
                    + contentType + "\" is not " + MEDIA_TYPE) + "; a multipart body needs " + MEDIA_TYPE);
        }
        String boundary = HeaderValue.parse(contentType, "the Content-Type header").parameters.get("boundary");
        if (boundary == null) {
            throw new ServletException("the content type \"" + contentType + "\" has no boundary parameter");
        }
        if (boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH) {
            throw new ServletException("the boundary parameter of \"" + contentType + "\" has " + boundary.length()
                    + " characters; a boundary has 1 to " + MAX_BOUNDARY_LENGTH);
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new ServletException("the boundary parameter of \"" + contentType
                        + "\" has a character that is not printable ASCII at index " + i);
            }
        }
        if (boundary.endsWith(" ")) {
            throw new ServletException("the boundary parameter of \"" + contentType + "\" ends with a space");
        }
        return boundary;
    }

    /**
     * Parses a part's header block starting at {@code start} into {@code headers} (name as sent,
     * value) and returns the offset of the part's content, just after the empty line.
     */
    private static int parseHeaders(byte[] body, int start, int length, Charset charset, byte[] dashBoundary,
            int partNumber, List<String[]> headers) throws ServletException {
        int lineStart = start;
        while (true) {
            int lineEnd = lineStart;
            while (true) {
                if (lineEnd >= length) {
                    throw new ServletException("malformed multipart body: the header block of part #" + partNumber
                            + " (from byte offset " + start + ") is not terminated by an empty line (CRLF CRLF)"
                            + " before the end of the body");
                }
                byte b = body[lineEnd];
                if (b == CR && lineEnd + 1 < length && body[lineEnd + 1] == LF) {
                    break;
                }
                if (b == CR || b == LF) {
                    throw new ServletException("malformed multipart body: bare " + (b == CR ? "CR" : "LF")
                            + " at byte offset " + lineEnd + " in the header block of part #" + partNumber
                            + "; header lines must end with CRLF");
                }
                lineEnd++;
            }
            if (lineEnd == lineStart) {
                return lineEnd + 2;
            }
            if (regionEquals(body, lineStart, lineEnd, dashBoundary)) {
                throw new ServletException("malformed multipart body: the header block of part #" + partNumber
                        + " (from byte offset " + start + ") is not terminated by an empty line (CRLF CRLF) before"
                        + " the next delimiter at byte offset " + lineStart);
            }
            String line = new String(body, lineStart, lineEnd - lineStart, charset);
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (headers.isEmpty()) {
                    throw new ServletException("malformed multipart body: the header block of part #" + partNumber
                            + " starts with a continuation line \"" + shorten(line) + "\"");
                }
                String[] previous = headers.get(headers.size() - 1);
                previous[1] = (previous[1] + " " + line.trim()).trim();
            } else {
                int colon = line.indexOf(':');
                String name = colon < 0 ? "" : line.substring(0, colon).trim();
                if (name.isEmpty()) {
                    throw new ServletException("malformed multipart body: header line \"" + shorten(line)
                            + "\" of part #" + partNumber + " (at byte offset " + lineStart
                            + ") is not \"Name: value\"");
                }
                headers.add(new String[] {name, line.substring(colon + 1).trim()});
            }
            lineStart = lineEnd + 2;
        }
    }

    private static BodyPart newPart(byte[] body, int offset, int length, List<String[]> headers, int partNumber,
            int headerStart) throws ServletException {
        String disposition = firstHeader(headers, "Content-Disposition");
        String where = "part #" + partNumber + " (headers at byte offset " + headerStart + ")";
        if (disposition == null) {
            throw new ServletException("malformed multipart body: " + where + " has no Content-Disposition header;"
                    + " every part of multipart/form-data needs \"Content-Disposition: form-data; name=...\"");
        }
        HeaderValue parsed = HeaderValue.parse(disposition, "the Content-Disposition header of " + where);
        if (!parsed.value.equalsIgnoreCase("form-data")) {
            throw new ServletException("malformed multipart body: the Content-Disposition of " + where + " is \""
                    + shorten(disposition) + "\", not form-data");
        }
        String name = parsed.parameters.get("name");
        if (name == null) {
            throw new ServletException("malformed multipart body: the Content-Disposition of " + where + " (\""
                    + shorten(disposition) + "\") has no name parameter");
        }
        String fileName = parsed.parameters.get("filename");
        String extendedFileName = parsed.parameters.get("filename*");
        if (extendedFileName != null) {
            String decoded = decodeExtendedValue(extendedFileName);
            if (decoded != null) {
                fileName = decoded;
            } else if (fileName == null) {
                fileName = extendedFileName;
            }
        }
        return new BodyPart(body, offset, length, name, fileName, firstHeader(headers, "Content-Type"),
                List.copyOf(headers));
    }

    /**
     * Decodes an RFC 5987 ext-value {@code charset'[language]'percent-encoded}, or returns null
     * if it is not one or its charset is unknown.
     */
    private static String decodeExtendedValue(String value) {
        int firstQuote = value.indexOf('\'');
        int secondQuote = firstQuote < 0 ? -1 : value.indexOf('\'', firstQuote + 1);
        if (secondQuote < 0) {
            return null;
        }
        Charset charset;
        try {
            charset = Charset.forName(value.substring(0, firstQuote).trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = secondQuote + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
                if (low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null;
            }
        }
        return bytes.toString(charset);
    }

    private static String firstHeader(List<String[]> headers, String name) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return header[1];
            }
        }
        return null;
    }

    private static boolean regionEquals(byte[] body, int from, int to, byte[] expected) {
        if (to - from < expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (body[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static String snippet(byte[] body, int from, int length, Charset charset) {
        String text = new String(body, from, Math.min(length - from, MAX_SNIPPET_LENGTH), charset);
        StringBuilder escaped = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> escaped.append("\\r");
                case '\n' -> escaped.append("\\n");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        escaped.append(String.format("\\x%02X", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    private static String shorten(String text) {
        return text.length() <= MAX_SNIPPET_LENGTH ? text : text.substring(0, MAX_SNIPPET_LENGTH) + "...";
    }

    /**
     * Finds the first occurrence of a delimiter (CRLF {@code --boundary}) in {@code bytes[from, to)}.
     *
     * <p>The delimiter's first byte, CR, occurs nowhere else in it (boundaries are printable
     * ASCII), so no occurrence can start inside a partial match: after a mismatch the search goes
     * on from the mismatched byte. Each byte is examined at most twice, whatever the content.
     *
     * @return the offset of the occurrence, or -1
     */
    private static int findDelimiter(byte[] bytes, int from, int to, byte[] delimiter) {
        int matched = 0;
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == delimiter[matched]) {
                if (++matched == delimiter.length) {
                    return i - matched + 1;
                }
            } else if (matched > 0) {
                matched = b == delimiter[0] ? 1 : 0;
            }
        }
        return -1;
    }

    /**
     * A header value of the form {@code value *(; name=value)} such as a {@code Content-Type} or
     * {@code Content-Disposition}: the leading value, trimmed, and the parameters by lower-case
     * name, first occurrence first. Parameters without {@code =} or with an empty name are ignored,
     * as is anything between a quoted value and the next {@code ;}.
     */
    private static final class HeaderValue {

        final String value;
        final Map<String, String> parameters;

        private HeaderValue(String value, Map<String, String> parameters) {
            this.value = value;
            this.parameters = parameters;
        }

        static HeaderValue parse(String header, String what) throws ServletException {
            int semicolon = header.indexOf(';');
            String value = (semicolon < 0 ? header : header.substring(0, semicolon)).trim();
            Map<String, String> parameters = new LinkedHashMap<>();
            int n = header.length();
            int i = semicolon < 0 ? n : semicolon + 1;
            while (i < n) {
                int nameStart = i;
                while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';') {
                    i++;
                }
                if (i >= n || header.charAt(i) == ';') {
                    i++; // a parameter without a value, or an empty one
                    continue;
                }
                String name = header.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
                i++; // '='
                while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                    i++;
                }
                String parameterValue;
                if (i < n && header.charAt(i) == '"') {
                    StringBuilder unquoted = new StringBuilder();
                    int quoteStart = i++;
                    boolean closed = false;
                    while (i < n) {
                        char c = header.charAt(i);
                        if (c == '\\' && i + 1 < n && header.charAt(i + 1) == '"') {
                            unquoted.append('"');
                            i += 2;
                        } else if (c == '"') {
                            closed = true;
                            i++;
                            break;
                        } else {
                            unquoted.append(c);
                            i++;
                        }
                    }
                    if (!closed) {
                        throw new ServletException("unterminated quoted string for parameter "
                                + name + " in " + what + ": " + shorten(header.substring(quoteStart)));
                    }
                    parameterValue = unquoted.toString();
                    while (i < n && header.charAt(i) != ';') {
                        i++;
                    }
                } else {
                    int valueStart = i;
                    while (i < n && header.charAt(i) != ';') {
                        i++;
                    }
                    parameterValue = header.substring(valueStart, i).trim();
                }
                i++; // ';'
                if (!name.isEmpty()) {
                    parameters.putIfAbsent(name, parameterValue);
                }
            }
            return new HeaderValue(value, parameters);
        }
    }

    /** A part: a slice of the body array and the part's headers. */
    private static final class BodyPart implements Part {

        private final byte[] body;
        private final int offset;
        private final int length;
        private final String name;
        private final String submittedFileName;
        private final String contentType;
        private final List<String[]> headers;
        private final Set<Path> writtenFiles = new LinkedHashSet<>();

        BodyPart(byte[] body, int offset, int length, String name, String submittedFileName, String contentType,
                List<String[]> headers) {
            this.body = body;
            this.offset = offset;
            this.length = length;
            this.name = name;
            this.submittedFileName = submittedFileName;
            this.contentType = contentType;
            this.headers = headers;
        }

        /** @return a new stream over the part's content */
        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(body, offset, length);
        }

        /** @return the part's {@code Content-Type} header, or null if it has none */
        @Override
        public String getContentType() {
            return contentType;
        }

        /** @return the {@code name} parameter of the part's {@code Content-Disposition} */
        @Override
        public String getName() {
            return name;
        }

        /**
         * @return the {@code filename*} (RFC 5987, when it can be decoded) or else the
         *     {@code filename} parameter of the part's {@code Content-Disposition}, as sent
         *     (paths are not stripped), or null if it has neither
         */
        @Override
        public String getSubmittedFileName() {
            return submittedFileName;
        }

        /** @return the length of the part's content in bytes */
        @Override
        public long getSize() {
            return length;
        }

        /**
         * Writes the part's content to a file, replacing it if it exists.
         *
         * @param fileName an absolute path, or a path relative to the directory named by the
         *     {@code java.io.tmpdir} system property
         */
        @Override
        public void write(String fileName) throws IOException {
            Path path = Path.of(fileName);
            if (!path.isAbsolute()) {
                path = Path.of(System.getProperty("java.io.tmpdir")).resolve(path);
            }
            try (OutputStream out = Files.newOutputStream(path)) {
                out.write(body, offset, length);
            }
            writtenFiles.add(path);
        }

        /** Deletes the files {@link #write} wrote, if any; the content stays readable. */
        @Override
        public void delete() throws IOException {
            for (var files = writtenFiles.iterator(); files.hasNext(); ) {
                Files.deleteIfExists(files.next());
                files.remove();
            }
        }

        /** @return the first value of the header with that name, compared case-insensitively, or null */
        @Override
        public String getHeader(String headerName) {
            return firstHeader(headers, headerName);
        }

        /** @return the values of the header with that name, compared case-insensitively; empty if none */
        @Override
        public Collection<String> getHeaders(String headerName) {
            List<String> values = new ArrayList<>();
            for (String[] header : headers) {
                if (header[0].equalsIgnoreCase(headerName)) {
                    values.add(header[1]);
                }
            }
            return Collections.unmodifiableList(values);
        }

        /** @return the names of the part's headers as sent, each once, in order of first appearance */
        @Override
        public Collection<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String[] header : headers) {
                if (names.stream().noneMatch(header[0]::equalsIgnoreCase)) {
                    names.add(header[0]);
                }
            }
            return Collections.unmodifiableList(names);
        }

        @Override
        public String toString() {
            return "Part[name=" + name + (submittedFileName == null ? "" : ", filename=" + submittedFileName)
                    + ", size=" + length + "]";
        }
    }
}
