package io.github.idempotency.benchmarks;

import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.StoredResponseCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The binary form networked stores keep: a {@code 201} with three headers and a JSON body. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoredResponseCodecBenchmark {

    @Param({"1024", "65536"})
    int bodyBytes;

    private StoredResponse response;
    private byte[] encoded;

    @Setup
    public void createResponse() {
        response = Responses.created(Bodies.json(bodyBytes));
        encoded = StoredResponseCodec.encode(response);
    }

    @Benchmark
    public byte[] encode() {
        return StoredResponseCodec.encode(response);
    }

    @Benchmark
    public StoredResponse decode() {
        return StoredResponseCodec.decode(encoded);
    }
}
