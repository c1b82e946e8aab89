package io.github.idempotency.spring.boot41;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.testapp.ProtocolChecks;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/**
 * The HTTP protocol checks of idempotency-spring, unchanged, on Spring Boot 4.1 (Spring Framework
 * 7.0, Tomcat 11, Jackson 3 for the application).
 */
class Boot41ProtocolTest extends ProtocolChecks {

    @Test
    void runsOnSpringBoot41() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.1.");
        assertThat(SpringVersion.getVersion()).startsWith("7.0.");
        assertThat(org.apache.catalina.util.ServerInfo.getServerNumber()).startsWith("11.");
    }
}
