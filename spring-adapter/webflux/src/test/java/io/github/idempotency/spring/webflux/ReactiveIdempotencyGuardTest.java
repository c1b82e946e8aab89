package io.github.idempotency.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The guard's own edges: an exchange cancelled while the store has not answered yet, and what the
 * handler of a claimed request finds in the exchange.
 */
class ReactiveIdempotencyGuardTest {

    private final InMemoryIdempotencyStore memory = InMemoryIdempotencyStore.create();
    private final AtomicReference<CompletableFuture<ClaimResult>> pendingClaim = new AtomicReference<>();
    private final AtomicReference<ClaimRequest> claimed = new AtomicReference<>();
    /** Answers claimAsync only when the test completes {@link #pendingClaim}. */
    private final IdempotencyStore slowStore = new IdempotencyStore() {
        @Override
        public ClaimResult claim(ClaimRequest request) {
            return memory.claim(request);
        }

        @Override
        public CompletionStage<ClaimResult> claimAsync(ClaimRequest request) {
            claimed.set(request);
            CompletableFuture<ClaimResult> answer = new CompletableFuture<>();
            pendingClaim.set(answer);
            return answer;
        }
    };
    private final IdempotencyEngine engine = IdempotencyEngine.builder(slowStore).build();
    private final ReactiveIdempotencyGuard guard = new ReactiveIdempotencyGuard(engine, EndpointPolicy.defaults());

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aClaimThatArrivesAfterTheExchangeWasCancelledIsReleasedAndTheHandlerNeverRuns() {
        AtomicInteger handlerRuns = new AtomicInteger();
        MockServerWebExchange mock = MockServerWebExchange.from(MockServerHttpRequest.post("/payments")
                .header("Idempotency-Key", "k-1").header("Content-Type", "application/json").body("{\"amount\":1}"));
        ServerWebExchange exchange = mock.mutate().response(new CapturingServerHttpResponse(mock.getResponse())).build();

        Disposable request = guard.guard(exchange, EndpointPolicy.defaults(), "/payments",
                buffered -> Mono.fromRunnable(handlerRuns::incrementAndGet),
                decision -> Mono.empty()).subscribe();
        assertThat(pendingClaim.get()).as("the guard asked the store").isNotNull();
        request.dispose(); // the client went away before the store answered
        pendingClaim.get().complete(memory.claim(claimed.get()));

        assertThat(handlerRuns).hasValue(0);
        assertThat(memory.claim(claimed.get())).as("the key is free again").isInstanceOf(ClaimResult.Acquired.class);
    }

    @Test
    void theHandlerOfAClaimedRequestFindsTheEntryKeyInTheExchangesAttributes() {
        AtomicReference<Object> seen = new AtomicReference<>();
        MockServerWebExchange mock = MockServerWebExchange.from(MockServerHttpRequest.post("/payments")
                .header("Idempotency-Key", "k-2").header("Content-Type", "application/json").body("{\"amount\":1}"));
        ServerWebExchange exchange = mock.mutate().response(new CapturingServerHttpResponse(mock.getResponse())).build();

        try (IdempotencyEngine inMemory = IdempotencyEngine.builder(memory).build()) {
            new ReactiveIdempotencyGuard(inMemory, EndpointPolicy.defaults()).guard(exchange, EndpointPolicy.defaults(),
                    "/payments", buffered -> Mono.fromRunnable(
                            () -> seen.set(exchange.getAttribute(Proceed.ENTRY_KEY_ATTRIBUTE))),
                    decision -> Mono.empty()).block(Duration.ofSeconds(10));
        }

        assertThat(seen.get()).isEqualTo(new EntryKey("a0:4:POST/payments", "k-2"));
    }
}
