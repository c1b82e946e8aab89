package io.github.idempotency.benchmarks.load;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A Spring Boot application with its defaults on a free loopback port, logging only problems, stopped with its context. */
public final class SpringBootServer implements RunningServer {

    private final ConfigurableApplicationContext context;
    private final int port;

    private SpringBootServer(ConfigurableApplicationContext context, int port) {
        this.context = context;
        this.port = port;
    }

    /**
     * @param application the {@code @SpringBootApplication} class
     * @param type Spring MVC or WebFlux, whatever else is on the class path
     * @param properties added to the defaults (address, port, banner, log level)
     * @return the started application
     */
    public static SpringBootServer start(Class<?> application, WebApplicationType type, Map<String, String> properties) {
        SpringApplication spring = new SpringApplication(application);
        spring.setWebApplicationType(type);
        Map<String, Object> defaults = new HashMap<>(Map.of(
                "server.address", "127.0.0.1",
                "server.port", "0",
                "spring.main.banner-mode", "off",
                "logging.level.root", "warn"));
        defaults.putAll(properties);
        spring.setDefaultProperties(defaults);
        ConfigurableApplicationContext context = spring.run();
        return new SpringBootServer(context, ((WebServerApplicationContext) context).getWebServer().getPort());
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        context.close();
    }
}
