package io.github.idempotency.spring.webflux.boot41;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.webflux.boot.TwoInstancesTest;
import io.lettuce.core.LettuceVersion;
import org.junit.jupiter.api.Test;

/**
 * Two WebFlux instances sharing the local Redis, then the local PostgreSQL, on Spring Boot 4.1 under
 * BlockHound: Redis through the Lettuce 7 that Boot 4.1 manages.
 */
class Boot41TwoInstancesTest extends TwoInstancesTest {

    @Test
    void runsOnLettuce7() {
        assertThat(LettuceVersion.getVersion()).startsWith("7.");
    }
}
