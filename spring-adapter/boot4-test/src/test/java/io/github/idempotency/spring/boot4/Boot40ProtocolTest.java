package io.github.idempotency.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.testapp.ProtocolChecks;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/**
 * The HTTP protocol checks of idempotency-spring, unchanged, on Spring Boot 4.0 (Spring Framework
 * 7, Spring Security 7, Tomcat 11, Jackson 3 for the application).
 */
class Boot40ProtocolTest extends ProtocolChecks {

    @Test
    void runsOnSpringBoot4() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
        assertThat(SpringVersion.getVersion()).startsWith("7.");
        assertThat(org.apache.catalina.util.ServerInfo.getServerNumber()).startsWith("11.");
    }
}
