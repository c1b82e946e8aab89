package io.github.idempotency.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 over a plain socket, so that header bytes reach the server exactly as the test wrote
 * them (the JDK client would refuse or clean up many of them).
 */
final class RawHttp {

    private static final int READ_TIMEOUT_MILLIS = 15_000;

    private RawHttp() {
    }

    /**
     * What came back: the status line and headers as text (ISO-8859-1), the rest as bytes.
     *
     * @param status the status code, or -1 if the server closed the connection without answering
     */
    record Response(int status, String head, byte[] body) {

        /** @return the body as UTF-8 text */
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return head + "\n\n" + text();
        }
    }

    /**
     * A {@code POST} of {@code body} to {@code path}: the request line, {@code Host}, the given
     * header lines (each ending in CRLF, passed as raw bytes), {@code Content-Length} and
     * {@code Connection: close}.
     */
    static byte[] post(String path, byte[] headerLines, byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(headerLines);
        request.writeBytes(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        return request.toByteArray();
    }

    /** Sends {@code request} at once and reads the response until the server closes the connection. */
    static Response exchange(int port, byte[] request) throws IOException {
        return exchange(port, request, request.length, Duration.ZERO);
    }

    /**
     * Sends the first {@code atOnce} bytes of {@code request}, then the rest one byte at a time with
     * {@code pause} between bytes (a slow client), and reads the response.
     */
    static Response exchange(int port, byte[] request, int atOnce, Duration pause) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request, 0, atOnce);
                out.flush();
                for (int i = atOnce; i < request.length; i++) {
                    sleep(pause);
                    out.write(request[i]);
                    out.flush();
                }
            } catch (SocketException closedEarly) {
                // the server answered and closed before reading everything (for example a 431)
            }
            return read(socket.getInputStream());
        }
    }

    /** Sends {@code part} and hangs up without sending the rest of the request. */
    static void hangUpAfter(int port, byte[] part) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(part);
            socket.getOutputStream().flush();
        }
    }

    private static Response read(InputStream in) throws IOException {
        byte[] all;
        try {
            all = in.readAllBytes();
        } catch (SocketException reset) {
            all = new byte[0];
        }
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Response(-1, text, new byte[0]);
        }
        String head = text.substring(0, end);
        byte[] body = new byte[all.length - end - 4];
        System.arraycopy(all, end + 4, body, 0, body.length);
        return new Response(Integer.parseInt(head.substring(9, 12)), head, body);
    }

    private static void sleep(Duration pause) throws IOException {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending slowly", e);
        }
    }
}
