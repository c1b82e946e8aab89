package io.github.idempotency.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-10-21T07:28:00Z");

    @Test
    void secondsAreAWait() {
        assertThat(RetryAfter.parse("120", NOW)).hasValue(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 1 ", NOW)).hasValue(Duration.ofSeconds(1));
        assertThat(RetryAfter.parse("0", NOW)).hasValue(Duration.ZERO);
    }

    @Test
    void anHttpDateIsTheWaitUntilThen() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:28:05 GMT", NOW)).hasValue(Duration.ofSeconds(5));
    }

    @Test
    void aDateInThePastIsNoWait() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:27:00 GMT", NOW)).hasValue(Duration.ZERO);
    }

    @Test
    void somethingElseIsNoRetryAfterAtAll() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-1", NOW)).isEmpty();
        assertThat(RetryAfter.parse("1.5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("2026-10-21T07:28:05Z", NOW)).isEmpty();
    }

    @Test
    void anEnormousNumberOfSecondsDoesNotOverflow() {
        assertThat(RetryAfter.parse("99999999999999999999999", NOW)).hasValue(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @Property
    void everyWholeNumberOfSecondsIsThatWait(@ForAll @LongRange(min = 0, max = 999_999_999_999L) long seconds) {
        assertThat(RetryAfter.parse(Long.toString(seconds), NOW)).hasValue(Duration.ofSeconds(seconds));
    }

    @Property
    void everyFutureHttpDateIsTheWaitUntilIt(@ForAll @LongRange(min = 0, max = 400 * 86_400L) long seconds) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(seconds).atOffset(ZoneOffset.UTC));
        assertThat(RetryAfter.parse(date, NOW)).hasValue(Duration.ofSeconds(seconds));
    }
}
