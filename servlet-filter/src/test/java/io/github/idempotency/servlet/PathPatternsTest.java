package io.github.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathPatternsTest {

    @Test
    void exactPatternsMatchOnlyThatPath() {
        PathPatterns patterns = PathPatterns.of(List.of("/payments"));

        assertThat(patterns.matches("/payments")).isTrue();
        assertThat(patterns.matches("/payments/1")).isFalse();
        assertThat(patterns.matches("/payment")).isFalse();
    }

    @Test
    void prefixPatternsMatchThePrefixItselfAndEverythingBelowItButNotLongerNames() {
        PathPatterns patterns = PathPatterns.of(List.of("/payments/*"));

        assertThat(patterns.matches("/payments")).isTrue();
        assertThat(patterns.matches("/payments/")).isTrue();
        assertThat(patterns.matches("/payments/1/refunds")).isTrue();
        assertThat(patterns.matches("/paymentsX")).isFalse();
        assertThat(patterns.matches("/orders/payments")).isFalse();
    }

    @Test
    void extensionPatternsLookAtTheLastSegment() {
        PathPatterns patterns = PathPatterns.of(List.of("*.json"));

        assertThat(patterns.matches("/a/b.json")).isTrue();
        assertThat(patterns.matches("/a.json/b")).isFalse();
        assertThat(patterns.matches("/a/json")).isFalse();
    }

    @Test
    void slashStarAndSlashMatchEverything() {
        assertThat(PathPatterns.of(List.of("/*")).matches("/anything/at/all")).isTrue();
        assertThat(PathPatterns.of(List.of("/")).matches("/x")).isTrue();
    }

    @Test
    void severalPatternsMatchTheirUnion() {
        PathPatterns patterns = PathPatterns.of(List.of("/payments/*", "/orders", "*.do"));

        assertThat(patterns.matches("/payments/1")).isTrue();
        assertThat(patterns.matches("/orders")).isTrue();
        assertThat(patterns.matches("/legacy/submit.do")).isTrue();
        assertThat(patterns.matches("/refunds")).isFalse();
    }

    @Test
    void malformedPatternsAreRejectedWithWhatIsAccepted() {
        for (String bad : List.of("payments", "/pay*", "/*/x", "*.", "*.a/b", "**.json")) {
            assertThatThrownBy(() -> PathPatterns.of(List.of(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + bad + "\"")
                    .hasMessageContaining("/payments/*");
        }
        assertThatThrownBy(() -> PathPatterns.of(List.of())).hasMessageContaining("at least one");
    }
}
