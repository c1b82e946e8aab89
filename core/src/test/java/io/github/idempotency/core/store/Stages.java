package io.github.idempotency.core.store;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Waits, in tests, for what the stage of an asynchronous store method completes with. */
public final class Stages {

    private static final long TIMEOUT_SECONDS = 10;

    private Stages() {
    }

    /**
     * @return the result of {@code stage}
     * @throws Exception what {@code stage} failed with (wrapped in an {@code ExecutionException}),
     *     or a {@code TimeoutException} when it did not complete within ten seconds
     */
    public static <T> T resultOf(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * @return what {@code stage} failed with, as its callbacks receive it (so a failure wrapped in
     *     a {@code CompletionException} stays wrapped); {@code null} when it succeeded
     * @throws AssertionError if it did not complete within ten seconds
     */
    public static Throwable failureOf(CompletionStage<?> stage) {
        try {
            return stage.handle((result, failure) -> failure).toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stage did not complete within " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
