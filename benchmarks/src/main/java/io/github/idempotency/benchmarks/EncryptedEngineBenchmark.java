package io.github.idempotency.benchmarks;

import io.github.idempotency.core.protect.EncryptionKeys;
import io.github.idempotency.core.protect.StoreProtection;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import java.util.concurrent.TimeUnit;

/**
 * {@link EngineBenchmark}'s two paths on the in-memory store protected by {@link StoreProtection}
 * with encryption (AES-256-GCM, HMAC-SHA256 fingerprints): its difference from
 * {@link EngineBenchmark} is the cost of encryption per request. The first request pays the
 * fingerprint's HMAC, the encoding and the encryption of its 128-byte response; a replay pays
 * the HMAC, the decryption and the decoding.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class EncryptedEngineBenchmark extends EngineBenchmark {

    @Override
    protected IdempotencyStore store() {
        byte[] key = new byte[32];
        byte[] fingerprintKey = new byte[32];
        java.util.Arrays.fill(fingerprintKey, (byte) 1);
        return StoreProtection.builder()
                .encryption(EncryptionKeys.builder().key("bench", key).fingerprintKey(fingerprintKey).build())
                .build()
                .protect(InMemoryIdempotencyStore.create());
    }
}
