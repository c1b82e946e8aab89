package io.github.idempotency.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Request and response bodies of a given size, the same in every run. */
final class Bodies {

    private Bodies() {
    }

    /** @return {@code size} bytes of a JSON payment with a long ASCII {@code note}, seeded */
    static byte[] json(int size) {
        String head = "{\"amount\":1250,\"currency\":\"EUR\",\"note\":\"";
        String tail = "\"}";
        int noteLength = size - head.length() - tail.length();
        if (noteLength < 0) {
            throw new IllegalArgumentException("a JSON body needs at least " + (size - noteLength) + " bytes");
        }
        SplittableRandom random = new SplittableRandom(size);
        StringBuilder json = new StringBuilder(size).append(head);
        for (int i = 0; i < noteLength; i++) {
            json.append((char) ('a' + random.nextInt(26)));
        }
        return json.append(tail).toString().getBytes(StandardCharsets.US_ASCII);
    }
}
