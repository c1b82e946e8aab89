package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.metrics.ObservedIdempotencyStore;
import io.github.idempotency.spring.Idempotent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Over real HTTP, with Spring Boot's observation support on the observation test kit's registry:
 * the claim and the completion of a guarded request are observations, children of the HTTP
 * server's, with the claim's outcome.
 */
class ObservationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theClaimAndTheCompletionAreChildObservationsOfTheHttpRequest() throws Exception {
        try (ConfigurableApplicationContext application = new SpringApplication(App.class).run("--server.port=0")) {
            TestObservationRegistry registry = application.getBean(TestObservationRegistry.class);
            String key = UUID.randomUUID().toString();

            post(application, key);
            post(application, key);

            List<Observation.Context> handled = new ArrayList<>();
            TestObservationRegistryAssert.assertThat(registry).hasHandledContextsThatSatisfy(handled::addAll);
            assertThat(handled).filteredOn(c -> c.getName().equals(ObservedIdempotencyStore.CLAIM))
                    .extracting(c -> c.getLowCardinalityKeyValue("outcome").getValue())
                    .containsExactly("new", "replayed");
            assertThat(handled).filteredOn(c -> c.getName().equals(ObservedIdempotencyStore.CALL))
                    .extracting(c -> c.getLowCardinalityKeyValue("operation").getValue())
                    .containsExactly("complete");
            assertThat(handled).filteredOn(c -> c.getName().startsWith("idempotency."))
                    .allSatisfy(c -> assertThat(c.getParentObservation()).isNotNull()
                            .extracting(parent -> parent.getContextView().getName()).isEqualTo("http.server.requests"));
        }
    }

    private void post(ConfigurableApplicationContext application, String key) throws Exception {
        int port = ((WebServerApplicationContext) application).getWebServer().getPort();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/payments"))
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
    }

    @Configuration(proxyBeanMethods = false)
    @WithoutSecurity
    @Import(App.Payments.class)
    static class App {

        @Bean
        ObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }

        @RestController
        static class Payments {

            @PostMapping("/payments")
            @Idempotent
            org.springframework.http.ResponseEntity<String> create() {
                return org.springframework.http.ResponseEntity.status(201).body("created");
            }
        }
    }
}
