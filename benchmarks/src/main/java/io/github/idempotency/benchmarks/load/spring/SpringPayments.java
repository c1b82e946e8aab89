package io.github.idempotency.benchmarks.load.spring;

import io.github.idempotency.benchmarks.load.RunningServer;
import io.github.idempotency.benchmarks.load.SpringBootServer;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The payments endpoint as a Spring Boot application with its defaults (embedded Tomcat, Jackson),
 * with or without the idempotency auto-configuration.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SpringPayments {

    /**
     * @param idempotency whether {@code @Idempotent} is honoured ({@code idempotency.enabled})
     * @return the started application on a free loopback port
     */
    public static RunningServer start(boolean idempotency) {
        return SpringBootServer.start(SpringPayments.class, WebApplicationType.SERVLET,
                Map.of("idempotency.enabled", Boolean.toString(idempotency)));
    }
}
