package io.github.idempotency.benchmarks;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.StoredResponseCodec;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Measures the heap that the in-memory store retains per completed record: it stores
 * {@code records} responses with a body of {@code body-bytes} through the engine, each under a new
 * key as a client's UUID would be, and compares the heap in use after a full collection with the
 * heap before, and with the record's encoded size (what the Redis and JDBC stores write for it:
 * the {@link StoredResponseCodec} encoding, the 32-byte fingerprint and the 36-character key).
 *
 * <pre>java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar io.github.idempotency.benchmarks.RetainedHeap [records] [body-bytes]</pre>
 *
 * With {@code -Dhistogram=true} it also prints the heap histogram's top classes ({@code jcmd
 * GC.class_histogram} of its own process), which shows what a record is made of.
 */
public final class RetainedHeap {

    private static final int FINGERPRINT_BYTES = 32;
    private static final int UUID_CHARS = 36;

    private RetainedHeap() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        byte[] body = Bodies.json(bodyBytes);
        ByteArrayRequest request = new ByteArrayRequest("unused", Bodies.json(200));
        EndpointPolicy policy = EndpointPolicy.defaults();

        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().maximumWeightBytes(Long.MAX_VALUE).build();
        try (IdempotencyEngine engine = IdempotencyEngine.builder(store).build()) {
            // Warm the engine's own structures before the first reading.
            store(engine, request, policy, body, "warm-up-", 1_000);
            long before = usedAfterFullCollection();
            store(engine, request, policy, body, "", records);
            long after = usedAfterFullCollection();

            int encoded = StoredResponseCodec.encode(response(body, new UUID(0, 0))).length;
            int recordBytes = encoded + FINGERPRINT_BYTES + UUID_CHARS;
            double perRecord = (after - before) / (double) records;
            System.out.printf("records: %,d with a %,d-byte body, store: %s, JVM: %s%n",
                    records, bodyBytes, store, Runtime.version());
            System.out.printf("retained per record: %,.0f bytes%n", perRecord);
            System.out.printf("encoded response: %,d bytes (x%.2f); with fingerprint and key: %,d bytes (x%.2f)%n",
                    encoded, perRecord / encoded, recordBytes, perRecord / recordBytes);
            if (Boolean.getBoolean("histogram")) {
                printHistogram();
            }
        }
    }

    private static void store(IdempotencyEngine engine, ByteArrayRequest request, EndpointPolicy policy,
            byte[] body, String prefix, int count) throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < count; i++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            Decision decision = engine.decide(request.withKey(prefix + id), policy);
            if (!(decision instanceof Proceed proceed) || !proceed.complete(response(body, id))) {
                throw new IllegalStateException("a new key must proceed and complete, the engine decided " + decision);
            }
        }
    }

    /** A response as a servlet container's capture makes it: its own body and header values. */
    private static StoredResponse response(byte[] body, UUID id) {
        return new StoredResponse(201, List.of(
                new ResponseHeader("Content-Type", "application/json"),
                new ResponseHeader("Content-Length", Integer.toString(body.length)),
                new ResponseHeader("Location", "/payments/" + id)),
                body.clone());
    }

    private static long usedAfterFullCollection() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void printHistogram() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true)
                .start();
        try (var lines = jcmd.inputReader().lines()) {
            lines.limit(20).forEach(System.out::println);
        }
        jcmd.waitFor();
    }
}
