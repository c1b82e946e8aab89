package io.github.idempotency.spring.boot4.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.testapp.ProtocolChecks;
import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/** The HTTP protocol checks of idempotency-spring, unchanged, on Spring Boot 4.0 served by Jetty 12.1. */
class Boot40JettyProtocolTest extends ProtocolChecks {

    @Test
    void runsOnSpringBoot4WithJetty121() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
        assertThat(Jetty.VERSION).startsWith("12.1.");
    }
}
