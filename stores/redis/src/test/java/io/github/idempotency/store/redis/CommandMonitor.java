package io.github.idempotency.store.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code MONITOR} feed of a Redis server and tells which commands one client sent. The
 * feed shows every command the server runs, tagged with the sending client's address (commands
 * run inside a Lua script are tagged {@code lua} instead), so it counts what reached the server,
 * not what a client library meant to send.
 */
final class CommandMonitor implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader feed;

    CommandMonitor(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        feed = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String reply = feed.readLine();
        if (!"+OK".equals(reply)) {
            throw new IOException("MONITOR was refused: " + reply);
        }
    }

    /**
     * @param client the client's address as Redis sees it ({@code CLIENT INFO} field {@code addr})
     * @param marker an argument of the command the client sends after the ones to count
     * @return the names (lower case) of the client's commands that the feed shows before the one
     *     carrying {@code marker}
     */
    List<String> commandsBefore(String client, String marker) throws IOException {
        List<String> commands = new ArrayList<>();
        String tag = " " + client + "] ";
        for (String line; (line = feed.readLine()) != null; ) {
            int at = line.indexOf(tag);
            if (at < 0) {
                continue;
            }
            if (line.contains("\"" + marker + "\"")) {
                return commands;
            }
            String arguments = line.substring(at + tag.length());
            commands.add(arguments.substring(1, arguments.indexOf('"', 1)).toLowerCase(Locale.ROOT));
        }
        throw new IOException("the MONITOR feed ended before the marker " + marker);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
