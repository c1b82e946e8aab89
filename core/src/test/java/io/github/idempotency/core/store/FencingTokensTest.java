package io.github.idempotency.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FencingTokensTest {

    @Test
    void tokensAreSplittableRandomsSequenceFromTheStart() {
        long start = 0x1234_5678_9abc_def0L;
        FencingTokens tokens = new FencingTokens(start);
        SplittableRandom reference = new SplittableRandom(start);

        for (int i = 0; i < 1_000; i++) {
            assertThat(tokens.next()).isEqualTo(reference.nextLong());
        }
    }

    @Test
    void noTokenRepeatsAcrossTheWrapOfTheSequence() {
        FencingTokens tokens = new FencingTokens(-500_000L * 0x9e3779b97f4a7c15L);
        Set<Long> seen = new HashSet<>();

        for (int i = 0; i < 1_000_000; i++) {
            assertThat(seen.add(tokens.next())).as("token %d is new", i).isTrue();
        }
    }

    @Test
    void concurrentDrawsGiveDistinctTokens() {
        FencingTokens tokens = FencingTokens.seededBySecureRandom();

        long distinct = IntStream.range(0, 200_000).parallel().mapToLong(i -> tokens.next()).distinct().count();

        assertThat(distinct).isEqualTo(200_000);
    }
}
