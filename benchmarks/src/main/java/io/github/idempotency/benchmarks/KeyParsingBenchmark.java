package io.github.idempotency.benchmarks;

import io.github.idempotency.core.key.IdempotencyKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Parsing a UUID key as a bare token (Stripe's clients), as an sf-string (the draft), and as the engine calls it. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyParsingBenchmark {

    private final String token = "8e03978e-40d5-43e8-bc93-6894a57f9324";
    private final String sfString = "\"" + token + "\"";
    private final List<String> headerLines = List.of(token);

    @Benchmark
    public IdempotencyKey bareToken() {
        return IdempotencyKey.parse(token);
    }

    @Benchmark
    public IdempotencyKey sfString() {
        return IdempotencyKey.parse(sfString);
    }

    /** The engine's call: every header line with the key's name, here one. */
    @Benchmark
    public IdempotencyKey headerLines() {
        return IdempotencyKey.parse(headerLines);
    }
}
