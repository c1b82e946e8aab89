package io.github.idempotency.spring.webflux.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.webflux.testapp.ReactiveProtocolChecks;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/** The reactive protocol checks on Spring Boot 4.0 (Spring Framework 7), on Reactor Netty, under BlockHound. */
class Boot40ReactiveProtocolTest extends ReactiveProtocolChecks {

    @Test
    void runsOnSpringBoot4() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
        assertThat(SpringVersion.getVersion()).startsWith("7.");
    }
}
