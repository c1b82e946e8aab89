package io.github.idempotency.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.boot.RedisStoreProtocolTest;
import io.lettuce.core.LettuceVersion;
import org.junit.jupiter.api.Test;

/**
 * The HTTP protocol checks with {@code idempotency.store.type=redis} on Spring Boot 4.0, through the
 * Lettuce 6.8 that Boot 4.0 manages.
 */
class Boot40RedisStoreProtocolTest extends RedisStoreProtocolTest {

    @Test
    void runsOnLettuce68() {
        assertThat(LettuceVersion.getVersion()).startsWith("6.8.");
    }
}
