package io.github.idempotency.core.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The binary form of a {@link StoredResponse} for stores that keep bytes (Redis, JDBC): versioned,
 * compact, binary-safe (the body is copied verbatim, no base64), no Java serialization and no type
 * information.
 *
 * <p>Layout, version 1 (all integers big-endian): magic {@code 0x49 0x4B} ("IK"), version byte
 * {@code 1}, status as unsigned 16 bits, header count as 32 bits, then per header the name and the
 * value each as a 32-bit byte length followed by UTF-8 bytes, then the body as a 32-bit length
 * followed by the bytes.
 *
 * <p>Both methods are stateless and thread-safe. A header name or value holding a lone surrogate
 * (not valid UTF-16) is encoded with {@code ?} in its place, as {@link String#getBytes} does.
 */
public final class StoredResponseCodec {

    private static final byte MAGIC_0 = 0x49;
    private static final byte MAGIC_1 = 0x4B;
    private static final byte VERSION = 1;
    /** Magic, version, status and header count. */
    private static final int PREAMBLE_BYTES = 2 + 1 + 2 + 4;
    private static final int LENGTH_BYTES = 4;
    private static final int MAX_ARRAY_SIZE = Integer.MAX_VALUE - 8;

    private StoredResponseCodec() {
    }

    /**
     * Encodes into one array of exactly the encoded size.
     *
     * @param response the response
     * @return its encoded form
     * @throws IllegalArgumentException if the encoded form would exceed the largest Java array
     */
    public static byte[] encode(StoredResponse response) {
        return encode(response, 0);
    }

    /**
     * Encodes after {@code leadingBytes} zero bytes that the caller fills with a record of its
     * own (the in-memory store puts the expiry and the fingerprint there), so that the whole
     * record is one array; {@link #decode(byte[], int)} reads it back from that offset.
     *
     * @param response the response
     * @param leadingBytes how many bytes to leave before the encoded form
     * @return an array of {@code leadingBytes} plus the encoded size
     * @throws IllegalArgumentException if {@code leadingBytes} is negative, or the array would
     *     exceed the largest Java array
     */
    public static byte[] encode(StoredResponse response, int leadingBytes) {
        if (leadingBytes < 0) {
            throw new IllegalArgumentException("leadingBytes must not be negative, was " + leadingBytes);
        }
        List<ResponseHeader> headers = response.headers();
        long size = leadingBytes + PREAMBLE_BYTES + LENGTH_BYTES + (long) response.body().length;
        for (ResponseHeader header : headers) {
            size += 2L * LENGTH_BYTES + utf8Length(header.name()) + utf8Length(header.value());
        }
        if (size > MAX_ARRAY_SIZE) {
            throw new IllegalArgumentException("an encoded response is limited to " + MAX_ARRAY_SIZE
                    + " bytes, this one needs " + size);
        }
        byte[] out = new byte[(int) size];
        out[leadingBytes] = MAGIC_0;
        out[leadingBytes + 1] = MAGIC_1;
        out[leadingBytes + 2] = VERSION;
        int at = writeShort(out, leadingBytes + 3, response.status());
        at = writeInt(out, at, headers.size());
        for (ResponseHeader header : headers) {
            at = writeUtf8(out, at, header.name());
            at = writeUtf8(out, at, header.value());
        }
        at = writeInt(out, at, response.body().length);
        System.arraycopy(response.body(), 0, out, at, response.body().length);
        return out;
    }

    /**
     * Decodes, checking every length against the bytes that remain, so truncated or foreign input
     * is rejected rather than read past its end.
     *
     * @param encoded bytes produced by {@link #encode(StoredResponse)}
     * @return the response
     * @throws IllegalArgumentException if the bytes are not a stored response of a known version
     *     (wrong magic, unknown version, truncated, invalid status, invalid UTF-8 in a header, or
     *     bytes after the body); the message names what is wrong and at which offset
     */
    public static StoredResponse decode(byte[] encoded) {
        return decode(encoded, 0);
    }

    /**
     * Decodes the encoded form that starts at {@code offset} and runs to the end of
     * {@code encoded}, as {@link #encode(StoredResponse, int)} leaves it, with the checks of
     * {@link #decode(byte[])}; offsets in error messages count from the start of the array.
     *
     * @param encoded the array holding the encoded form
     * @param offset where the encoded form starts
     * @return the response
     * @throws IllegalArgumentException as {@link #decode(byte[])} does, or if {@code offset} is
     *     outside the array
     */
    public static StoredResponse decode(byte[] encoded, int offset) {
        if (offset < 0 || offset > encoded.length) {
            throw new IllegalArgumentException("offset " + offset + " is outside the " + encoded.length + " bytes");
        }
        Reader in = new Reader(encoded, offset + 3);
        int status = readPreamble(encoded, offset, in);
        int headerCount = in.readLength("header count");
        // Each header takes at least two length fields: a count beyond that cannot be honest.
        if (headerCount > in.remaining() / (2 * LENGTH_BYTES)) {
            throw new IllegalArgumentException("encoded stored response is truncated or corrupt: header count "
                    + headerCount + " at offset " + (offset + 5) + " does not fit in the " + in.remaining() + " remaining bytes");
        }
        ResponseHeader[] headers = new ResponseHeader[headerCount];
        for (int i = 0; i < headerCount; i++) {
            String name = in.readUtf8("name", i);
            String value = in.readUtf8("value", i);
            headers[i] = new ResponseHeader(name, value);
        }
        int bodyLength = in.readLength("body length");
        int bodyStart = in.take(bodyLength, "body");
        if (in.remaining() != 0) {
            throw new IllegalArgumentException("encoded stored response has " + in.remaining()
                    + " unexpected bytes after the body (offset " + in.at + ")");
        }
        // An immutable list, which the record keeps as it is rather than copying.
        return new StoredResponse(status, List.of(headers), Arrays.copyOfRange(encoded, bodyStart, bodyStart + bodyLength));
    }

    /**
     * Reads the status and the body length of an encoded response from its first bytes, skipping
     * the header lines without decoding them and never reading the body: what a store needs to
     * describe a record without fetching all of it.
     *
     * @param start the encoded form produced by {@link #encode(StoredResponse)}, or its first bytes
     * @return the status and the body length; empty when {@code start} ends before the body length
     *     (a prefix too short, or a truncated response)
     * @throws IllegalArgumentException if the bytes are not a stored response of a known version,
     *     or a length in them is corrupt
     */
    public static Optional<Outline> outline(byte[] start) {
        if (start.length < PREAMBLE_BYTES) {
            return Optional.empty();
        }
        Reader in = new Reader(start, 3);
        int status = readPreamble(start, 0, in);
        int headerCount = in.readLength("header count");
        for (long part = 0; part < 2L * headerCount; part++) {
            if (in.remaining() < LENGTH_BYTES) {
                return Optional.empty();
            }
            int length = in.readLength("header line length");
            if (in.remaining() < length) {
                return Optional.empty();
            }
            in.take(length, "header line");
        }
        return in.remaining() < LENGTH_BYTES ? Optional.empty() : Optional.of(new Outline(status, in.readLength("body length")));
    }

    /**
     * What {@link #outline(byte[])} reads of an encoded response.
     *
     * @param status the HTTP status
     * @param bodyBytes the length of the body in bytes
     */
    public record Outline(int status, int bodyBytes) {
    }

    /**
     * Checks the magic bytes and the version at {@code offset}, then reads the status with
     * {@code in}, placed after them.
     */
    private static int readPreamble(byte[] encoded, int offset, Reader in) {
        if (encoded.length - offset < 3 || encoded[offset] != MAGIC_0 || encoded[offset + 1] != MAGIC_1) {
            throw new IllegalArgumentException("not an encoded stored response: expected magic bytes 0x494B ('IK'), found "
                    + hexPrefix(encoded, offset));
        }
        if (encoded[offset + 2] != VERSION) {
            throw new IllegalArgumentException("unknown stored response version " + (encoded[offset + 2] & 0xFF)
                    + " (this library reads version " + VERSION + ")");
        }
        int status = in.readUnsignedShort("status");
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("encoded stored response holds status " + status
                    + ", not a three-digit HTTP status");
        }
        return status;
    }

    /** The number of bytes {@link #writeUtf8Bytes} writes for {@code s}. */
    private static int utf8Length(String s) {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (isSurrogatePairAt(s, i)) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                length += 1;
            } else {
                length += 3;
            }
        }
        return length;
    }

    private static int writeUtf8(byte[] out, int at, String s) {
        int start = at + LENGTH_BYTES;
        int end = writeUtf8Bytes(out, start, s);
        writeInt(out, at, end - start);
        return end;
    }

    private static int writeUtf8Bytes(byte[] out, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[at++] = (byte) c;
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | (c >> 6));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (isSurrogatePairAt(s, i)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[at++] = (byte) (0xF0 | (cp >> 18));
                out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[at++] = '?';
            } else {
                out[at++] = (byte) (0xE0 | (c >> 12));
                out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return at;
    }

    private static boolean isSurrogatePairAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static int writeShort(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 8);
        out[at + 1] = (byte) value;
        return at + 2;
    }

    private static int writeInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }

    private static String hexPrefix(byte[] bytes, int offset) {
        if (bytes.length == offset) {
            return "no bytes at all";
        }
        StringBuilder hex = new StringBuilder("0x");
        int end = Math.min(bytes.length, offset + 3);
        for (int i = offset; i < end; i++) {
            hex.append(String.format("%02X", bytes[i] & 0xFF));
        }
        return hex.append(bytes.length > end ? "..." : "").toString();
    }

    /** A read position over the encoded bytes that refuses to move past their end. */
    private static final class Reader {
        /**
         * Header names and values that nearly every stored response holds: a replay shares these
         * instances instead of making a string of each.
         */
        private static final String[] COMMON = {
            "Content-Type", "Content-Length", "Location", "Cache-Control", "ETag", "Vary", "application/json",
        };
        private static final byte[][] COMMON_BYTES = Arrays.stream(COMMON)
                .map(common -> common.getBytes(StandardCharsets.US_ASCII))
                .toArray(byte[][]::new);

        /** The header number of a part that is not in a header. */
        private static final int NOT_A_HEADER = -1;

        private final byte[] bytes;
        private int at;
        /** One strict UTF-8 decoder for all strings of one response ({@code decode} resets it). */
        private CharsetDecoder utf8;

        Reader(byte[] bytes, int at) {
            this.bytes = bytes;
            this.at = at;
        }

        int remaining() {
            return bytes.length - at;
        }

        /** Reserves {@code n} bytes for {@code what} and returns where they start. */
        int take(int n, String what) {
            return take(n, what, NOT_A_HEADER, "");
        }

        /**
         * As {@link #take(int, String)}; the part is named {@code what}, of header number
         * {@code header} unless it is {@link #NOT_A_HEADER}, then {@code suffix}, and the name is
         * put together only for an error message.
         */
        int take(int n, String what, int header, String suffix) {
            if (n > remaining()) {
                throw new IllegalArgumentException("encoded stored response is truncated: " + describe(what, header, suffix)
                        + " needs " + n + " bytes at offset " + at + " but only " + remaining() + " remain");
            }
            int start = at;
            at += n;
            return start;
        }

        int readUnsignedShort(String what) {
            int i = take(2, what);
            return ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }

        int readLength(String what) {
            return readLength(what, NOT_A_HEADER, "");
        }

        /** As {@link #readLength(String)}, named as for {@link #take(int, String, int, String)}. */
        int readLength(String what, int header, String suffix) {
            int i = take(LENGTH_BYTES, what, header, suffix);
            int value = ((bytes[i] & 0xFF) << 24) | ((bytes[i + 1] & 0xFF) << 16) | ((bytes[i + 2] & 0xFF) << 8)
                    | (bytes[i + 3] & 0xFF);
            if (value < 0) {
                throw new IllegalArgumentException("encoded stored response is corrupt: " + describe(what, header, suffix)
                        + " at offset " + i + " is " + Integer.toUnsignedString(value) + ", beyond any array");
            }
            return value;
        }

        private static String describe(String what, int header, String suffix) {
            return what + (header == NOT_A_HEADER ? "" : " of header " + header) + suffix;
        }

        private boolean isAscii(int start, int length) {
            for (int i = start; i < start + length; i++) {
                if (bytes[i] < 0) {
                    return false;
                }
            }
            return true;
        }

        /** @return the one instance of a {@link #COMMON} string equal to these bytes, or {@code null} */
        private String common(int start, int length) {
            for (int i = 0; i < COMMON.length; i++) {
                byte[] candidate = COMMON_BYTES[i];
                if (candidate.length == length && Arrays.equals(bytes, start, start + length, candidate, 0, length)) {
                    return COMMON[i];
                }
            }
            return null;
        }

        /** Reads the {@code part} ("name" or "value") of header number {@code header}. */
        String readUtf8(String part, int header) {
            int length = readLength(part, header, " length");
            int start = take(length, part, header, "");
            String common = common(start, length);
            if (common != null) {
                return common;
            }
            if (isAscii(start, length)) { // header lines nearly always are: no decoder, no char buffer
                return new String(bytes, start, length, StandardCharsets.US_ASCII);
            }
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                return utf8.decode(ByteBuffer.wrap(bytes, start, length)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("encoded stored response is corrupt: " + describe(part, header, "")
                        + " at offset " + start + " is not valid UTF-8", e);
            }
        }
    }
}
