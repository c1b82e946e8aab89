package io.github.idempotency.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code MONITOR} feed of a Redis server, read for the commands of one client connection. The
 * server tags each command it runs with the sender's address (commands run by a Lua script are
 * tagged {@code lua}), so this counts what reached the server from that connection.
 */
final class RedisCommandFeed implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader lines;

    /** Starts the feed; commands run before are not on it. */
    RedisCommandFeed(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        lines = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String reply = lines.readLine();
        if (!"+OK".equals(reply)) {
            throw new IOException("Redis refused MONITOR: " + reply);
        }
    }

    /**
     * Reads the feed up to the {@code ECHO marker} that {@code client} sends to close a span.
     *
     * @param client the connection's address as the server sees it ({@code CLIENT INFO} {@code addr})
     * @param marker the argument of that {@code ECHO}
     * @return the names (lower case) of the commands {@code client} sent before it
     */
    List<String> commandsUntilEcho(String client, String marker) throws IOException {
        List<String> commands = new ArrayList<>();
        String tag = " " + client + "] ";
        for (String line; (line = lines.readLine()) != null; ) {
            int at = line.indexOf(tag);
            if (at < 0) {
                continue;
            }
            String command = line.substring(at + tag.length());
            if (command.equals("\"ECHO\" \"" + marker + "\"") || command.equals("\"echo\" \"" + marker + "\"")) {
                return commands;
            }
            commands.add(command.substring(1, command.indexOf('"', 1)).toLowerCase(Locale.ROOT));
        }
        throw new IOException("the MONITOR feed ended before ECHO " + marker);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
