package io.github.idempotency.benchmarks.load;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection on a blocking socket, sending {@code POST}s with an
 * {@code Idempotency-Key} and reading each response to its end (fixed length or chunked). Just
 * enough HTTP for the load generator; not thread-safe.
 */
final class HttpConnection implements Closeable {

    /**
     * What the load generator needs to know of one response.
     *
     * @param closing whether the server closes the connection after it ({@code Connection: close})
     */
    record Response(int status, boolean replayed, boolean closing) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] requestHead;
    private final byte[] requestBody;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    private final StringBuilder line = new StringBuilder(128);

    /**
     * @param port the server's loopback port
     * @param path the request path
     * @param body the JSON body every request carries
     */
    HttpConnection(int port, String path, byte[] body) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        in = socket.getInputStream();
        out = socket.getOutputStream();
        requestHead = ("POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Idempotency-Key: ").getBytes(StandardCharsets.US_ASCII);
        requestBody = body;
    }

    /**
     * Sends one request and reads its whole response.
     *
     * @param key the {@code Idempotency-Key} value, visible ASCII
     * @throws IOException if the connection fails or the response is not HTTP/1.1 as expected
     */
    Response post(String key) throws IOException {
        byte[] keyBytes = key.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[requestHead.length + keyBytes.length + 4 + requestBody.length];
        System.arraycopy(requestHead, 0, request, 0, requestHead.length);
        System.arraycopy(keyBytes, 0, request, requestHead.length, keyBytes.length);
        int at = requestHead.length + keyBytes.length;
        request[at++] = '\r';
        request[at++] = '\n';
        request[at++] = '\r';
        request[at++] = '\n';
        System.arraycopy(requestBody, 0, request, at, requestBody.length);
        out.write(request);
        out.flush();
        return readResponse();
    }

    private Response readResponse() throws IOException {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine, 9, 12, 10);
        long contentLength = -1;
        boolean chunked = false;
        boolean replayed = false;
        boolean close = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                throw new IOException("malformed header line: " + header);
            }
            String name = header.substring(0, colon);
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("Idempotent-Replayed")) {
                replayed = value.equals("true");
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        if (chunked) {
            skipChunks();
        } else if (contentLength >= 0) {
            skip(contentLength);
        } else {
            throw new IOException("response " + status + " has neither a length nor chunked encoding");
        }
        return new Response(status, replayed, close);
    }

    private void skipChunks() throws IOException {
        while (true) {
            String size = readLine();
            int extension = size.indexOf(';');
            long length = Long.parseLong(extension < 0 ? size.trim() : size.substring(0, extension).trim(), 16);
            if (length == 0) {
                while (!readLine().isEmpty()) {
                    // trailer fields, not used
                }
                return;
            }
            skip(length);
            if (!readLine().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private void skip(long length) throws IOException {
        while (length > 0) {
            fill();
            int n = (int) Math.min(length, limit - position);
            position += n;
            length -= n;
        }
    }

    /** @return the next line without its CRLF */
    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            fill();
            byte b = buffer[position++];
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) (b & 0xFF));
        }
    }

    /** Makes sure at least one unread byte is buffered. */
    private void fill() throws IOException {
        if (position < limit) {
            return;
        }
        int n = in.read(buffer);
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
        position = 0;
        limit = n;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
