package io.github.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class IdempotencyListenerTest {

    @Test
    void noneIsAListenerThatDoesNothing() {
        IdempotencyListener none = IdempotencyListener.none();

        assertThat(none).isNotNull();
        assertThatCode(() -> {
            none.onOutcome(Outcome.NEW, TestRequest.post("/p"));
            none.onStoreCall(IdempotencyListener.StoreOperation.CLAIM, 1, true);
        }).doesNotThrowAnyException();
    }
}
