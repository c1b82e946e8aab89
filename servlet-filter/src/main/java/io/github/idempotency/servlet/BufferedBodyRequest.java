package io.github.idempotency.servlet;

import io.github.idempotency.core.BodyTooLargeException;
import io.github.idempotency.core.RequestView;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request whose body can be read once into memory and is then served to the application from
 * that copy, in every form the Servlet API offers it.
 *
 * <p>Until the body is buffered, every method delegates to the wrapped request, so installing this
 * wrapper costs nothing for requests that are never buffered. The body is buffered by
 * {@link #buffer(long, RequestView.BodySink)} (the engine reading it for the fingerprint) or,
 * after {@link #bufferOnFirstRead(long)}, as soon as anything reads it through this wrapper (a
 * filter reading a form parameter, a multipart resolver), so that the engine still gets the raw
 * bytes afterwards. After buffering, the application sees what the container would have shown it:
 * <ul>
 *   <li>{@link #getInputStream()} and {@link #getReader()} read the buffered bytes;</li>
 *   <li>{@link #getParts()} and {@link #getPart(String)} parse a {@code multipart/form-data}
 *       body from the buffer;</li>
 *   <li>for a {@code POST} with an {@code application/x-www-form-urlencoded} or
 *       {@code multipart/form-data} body, the {@code getParameter*} methods return the query
 *       string parameters followed by the body's (for multipart, its parts without a file name),
 *       as the Servlet specification has containers do for {@code POST} only; other methods get
 *       the query string parameters (Spring's {@code FormContentFilter} adds the body's for
 *       {@code PUT}, {@code PATCH} and {@code DELETE}).</li>
 * </ul>
 * The reader and the parameters use the request's character encoding; without one, the reader
 * uses ISO-8859-1 (the Servlet default) and parameters and part headers UTF-8 (the HTML form
 * encoding). Parts are held in memory (the request body limit bounds them) and are not checked
 * against the servlet's {@code @MultipartConfig} limits.
 *
 * <p>Like the request it wraps, an instance serves one request and is not thread-safe.
 */
public final class BufferedBodyRequest extends HttpServletRequestWrapper {

    private static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final int INITIAL_CAPACITY = 8192;

    private byte[] body;
    private int bodyLength;
    private boolean bodyReadByApplication;
    private ServletInputStream bufferedStream;
    private BufferedReader bufferedReader;
    private Map<String, String[]> formParameters;
    private List<Part> parts;
    /** The limit of buffering on first read; negative when the body is buffered only by {@link #buffer}. */
    private long firstReadLimit = -1;
    /** Set when buffering on first read found more than its limit: the body is then served unbuffered. */
    private Overflow firstReadOverflow;
    private ServletInputStream overflowStream;

    /** @param request the request to wrap */
    public BufferedBodyRequest(HttpServletRequest request) {
        super(request);
    }

    /**
     * Finds a {@code BufferedBodyRequest} in a chain of request wrappers, so that an adapter can
     * buffer a request that other filters wrapped after this wrapper was installed.
     *
     * @param request a request, possibly wrapped
     * @return the request itself or the first request it wraps that is a {@code BufferedBodyRequest}
     */
    public static Optional<BufferedBodyRequest> find(ServletRequest request) {
        ServletRequest current = request;
        while (true) {
            if (current instanceof BufferedBodyRequest buffered) {
                return Optional.of(buffered);
            }
            if (!(current instanceof ServletRequestWrapper wrapper)) {
                return Optional.empty();
            }
            current = wrapper.getRequest();
        }
    }

    /**
     * Has the body buffered as soon as anything reads it through this wrapper, instead of the
     * container parsing it: for a request that may be guarded, where something (a filter reading
     * a form parameter, Spring's multipart resolver) reads the body before the engine does. A body
     * whose declared {@code Content-Length} exceeds {@code maxBytes} is left to the container; one
     * without a declared length that turns out larger is then served unbuffered through
     * {@link #getInputStream()} and {@link #getReader()}, its form parameters and parts are not
     * available (an {@link IllegalStateException} says why), and {@link #buffer} answers
     * {@link BodyTooLargeException}.
     *
     * @param maxBytes the most bytes buffered; negative to stop buffering on first read (the
     *     request turned out not to be guarded: later reads go to the container)
     */
    public void bufferOnFirstRead(long maxBytes) {
        this.firstReadLimit = maxBytes;
    }

    /**
     * Reads the whole body from the wrapped request into memory, passing every chunk to
     * {@code sink} as it arrives. Called again, or after the body was buffered on first read, it
     * passes the buffered body to {@code sink} without reading anything.
     *
     * @param maxBytes the most bytes the body may have
     * @param sink receives the body bytes in order
     * @throws BodyTooLargeException if the body (or its declared {@code Content-Length}) exceeds
     *     {@code maxBytes}; the body is then not buffered and must not be read by the application
     * @throws IOException if the body cannot be read, or if it ends before its declared
     *     {@code Content-Length} (something read it before this wrapper did)
     * @throws IllegalStateException if the application already read the body through this wrapper
     */
    public void buffer(long maxBytes, RequestView.BodySink sink) throws IOException {
        if (body != null) {
            if (bodyLength > maxBytes) {
                throw new BodyTooLargeException(maxBytes);
            }
            sink.update(body, 0, bodyLength);
            return;
        }
        long declared = getRequest().getContentLengthLong();
        if (declared > maxBytes) {
            throw new BodyTooLargeException(maxBytes);
        }
        if (firstReadOverflow != null) {
            throw new BodyTooLargeException(Math.min(maxBytes, firstReadOverflow.limit()));
        }
        if (bodyReadByApplication) {
            throw new IllegalStateException("the request body was read before it could be buffered");
        }
        read(maxBytes, sink);
    }

    /**
     * Reads the body into {@link #body}.
     *
     * @throws Overflow past {@code maxBytes}, with the bytes consumed from the stream so far
     */
    private void read(long maxBytes, RequestView.BodySink sink) throws IOException {
        long limit = Math.min(maxBytes, MAX_ARRAY_LENGTH);
        long declared = getRequest().getContentLengthLong();
        byte[] data = new byte[(int) (declared >= 0 ? Math.min(declared, limit) : Math.min(INITIAL_CAPACITY, limit))];
        int count = 0;
        ServletInputStream in = getRequest().getInputStream();
        while (true) {
            if (count == data.length) {
                // Full: at the limit or at the declared length, one byte tells whether the body
                // ends here, without growing the buffer for nothing.
                int next = count >= limit || count == declared ? in.read() : 0;
                if (next == -1) {
                    break;
                }
                if (count >= limit) {
                    byte[] consumed = Arrays.copyOf(data, count + 1);
                    consumed[count] = (byte) next;
                    throw new Overflow(maxBytes, consumed);
                }
                data = Arrays.copyOf(data, (int) Math.min(limit, Math.max(INITIAL_CAPACITY, 2L * data.length)));
                if (count == declared) { // more than declared: keep the probed byte
                    data[count] = (byte) next;
                    sink.update(data, count, 1);
                    count++;
                    continue;
                }
            }
            int n = in.read(data, count, data.length - count);
            if (n < 0) {
                break;
            }
            sink.update(data, count, n);
            count += n;
        }
        if (declared > count) {
            throw new IOException("the request body ended after " + count + " of the " + declared
                    + " bytes its Content-Length declares; was it read before the idempotency filter"
                    + " (for example by a filter calling getParameter on a form post)?");
        }
        body = data;
        bodyLength = count;
    }

    /** @return whether the body has been buffered */
    public boolean isBuffered() {
        return body != null;
    }

    /**
     * Buffers the body for the application's first read, if {@link #bufferOnFirstRead} asked for
     * it and the body is not buffered yet.
     *
     * @return whether the body is buffered now
     */
    private boolean bufferedForApplication() throws IOException {
        if (body != null) {
            return true;
        }
        if (firstReadLimit < 0 || bodyReadByApplication || getRequest().getContentLengthLong() > firstReadLimit) {
            return false;
        }
        try {
            read(firstReadLimit, (bytes, offset, length) -> { });
            return true;
        } catch (Overflow e) {
            firstReadOverflow = e;
            overflowStream = new ChainedInputStream(e.consumed, super.getInputStream());
            return false;
        }
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (!bufferedForApplication()) {
            bodyReadByApplication = true;
            return overflowStream != null ? overflowStream : super.getInputStream();
        }
        if (bufferedReader != null) {
            throw new IllegalStateException("getReader() has already been called for this request");
        }
        if (bufferedStream == null) {
            bufferedStream = new BufferedInputStream(new ByteArrayInputStream(body, 0, bodyLength));
        }
        return bufferedStream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (!bufferedForApplication()) {
            bodyReadByApplication = true;
            if (overflowStream != null) {
                return new BufferedReader(new InputStreamReader(overflowStream,
                        declaredCharset().orElse(StandardCharsets.ISO_8859_1)));
            }
            return super.getReader();
        }
        if (bufferedStream != null) {
            throw new IllegalStateException("getInputStream() has already been called for this request");
        }
        if (bufferedReader == null) {
            Charset charset = declaredCharset().orElse(StandardCharsets.ISO_8859_1);
            bufferedReader = new BufferedReader(
                    new InputStreamReader(new ByteArrayInputStream(body, 0, bodyLength), charset));
        }
        return bufferedReader;
    }

    @Override
    public String getParameter(String name) {
        if (!servesFormParameters()) {
            return super.getParameter(name);
        }
        String[] values = formParameters().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return servesFormParameters() ? formParameters() : super.getParameterMap();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return servesFormParameters() ? Collections.enumeration(formParameters().keySet()) : super.getParameterNames();
    }

    @Override
    public String[] getParameterValues(String name) {
        if (!servesFormParameters()) {
            return super.getParameterValues(name);
        }
        String[] values = formParameters().get(name);
        return values == null ? null : values.clone();
    }

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        if (!bufferedForApplication()) {
            requireNoOverflow("parts");
            bodyReadByApplication = true;
            return super.getParts();
        }
        return parts();
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        if (!bufferedForApplication()) {
            requireNoOverflow("parts");
            bodyReadByApplication = true;
            return super.getPart(name);
        }
        for (Part part : parts()) {
            if (part.getName().equals(name)) {
                return part;
            }
        }
        return null;
    }

    private List<Part> parts() throws ServletException {
        if (parts == null) {
            if (!MultipartBody.isMultipart(getContentType())) {
                throw new ServletException("the request is not multipart/form-data (Content-Type: "
                        + getContentType() + "), so it has no parts");
            }
            parts = Collections.unmodifiableList(MultipartBody.parse(body, bodyLength, getContentType(), formCharset()));
        }
        return parts;
    }

    private void requireNoOverflow(String what) {
        if (firstReadOverflow != null) {
            throw new IllegalStateException("the " + what + " of this request cannot be read: its body has no"
                    + " Content-Length, carries an Idempotency-Key and exceeds the " + firstReadOverflow.limit()
                    + " bytes buffered for idempotency; send it with a Content-Length or raise the request body limit");
        }
    }

    private boolean servesFormParameters() {
        String contentType = getContentType();
        if (!"POST".equalsIgnoreCase(getMethod()) || !(isForm(contentType) || MultipartBody.isMultipart(contentType))) {
            return false;
        }
        try {
            if (bufferedForApplication()) {
                return true;
            }
        } catch (IOException e) {
            throw new IllegalStateException("the request body could not be read for its parameters: " + e.getMessage(), e);
        }
        requireNoOverflow("parameters");
        bodyReadByApplication = true; // the container parses the form from the unread body
        return false;
    }

    private static boolean isForm(String contentType) {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith(FORM_CONTENT_TYPE);
    }

    private Map<String, String[]> formParameters() {
        if (formParameters == null) {
            Map<String, List<String>> collected = new LinkedHashMap<>();
            String query = getQueryString();
            if (query != null) {
                parseUrlEncoded(query, StandardCharsets.UTF_8, collected);
            }
            if (isForm(getContentType())) {
                parseUrlEncoded(new String(body, 0, bodyLength, StandardCharsets.ISO_8859_1), formCharset(), collected);
            } else {
                try {
                    MultipartBody.textFields(parts(), formCharset())
                            .forEach((name, values) -> collected.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
                } catch (ServletException e) {
                    throw new IllegalStateException("the multipart body could not be parsed for its parameters: "
                            + e.getMessage(), e);
                }
            }
            Map<String, String[]> parameters = new LinkedHashMap<>();
            collected.forEach((name, values) -> parameters.put(name, values.toArray(String[]::new)));
            formParameters = Collections.unmodifiableMap(parameters);
        }
        return formParameters;
    }

    /**
     * Adds the pairs of an {@code application/x-www-form-urlencoded} string to {@code into}; like
     * the containers, a pair that cannot be decoded is skipped.
     */
    private static void parseUrlEncoded(String encoded, Charset charset, Map<String, List<String>> into) {
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                String name = URLDecoder.decode(rawName, charset);
                String value = URLDecoder.decode(rawValue, charset);
                into.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException malformed) {
                // skipped, as Tomcat and Jetty skip parameters they cannot decode
            }
        }
    }

    /** The request's character encoding, if it declares one. */
    private Optional<Charset> declaredCharset() throws UnsupportedEncodingException {
        String name = getCharacterEncoding();
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Charset.forName(name));
        } catch (IllegalArgumentException unknown) {
            throw new UnsupportedEncodingException(name);
        }
    }

    /** Like the containers, form decoding falls back to the default for an unknown encoding. */
    private Charset formCharset() {
        try {
            return declaredCharset().orElse(StandardCharsets.UTF_8);
        } catch (UnsupportedEncodingException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    /** A body over the limit of {@link #read}, and the bytes read from it until that was clear. */
    private static final class Overflow extends BodyTooLargeException {
        private final transient byte[] consumed;

        Overflow(long limit, byte[] consumed) {
            super(limit);
            this.consumed = consumed;
        }
    }

    /** The bytes read before a body was found too large to buffer, then the rest of the container's stream. */
    private static final class ChainedInputStream extends ServletInputStream {
        private final ByteArrayInputStream head;
        private final ServletInputStream rest;

        ChainedInputStream(byte[] head, ServletInputStream rest) {
            this.head = new ByteArrayInputStream(head);
            this.rest = rest;
        }

        @Override
        public int read() throws IOException {
            int b = head.read();
            return b >= 0 ? b : rest.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = head.read(b, off, len);
            return n > 0 ? n : rest.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return head.available() == 0 && rest.isFinished();
        }

        @Override
        public boolean isReady() {
            return head.available() > 0 || rest.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("non-blocking reads are not available on a body read partly for idempotency");
        }
    }

    /** Serves the buffered body; always ready, so non-blocking reads complete at once. */
    private static final class BufferedInputStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BufferedInputStream(ByteArrayInputStream in) {
            this.in = in;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        /** The rest of the buffer in one exact copy, instead of the default's 8 KiB steps. */
        @Override
        public byte[] readAllBytes() {
            return in.readAllBytes();
        }

        @Override
        public int readNBytes(byte[] b, int off, int len) {
            return in.readNBytes(b, off, len);
        }

        @Override
        public long skip(long n) {
            return in.skip(n);
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            return in.transferTo(out);
        }

        @Override
        public int available() {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                if (!isFinished()) {
                    listener.onDataAvailable();
                }
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }
}
