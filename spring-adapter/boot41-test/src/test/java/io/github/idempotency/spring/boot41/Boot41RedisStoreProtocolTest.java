package io.github.idempotency.spring.boot41;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.boot.RedisStoreProtocolTest;
import io.lettuce.core.LettuceVersion;
import org.junit.jupiter.api.Test;

/**
 * The HTTP protocol checks with {@code idempotency.store.type=redis} on Spring Boot 4.1, through the
 * Lettuce 7 that Boot 4.1 manages.
 */
class Boot41RedisStoreProtocolTest extends RedisStoreProtocolTest {

    @Test
    void runsOnLettuce7() {
        assertThat(LettuceVersion.getVersion()).startsWith("7.");
    }
}
