package io.github.idempotency.benchmarks.load.webflux;

import io.github.idempotency.benchmarks.load.RunningServer;
import io.github.idempotency.benchmarks.load.SpringBootServer;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.embedded.netty.NettyReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * The payments endpoint as a Spring Boot WebFlux application with its defaults (Reactor Netty,
 * Jackson), with or without the idempotency auto-configuration.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class WebFluxPayments {

    /**
     * @param idempotency whether {@code @Idempotent} is honoured ({@code idempotency.enabled})
     * @param store {@code idempotency.*} properties of the store; none for the default in-memory store
     * @return the started application on a free loopback port
     */
    public static RunningServer start(boolean idempotency, Map<String, String> store) {
        Map<String, String> properties = new HashMap<>(store);
        properties.put("idempotency.enabled", Boolean.toString(idempotency));
        return SpringBootServer.start(WebFluxPayments.class, WebApplicationType.REACTIVE, properties);
    }

    /** Reactor Netty, which Spring Boot would pass over for the Tomcat that the Spring MVC setups bring. */
    @Bean
    NettyReactiveWebServerFactory nettyReactiveWebServerFactory() {
        return new NettyReactiveWebServerFactory();
    }
}
