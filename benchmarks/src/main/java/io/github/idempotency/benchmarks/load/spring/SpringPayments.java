package io.github.idempotency.benchmarks.load.spring;

import io.github.idempotency.benchmarks.load.RunningServer;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;

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
        SpringApplication application = new SpringApplication(SpringPayments.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        application.setDefaultProperties(Map.of(
                "server.address", "127.0.0.1",
                "server.port", "0",
                "spring.main.banner-mode", "off",
                "logging.level.root", "warn",
                "idempotency.enabled", Boolean.toString(idempotency)));
        ServletWebServerApplicationContext context =
                (ServletWebServerApplicationContext) application.run();
        int port = context.getWebServer().getPort();
        return new RunningServer() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() {
                context.close();
            }
        };
    }
}
