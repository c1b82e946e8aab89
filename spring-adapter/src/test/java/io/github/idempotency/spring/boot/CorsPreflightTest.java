package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.Idempotent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A browser on another origin, as the Spring guide's CORS configuration serves it, over real HTTP:
 * the preflight allows {@code Idempotency-Key} and claims nothing, and the cross-origin replay
 * exposes {@code Idempotent-Replayed}.
 */
class CorsPreflightTest {

    private static final String ORIGIN = "https://shop.example.com";
    private static ConfigurableApplicationContext application;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        application = new SpringApplication(Shop.class).run("--server.port=0");
    }

    @AfterAll
    static void stop() {
        application.close();
    }

    @Test
    void thePreflightAllowsTheKeyHeaderAndTheReplayExposesItsHeaders() throws Exception {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> preflight = send(HttpRequest.newBuilder(uri())
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,idempotency-key"));
        HttpResponse<String> first = send(post(key));
        HttpResponse<String> replay = send(post(key));

        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("idempotency-key");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(replay.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(replay.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
                .contains("Idempotent-Replayed", "Retry-After");
        assertThat(application.getBean(Shop.Payments.class).runs).as("the handler ran once").hasValue(1);
    }

    private HttpRequest.Builder post(String key) {
        return HttpRequest.newBuilder(uri())
                .header("Origin", ORIGIN)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 5}"));
    }

    private URI uri() {
        return URI.create("http://localhost:" + ((WebServerApplicationContext) application).getWebServer().getPort()
                + "/payments");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @WithoutSecurity
    @Import(Shop.Payments.class)
    static class Shop implements WebMvcConfigurer {

        @Override
        public void addCorsMappings(CorsRegistry registry) {
            registry.addMapping("/payments/**")
                    .allowedOrigins(ORIGIN)
                    .allowedMethods("POST", "PATCH")
                    .allowedHeaders("Content-Type", "Idempotency-Key")
                    .exposedHeaders("Idempotent-Replayed", "Retry-After", "Location");
        }

        @RestController
        static class Payments {

            final AtomicInteger runs = new AtomicInteger();

            @PostMapping("/payments")
            @Idempotent(keyRequired = true)
            org.springframework.http.ResponseEntity<String> create() {
                return org.springframework.http.ResponseEntity.status(201).body("{\"run\": " + runs.incrementAndGet() + "}");
            }
        }
    }
}
