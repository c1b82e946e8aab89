package io.github.idempotency.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates an order: counts the run under the request's {@code Idempotency-Key} in a map shared by
 * every instance, works for a few milliseconds (hashing, not sleeping) so that duplicates arrive
 * while it runs, and answers {@code 201} with a body no other run produces.
 */
final class CountingServlet extends HttpServlet {

    /** How long a run keeps working. */
    private static final long WORK_NANOS = 3_000_000;

    private final String instanceName;
    private final Map<String, AtomicInteger> runsByKey;

    /**
     * @param instanceName put in each response, to tell which instance ran
     * @param runsByKey the run counts, shared by the instances
     */
    CountingServlet(String instanceName, Map<String, AtomicInteger> runsByKey) {
        this.instanceName = instanceName;
        this.runsByKey = runsByKey;
    }

    /** @return a map to count runs in, safe for concurrent use */
    static Map<String, AtomicInteger> newRunCounts() {
        return new ConcurrentHashMap<>();
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String key = request.getHeader("Idempotency-Key");
        int run = runsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        byte[] requestBody = request.getInputStream().readAllBytes();
        String order = UUID.randomUUID().toString();
        String work = work(requestBody);
        byte[] body = ("{\"order\":\"" + order + "\",\"instance\":\"" + instanceName + "\",\"run\":" + run
                + ",\"work\":\"" + work + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_CREATED);
        response.setHeader("Location", AppInstance.PATH + "/" + order);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Hashes {@code input} over and over for {@link #WORK_NANOS}; returns the last hash's first bytes. */
    private static String work(byte[] input) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] hash = input;
            long start = System.nanoTime();
            while (System.nanoTime() - start < WORK_NANOS) {
                hash = sha256.digest(hash);
            }
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
