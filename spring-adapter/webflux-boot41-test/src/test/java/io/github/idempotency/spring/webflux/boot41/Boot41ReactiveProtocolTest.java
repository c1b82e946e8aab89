package io.github.idempotency.spring.webflux.boot41;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.webflux.testapp.ReactiveProtocolChecks;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/** The reactive protocol checks on Spring Boot 4.1 (Spring Framework 7.0), on Reactor Netty, under BlockHound. */
class Boot41ReactiveProtocolTest extends ReactiveProtocolChecks {

    @Test
    void runsOnSpringBoot41() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.1.");
        assertThat(SpringVersion.getVersion()).startsWith("7.0.");
    }
}
