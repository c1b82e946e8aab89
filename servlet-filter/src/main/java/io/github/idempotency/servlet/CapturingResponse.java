package io.github.idempotency.servlet;

import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A response that passes everything the application writes to the client as usual and, once
 * {@link #startCapture(long) capture} has started, also keeps a copy of it: the status, the header
 * lines and the body bytes, as sent. {@link #toStoredResponse()} turns the copy into the
 * {@link StoredResponse} that a replay sends.
 *
 * <p>What is captured, from the moment capture starts:
 * <ul>
 *   <li>the status the container holds when the copy is taken;</li>
 *   <li>{@code Content-Type} as the container holds it (with the charset as the container writes
 *       it, including one fixed by {@link #getWriter()});</li>
 *   <li>every other header line the application sets or adds through this wrapper
 *       ({@code setHeader}, {@code addHeader}, the int and date variants, {@code addCookie} with
 *       the {@code Expires} header Jetty adds to it,
 *       {@code setLocale}'s {@code Content-Language}, {@code sendRedirect}'s {@code Location}),
 *       in order, repeated names kept, values as the container formats them. Header changes
 *       after the response is committed are ignored, as the container ignores them. Headers set
 *       before capture started (by earlier filters) and headers the container adds on its own
 *       ({@code Date}, {@code Server}, {@code Content-Length}, {@code Transfer-Encoding}) are not
 *       captured: a replay passes through the same filters and container, which add them again;</li>
 *   <li>the body bytes written through {@link #getOutputStream()} or {@link #getWriter()}; the
 *       writer's characters are encoded with the charset the container's writer uses, so the copy
 *       holds the bytes that went on the wire;</li>
 *   <li>after {@code sendError}: the status and the headers, and an empty body. The error page
 *       is rendered by the container after the filter chain returns, where no filter sees it, so
 *       a replay of such a response carries the status and headers without the error page.</li>
 * </ul>
 *
 * <p>The body copy is dropped, and {@link #toStoredResponse()} gives the status and headers with
 * the body {@link StoredResponse#withBodyOmitted(long) marked as omitted}, when the body grows past
 * the bound given to {@link #startCapture(long)} (the client still receives everything), when the
 * output stream or writer was obtained before capture started, when the writer was given
 * characters its charset cannot encode (the container replaces those in its own way), or when
 * {@link ServletOutputStream#print(String)} was given non-ASCII characters (containers encode
 * those differently).
 *
 * <p>While capturing, a write to the client that fails (the client went away, an HTTP/2 stream
 * was reset) does not reach the application: the copy goes on, nothing more is sent, and the
 * application finishes its response as if the client were there, so that what it produced can be
 * stored whole. {@link #clientFailure()} tells whether that happened.
 *
 * <p>Until capture starts, every method delegates to the wrapped response without copying, so a
 * framework adapter can install this wrapper on every request and start capture only for the
 * requests it guards.
 *
 * <p>Like the response it wraps, an instance serves one request and is not thread-safe; the
 * container's ordering of asynchronous completion makes a copy taken in
 * {@link jakarta.servlet.AsyncListener#onComplete} see every write.
 */
public final class CapturingResponse extends HttpServletResponseWrapper {

    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final byte[] EMPTY = new byte[0];

    private boolean capturing;
    private BodyCopy body;
    private String incompleteReason;
    private final List<ResponseHeader> headers = new ArrayList<>();
    private boolean outputObtained;
    private ServletOutputStream stream;
    private PrintWriter writer;
    private WriterCopy writerCopy;
    private boolean bodyClosedByContainer;
    private boolean errorSent;
    private long declaredContentLength = -1;
    private long bodyBytesWritten;
    private Runnable bodyCompleteAction;
    private IOException clientFailure;

    /** @param response the response to wrap */
    public CapturingResponse(HttpServletResponse response) {
        super(response);
    }

    /**
     * Finds a {@code CapturingResponse} in a chain of response wrappers, so that an adapter can
     * start capture on a response that other filters wrapped after this wrapper was installed.
     *
     * @param response a response, possibly wrapped
     * @return the response itself or the first response it wraps that is a {@code CapturingResponse}
     */
    public static Optional<CapturingResponse> find(ServletResponse response) {
        ServletResponse current = response;
        while (true) {
            if (current instanceof CapturingResponse capturing) {
                return Optional.of(capturing);
            }
            if (!(current instanceof ServletResponseWrapper wrapper)) {
                return Optional.empty();
            }
            current = wrapper.getResponse();
        }
    }

    /**
     * Starts keeping a copy of what the application writes from now on.
     *
     * @param maxBodyBytes the most body bytes to copy; beyond that the copy is dropped and the
     *     capture is incomplete (typically {@link io.github.idempotency.core.Proceed#maxStoredBodyBytes()})
     * @throws IllegalStateException if capture was started before
     */
    public void startCapture(long maxBodyBytes) {
        if (capturing) {
            throw new IllegalStateException("capture was already started");
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative, was " + maxBodyBytes);
        }
        capturing = true;
        body = new BodyCopy(maxBodyBytes);
        if (outputObtained) {
            incomplete("the output stream or writer was obtained before capture started");
        } else if (super.isCommitted()) {
            incomplete("the response was committed before capture started");
        }
    }

    /** @return whether {@link #startCapture(long)} was called */
    public boolean isCapturing() {
        return capturing;
    }

    /**
     * @return whether capture started and the copy holds everything sent since (see the class
     *     description for what makes a capture incomplete)
     */
    public boolean isCaptureComplete() {
        return uncapturedReason().isEmpty();
    }

    /**
     * @return why the body copy is not complete, in words fit for a log line; empty when it is.
     *     A response whose copy is not complete is stored with its body omitted.
     */
    public Optional<String> uncapturedReason() {
        if (!capturing) {
            return Optional.of("capture was never started");
        }
        if (incompleteReason != null) {
            return Optional.of(incompleteReason);
        }
        if (body.overflowed) {
            return Optional.of("the response body exceeded " + body.max + " bytes");
        }
        if (writerCopy != null && writerCopy.pending != null) {
            return Optional.of("the writer's output ends with half a surrogate pair");
        }
        return Optional.empty();
    }

    /**
     * Takes the copy: the status and {@code Content-Type} the container holds now, the captured
     * header lines and body. Call it when the application is done with the response (after the
     * filter chain returned, or when asynchronous processing completed).
     *
     * @return the response as sent to the client; with its body omitted when the body copy is not
     *     complete ({@link #uncapturedReason()})
     * @throws IllegalStateException if capture was never started
     */
    public StoredResponse toStoredResponse() {
        if (!capturing) {
            throw new IllegalStateException("the response was not captured: capture was never started");
        }
        List<ResponseHeader> lines = new ArrayList<>(headers.size() + 1);
        String contentType = errorSent ? null : super.getContentType();
        if (contentType != null) {
            lines.add(new ResponseHeader("Content-Type", contentType));
        }
        lines.addAll(headers);
        if (uncapturedReason().isPresent()) {
            return new StoredResponse(super.getStatus(), lines, EMPTY).withBodyOmitted(bodyBytesWritten);
        }
        return new StoredResponse(super.getStatus(), lines, body.toByteArray());
    }

    /**
     * @return whether the application has started sending the response since capture started:
     *     written body bytes, or a response the container committed
     */
    public boolean isBodyStarted() {
        return bodyBytesWritten > 0 || super.isCommitted();
    }

    /**
     * @return whether the application wrote fewer body bytes than the {@code Content-Length} it
     *     declared (and neither {@code sendError} nor {@code sendRedirect} replaced the body): a
     *     response the application itself cut short
     */
    public boolean isShorterThanDeclared() {
        return capturing && !bodyClosedByContainer && declaredContentLength >= 0 && bodyBytesWritten < declaredContentLength;
    }

    /** @return whether {@code sendError} was called since capture started */
    public boolean isErrorSent() {
        return errorSent;
    }

    /**
     * @return the failure of the first write to the client that failed while capturing (the
     *     client went away); empty when every write reached the container
     */
    public Optional<IOException> clientFailure() {
        return Optional.ofNullable(clientFailure);
    }

    /**
     * Sets an action to run once, when the application ends the body in a way that lets the
     * container send the end of the response at once: closing the output stream or writer,
     * writing the last byte of the {@code Content-Length} it declared (Jetty then completes the
     * response inside that write), or {@code sendRedirect} (Jetty sends the redirect inside that
     * call). The action runs before the container can send that end (for {@code sendRedirect},
     * right after the container wrote it), so a response stored by the action is there for a
     * retry sent as soon as the client has the response. Header changes the application makes
     * after that point are not in the copy.
     *
     * @param action typically stores {@link #toStoredResponse()}; runs on the application's thread
     */
    public void onBodyComplete(Runnable action) {
        this.bodyCompleteAction = action;
    }

    private void bodyComplete() {
        Runnable action = bodyCompleteAction;
        if (capturing && action != null) {
            bodyCompleteAction = null;
            action.run();
        }
    }

    /** Counts body bytes the application wrote; the declared Content-Length reached ends the body. */
    private void counted(long bytes) {
        if (capturing) {
            bodyBytesWritten += bytes;
            if (declaredContentLength >= 0 && bodyBytesWritten >= declaredContentLength) {
                bodyComplete();
            }
        }
    }

    private void incomplete(String reason) {
        if (incompleteReason == null) {
            incompleteReason = reason;
        }
    }

    // ---- body

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream != null) {
            return stream;
        }
        ServletOutputStream out = super.getOutputStream();
        outputObtained = true;
        if (!capturing) {
            return out;
        }
        stream = new TeeOutputStream(out);
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer != null) {
            return writer;
        }
        PrintWriter containerWriter = super.getWriter();
        outputObtained = true;
        if (!capturing) {
            return containerWriter;
        }
        Charset charset;
        try {
            charset = Charset.forName(super.getCharacterEncoding());
        } catch (IllegalArgumentException unknown) {
            incomplete("the response charset " + super.getCharacterEncoding() + " is unknown to Java");
            return containerWriter;
        }
        writerCopy = new WriterCopy(charset);
        writer = new PrintWriter(new TeeWriter(containerWriter, writerCopy), false) {
            @Override
            public boolean checkError() {
                return super.checkError() || containerWriter.checkError();
            }
        };
        return writer;
    }

    /** Whether body bytes go to the copy (which itself stops keeping them past its bound). */
    private boolean copying() {
        return capturing && !bodyClosedByContainer && incompleteReason == null;
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        super.sendError(sc, msg);
        errorSent();
    }

    @Override
    public void sendError(int sc) throws IOException {
        super.sendError(sc);
        errorSent();
    }

    private void errorSent() {
        if (capturing) {
            errorSent = true;
            bodyClosedByContainer = true;
            body.clear();
        }
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        super.sendRedirect(location);
        redirected(true);
    }

    /** Servlet 6.1; reached only on a 6.1 container. */
    @Override
    public void sendRedirect(String location, int sc) throws IOException {
        super.sendRedirect(location, sc);
        redirected(true);
    }

    /** Servlet 6.1; reached only on a 6.1 container. */
    @Override
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        super.sendRedirect(location, clearBuffer);
        redirected(clearBuffer);
    }

    /** Servlet 6.1; reached only on a 6.1 container. */
    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        super.sendRedirect(location, sc, clearBuffer);
        redirected(clearBuffer);
    }

    /** The container has sent a redirect: its Location, and the body written so far unless it was cleared. */
    private void redirected(boolean bodyCleared) {
        if (capturing) {
            bodyClosedByContainer = true;
            if (bodyCleared) {
                body.clear();
                bodyBytesWritten = 0;
            }
            replaceHeader("Location", super.getHeader("Location"));
            bodyComplete();
        }
    }

    @Override
    public void reset() {
        super.reset();
        if (capturing) {
            headers.clear();
            body.clear();
            errorSent = false;
            bodyClosedByContainer = false;
            declaredContentLength = -1;
            bodyBytesWritten = 0;
            // The application may go on with the stream or writer it holds; new ones follow the reset's charset.
            stream = null;
            writer = null;
            if (writerCopy != null) {
                writerCopy.reset();
            }
        }
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        if (capturing) {
            body.clear();
            bodyBytesWritten = 0;
            if (writerCopy != null) {
                writerCopy.reset();
            }
        }
    }

    // ---- headers

    /** Headers the wrapper never records: the container holds Content-Type, a replay sets Content-Length. */
    private static boolean isContentHeader(String name) {
        return name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length");
    }

    /** Header changes count only while capturing and before commit; the container ignores later ones. */
    private boolean recordsHeaders() {
        return capturing && !super.isCommitted();
    }

    private void contentHeaderSet(String name, String value) {
        if (name.equalsIgnoreCase("Content-Length")) {
            try {
                declaredContentLength = value == null ? -1 : Long.parseLong(value.trim());
            } catch (NumberFormatException notALength) {
                declaredContentLength = -1;
            }
        }
    }

    @Override
    public void setContentLength(int len) {
        boolean record = recordsHeaders();
        super.setContentLength(len);
        if (record) {
            declaredContentLength = len;
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        boolean record = recordsHeaders();
        super.setContentLengthLong(len);
        if (record) {
            declaredContentLength = len;
        }
    }

    @Override
    public void setHeader(String name, String value) {
        boolean record = recordsHeaders();
        super.setHeader(name, value);
        if (record && isContentHeader(name)) {
            contentHeaderSet(name, value);
        } else if (record) {
            replaceHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        boolean record = recordsHeaders();
        super.addHeader(name, value);
        if (record && isContentHeader(name)) {
            contentHeaderSet(name, value);
        } else if (record && value != null) {
            headers.add(new ResponseHeader(name, value));
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        boolean record = recordsHeaders();
        super.setIntHeader(name, value);
        if (record && isContentHeader(name)) {
            contentHeaderSet(name, Integer.toString(value));
        } else if (record) {
            replaceHeader(name, Integer.toString(value));
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        boolean record = recordsHeaders();
        super.addIntHeader(name, value);
        if (record && isContentHeader(name)) {
            contentHeaderSet(name, Integer.toString(value));
        } else if (record) {
            headers.add(new ResponseHeader(name, Integer.toString(value)));
        }
    }

    @Override
    public void setDateHeader(String name, long date) {
        boolean record = recordsHeaders();
        super.setDateHeader(name, date);
        if (record) {
            replaceHeader(name, super.getHeader(name));
        }
    }

    @Override
    public void addDateHeader(String name, long date) {
        boolean record = recordsHeaders();
        super.addDateHeader(name, date);
        if (record) {
            addLastValueOf(name);
        }
    }

    @Override
    public void addCookie(Cookie cookie) {
        boolean record = recordsHeaders();
        super.addCookie(cookie);
        if (record) {
            addLastValueOf("Set-Cookie");
            // Jetty also sets Expires to the epoch, so that caches do not keep a response that sets a cookie.
            String expires = super.getHeader("Expires");
            if (expires != null && !recordedValues("Expires").equals(List.of(expires))) {
                replaceHeader("Expires", expires);
            }
        }
    }

    @Override
    public void setLocale(Locale locale) {
        boolean record = recordsHeaders();
        super.setLocale(locale);
        if (record && locale != null) {
            // Jetty keeps Content-Language among the headers; Tomcat renders it from the locale at commit.
            String language = super.getHeader("Content-Language");
            replaceHeader("Content-Language", language != null ? language : locale.toLanguageTag());
        }
    }

    private List<String> recordedValues(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(ResponseHeader::value).toList();
    }

    private void replaceHeader(String name, String value) {
        headers.removeIf(h -> h.name().equalsIgnoreCase(name));
        if (value != null) {
            headers.add(new ResponseHeader(name, value));
        }
    }

    /** Records the value the container formatted for the header line just added. */
    private void addLastValueOf(String name) {
        Collection<String> values = super.getHeaders(name);
        if (values != null && !values.isEmpty()) {
            String last = null;
            for (String v : values) {
                last = v;
            }
            headers.add(new ResponseHeader(name, last));
        }
    }

    // ---- copies

    /** The bounded copy of the body; dropped on overflow. */
    private final class BodyCopy {

        private final long max;
        private byte[] data = EMPTY;
        private int count;
        private boolean overflowed;

        BodyCopy(long max) {
            this.max = max;
        }

        void write(byte[] b, int off, int len) {
            if (overflowed) {
                return;
            }
            long size = (long) count + len;
            if (size > max || size > MAX_ARRAY_LENGTH) {
                overflowed = true;
                data = null;
                return;
            }
            if (size > data.length) {
                // A declared Content-Length sizes the copy exactly, so that it needs no copy at the end.
                long grown = declaredContentLength >= size
                        ? declaredContentLength : Math.max(size, Math.max(1024, 2L * data.length));
                data = Arrays.copyOf(data, (int) Math.min(grown, Math.min(max, MAX_ARRAY_LENGTH)));
            }
            System.arraycopy(b, off, data, count, len);
            count = (int) size;
        }

        void write(int b) {
            if (!overflowed && count < data.length) {
                data[count++] = (byte) b;
            } else {
                write(new byte[] {(byte) b}, 0, 1);
            }
        }

        void clear() {
            data = EMPTY;
            count = 0;
            overflowed = false;
        }

        byte[] toByteArray() {
            return count == data.length ? data : Arrays.copyOf(data, count);
        }
    }

    /** Encodes the writer's characters into the body copy, as the container's writer encodes them. */
    private final class WriterCopy {
        private final Charset charset;
        private final CharsetEncoder encoder;
        private final ByteBuffer encoded = ByteBuffer.allocate(1024);
        private CharBuffer pending;

        WriterCopy(Charset charset) {
            this.charset = charset;
            this.encoder = charset.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }

        void write(CharBuffer chars) {
            if (!copying()) {
                return;
            }
            CharBuffer in = chars;
            if (pending != null) {
                in = CharBuffer.allocate(pending.remaining() + chars.remaining()).put(pending).put(chars).flip();
                pending = null;
            }
            while (true) {
                CoderResult result = encoder.encode(in, encoded, false);
                if (result.isError()) {
                    incomplete("the writer was given characters that " + charset + " cannot encode");
                    return;
                }
                body.write(encoded.array(), 0, encoded.position());
                counted(encoded.position());
                encoded.clear();
                if (result.isUnderflow()) {
                    break;
                }
            }
            if (in.hasRemaining()) {
                pending = CharBuffer.allocate(in.remaining()).put(in).flip();
            }
        }

        void reset() {
            encoder.reset();
            pending = null;
        }
    }

    /**
     * Passes characters to the container's writer and their encoding to the copy. (The
     * container's writer never throws: a client that went away only sets its error flag.)
     */
    private final class TeeWriter extends Writer {
        private final PrintWriter out;
        private final WriterCopy copy;

        TeeWriter(PrintWriter out, WriterCopy copy) {
            this.out = out;
            this.copy = copy;
        }

        @Override
        public void write(int c) {
            copy.write(CharBuffer.wrap(new char[] {(char) c}));
            out.write(c);
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            copy.write(CharBuffer.wrap(cbuf, off, len));
            out.write(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            copy.write(CharBuffer.wrap(str, off, off + len));
            out.write(str, off, len);
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            bodyComplete();
            out.close();
        }
    }

    /**
     * Passes bytes to the container's stream and to the copy. Once a write to the client fails,
     * the bytes go to the copy only (see the class description).
     */
    private final class TeeOutputStream extends ServletOutputStream {
        private final ServletOutputStream out;

        TeeOutputStream(ServletOutputStream out) {
            this.out = out;
        }

        private boolean clientGone() {
            return clientFailure != null;
        }

        private void clientFailed(IOException e) {
            if (clientFailure == null) {
                clientFailure = e;
            }
        }

        @Override
        public void write(int b) throws IOException {
            if (copying()) {
                body.write(b);
            }
            counted(1);
            if (!clientGone()) {
                try {
                    out.write(b);
                } catch (IOException e) {
                    clientFailed(e);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (copying()) {
                body.write(b, off, len);
            }
            counted(len);
            if (!clientGone()) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    clientFailed(e);
                }
            }
        }

        /**
         * Containers encode non-ASCII characters given to {@code print} differently (Jetty with
         * the response charset, Tomcat as ISO-8859-1), so only ASCII text is copied.
         */
        @Override
        public void print(String s) throws IOException {
            String text = String.valueOf(s);
            copyAscii(text);
            counted(text.length());
            if (!clientGone()) {
                try {
                    out.print(text);
                } catch (IOException e) {
                    clientFailed(e);
                }
            }
        }

        @Override
        public void println() throws IOException {
            print("\r\n");
        }

        private void copyAscii(String text) {
            if (!copying()) {
                return;
            }
            byte[] bytes = new byte[text.length()];
            for (int i = 0; i < bytes.length; i++) {
                char c = text.charAt(i);
                if (c > 0x7F) {
                    incomplete("ServletOutputStream.print was given non-ASCII text, which containers encode differently");
                    return;
                }
                bytes[i] = (byte) c;
            }
            body.write(bytes, 0, bytes.length);
        }

        @Override
        public void flush() throws IOException {
            if (!clientGone()) {
                try {
                    out.flush();
                } catch (IOException e) {
                    clientFailed(e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            bodyComplete();
            if (!clientGone()) {
                try {
                    out.close();
                } catch (IOException e) {
                    clientFailed(e);
                }
            }
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }
}
