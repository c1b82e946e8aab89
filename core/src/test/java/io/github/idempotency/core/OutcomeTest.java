package io.github.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void tagIsTheLowerCaseName() {
        assertThat(Outcome.IN_FLIGHT.tag()).isEqualTo("in_flight");
        assertThat(Outcome.NEW.tag()).isEqualTo("new");
        assertThat(Outcome.BODY_TOO_LARGE.tag()).isEqualTo("body_too_large");
    }
}
