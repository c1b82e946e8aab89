package io.github.idempotency.benchmarks;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The default fingerprint of one request against a bare SHA-256 of the same body bytes, fed in the
 * same 8 KiB chunks: the bare digest is the floor no fingerprint of the whole body can beat.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FingerprintBenchmark {

    @Param({"1024", "65536", "1048576"})
    int bodyBytes;

    private byte[] body;
    private ByteArrayRequest request;
    private final FingerprintStrategy sha256 = FingerprintStrategy.sha256();

    @Setup
    public void createBody() {
        body = Bodies.json(bodyBytes);
        request = new ByteArrayRequest("fingerprint-benchmark", body);
    }

    @Benchmark
    public Fingerprint sha256Strategy() {
        FingerprintStrategy.Fingerprinter fingerprinter = sha256.start(request);
        ByteArrayRequest.feed(body, fingerprinter);
        return fingerprinter.finish();
    }

    @Benchmark
    public byte[] bareMessageDigest() throws NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        ByteArrayRequest.feed(body, digest::update);
        return digest.digest();
    }
}
