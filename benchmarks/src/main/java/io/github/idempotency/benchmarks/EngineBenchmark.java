package io.github.idempotency.benchmarks;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole engine path of one guarded request with a 1 KiB body on the default in-memory store:
 * key parsing, fingerprint, claim, lease renewal scheduled and cancelled, and storing the response;
 * and the path of a retry that gets the stored response replayed.
 *
 * <p>Every {@link #claimAndComplete()} call uses a new key, so the store fills up as a busy server's
 * would, and evicts by weight once it reaches its default bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class EngineBenchmark {

    private static final int REQUEST_BODY_BYTES = 1024;

    private final EndpointPolicy policy = EndpointPolicy.defaults();
    private final StoredResponse response = Responses.created(Bodies.json(128));
    private final ByteArrayRequest request = new ByteArrayRequest("unused", Bodies.json(REQUEST_BODY_BYTES));
    private final ByteArrayRequest retry = request.withKey("replayed-8e03978e-40d5-43e8-bc93-6894a57f9324");
    private IdempotencyEngine engine;
    private final AtomicLong lastKey = new AtomicLong();

    @Setup(Level.Trial)
    public void startEngine() throws IOException {
        engine = IdempotencyEngine.builder(store()).build();
        proceed(engine.decide(retry, policy)).complete(response);
    }

    /** @return the store the engine runs on: the default in-memory store */
    protected IdempotencyStore store() {
        return InMemoryIdempotencyStore.create();
    }

    @TearDown(Level.Trial)
    public void closeEngine() {
        engine.close();
    }

    /** A first request: claim a new key, then store the handler's response. */
    @Benchmark
    public boolean claimAndComplete() throws IOException {
        return proceed(engine.decide(request.withKey("key-" + lastKey.incrementAndGet()), policy)).complete(response);
    }

    /** A retry of a completed request: the stored response, without running the handler. */
    @Benchmark
    public StoredResponse replay() throws IOException {
        Decision decision = engine.decide(retry, policy);
        if (decision instanceof Decision.Replay replay) {
            return replay.response();
        }
        throw new IllegalStateException("a retry must be replayed, the engine decided " + decision);
    }

    private static Proceed proceed(Decision decision) {
        if (decision instanceof Proceed proceed) {
            return proceed;
        }
        throw new IllegalStateException("a new key must proceed, the engine decided " + decision);
    }
}
