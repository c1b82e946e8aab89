package io.github.idempotency.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on the loopback interface between an application and its store, under the test's
 * control: each accepted connection is paired with a new connection to the store and bytes are
 * pumped both ways.
 *
 * <ul>
 *   <li>{@link #cut()} closes every open connection and, until {@link #heal()}, closes each new one
 *       as soon as it is accepted, as a store that went away does;</li>
 *   <li>{@link #delay(Duration)} holds every chunk the store sends back for that long before
 *       passing it on, as a slow store or network does.</li>
 * </ul>
 *
 * <p>Thread-safe; one daemon thread accepts, two per connection pump.
 */
final class FaultProxy implements AutoCloseable {

    private final int upstreamPort;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile boolean isCut;
    private volatile long delayMillis;

    /**
     * @param upstreamPort the store's port on the loopback interface
     * @throws IOException if no local port can be bound
     */
    FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        daemon("fault-proxy-accept-" + port(), this::accept);
    }

    /** @return the local port the application connects to instead of the store's */
    int port() {
        return listener.getLocalPort();
    }

    /** Closes every open connection and refuses new ones until {@link #heal()}. */
    void cut() {
        isCut = true;
        cuts.incrementAndGet();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    /** Lets new connections through again (connections closed by {@link #cut()} stay closed). */
    void heal() {
        isCut = false;
    }

    /** @param delay how long each chunk from the store is held before it is passed on; zero for none */
    void delay(Duration delay) {
        delayMillis = delay.toMillis();
    }

    /** @return how many times {@link #cut()} was called */
    int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            if (isCut) {
                closeQuietly(client);
                continue;
            }
            Socket store = new Socket();
            try {
                store.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2_000);
                store.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException unreachable) {
                closeQuietly(client);
                closeQuietly(store);
                continue;
            }
            open.add(client);
            open.add(store);
            if (isCut) { // cut() ran while this pair was being connected
                closeQuietly(client);
                closeQuietly(store);
                continue;
            }
            daemon("fault-proxy-requests", () -> pump(client, store, false));
            daemon("fault-proxy-replies", () -> pump(store, client, true));
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                long delay = delayMillis;
                if (replies && delay > 0) {
                    Thread.sleep(delay);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side went away or the proxy cut the pair: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException alreadyBroken) {
            // nothing left to close
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }
}
