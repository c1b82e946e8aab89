package io.github.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConcurrencyPolicyTest {

    @Test
    void rejectAnswersAtOnce() {
        assertThat(ConcurrencyPolicy.reject().maxWait()).isEqualTo(Duration.ZERO);
        assertThat(ConcurrencyPolicy.reject().waits()).isFalse();
    }

    @Test
    void waitUpToWaits() {
        assertThat(ConcurrencyPolicy.waitUpTo(Duration.ofMillis(1)).waits()).isTrue();
        assertThat(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(5)).maxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ConcurrencyPolicy.waitUpTo(Duration.ZERO)).isEqualTo(ConcurrencyPolicy.reject());
    }

    @Test
    void negativeWaitIsRejected() {
        assertThatThrownBy(() -> ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxWait must not be negative, was PT-1S");
    }
}
