package io.github.idempotency.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Property
    void everyWaitIsBetweenTheJitteredBaseAndTheBase(
            @ForAll @LongRange(min = 1, max = 10_000) long initialMillis,
            @ForAll @DoubleRange(min = 1, max = 10) double multiplier,
            @ForAll @LongRange(min = 0, max = 100_000) long extraMaxMillis,
            @ForAll @DoubleRange(min = 0, max = 1) double jitter,
            @ForAll @IntRange(min = 1, max = 200) int retry,
            @ForAll long seed) {
        Backoff backoff = new Backoff(Duration.ofMillis(initialMillis), multiplier,
                Duration.ofMillis(initialMillis + extraMaxMillis), jitter);
        double base = Math.min(backoff.max().toNanos(), initialMillis * 1e6 * Math.pow(multiplier, retry - 1));

        long wait = backoff.delay(retry, new Random(seed)).toNanos();

        assertThat(wait).isLessThanOrEqualTo(backoff.max().toNanos());
        assertThat((double) wait).isBetween(Math.floor(base * (1 - jitter)) - 1, base);
    }

    @Test
    void withoutJitterTheWaitsDoubleUpToTheMax() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), 2, Duration.ofMillis(500), 0);
        Random random = new Random(1);

        assertThat(backoff.delay(1, random)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(2, random)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(3, random)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.delay(4, random)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delay(60, random)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void theJitterSpreadsTheWaits() {
        Backoff backoff = Backoff.defaults();
        Random random = new Random(7);

        assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> backoff.delay(1, random)).distinct().count())
                .isGreaterThan(40);
    }

    @Test
    void settingsOutOfRangeSayWhich() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, 2, Duration.ofSeconds(1), 0.5))
                .hasMessageContaining("initial must be positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 0.5))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0.5))
                .hasMessageContaining("max (PT1S) must not be shorter than initial (PT2S)");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 1.5))
                .hasMessageContaining("jitter must be from 0 to 1");
        assertThatThrownBy(() -> Backoff.defaults().delay(0, new Random()))
                .hasMessageContaining("retry counts from 1");
    }
}
