package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.spring.Idempotent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/** What an application's startup says of the library: the line naming store and handlers, and the failure report. */
@ExtendWith(OutputCaptureExtension.class)
class StartupReportTest {

    @Test
    void oneInfoLineNamesTheStoreAndTheGuardedHandlers(CapturedOutput output) {
        try (ConfigurableApplicationContext context = start(WebApplicationType.SERVLET, "--server.port=0")) {
            assertThat(output.getOut().lines().filter(line -> line.contains("Idempotency-Key guards")))
                    .singleElement().asString()
                    .contains(" INFO ")
                    .contains("Idempotency-Key guards 2 handlers on InMemoryIdempotencyStore[maximumWeightBytes=")
                    .contains("{POST [/payments]}", "{PUT [/payments/{id}]}")
                    .doesNotContain("/refunds");
        }
    }

    @Test
    void aConfigurationErrorIsBootsFailureReportWithTheMessage(CapturedOutput output) {
        assertThatThrownBy(() -> start(WebApplicationType.SERVLET, "--server.port=0", "--idempotency.store.type=jdbc"))
                .hasRootCauseInstanceOf(IdempotencyConfigurationException.class);

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("The Idempotency-Key library cannot start: idempotency.store.type is jdbc, but the application"
                        + " has no DataSource bean")
                .contains("Action:")
                .contains("idempotency.enabled=false turns the library off");
    }

    private static ConfigurableApplicationContext start(WebApplicationType type, String... args) {
        SpringApplication application = new SpringApplication(Payments.class);
        application.setWebApplicationType(type);
        return application.run(args);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration(excludeName = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
    @Import(Payments.Controller.class)
    static class Payments {

        @RestController
        static class Controller {

            @PostMapping("/payments")
            @Idempotent
            String create() {
                return "created";
            }

            @PutMapping("/payments/{id}")
            @Idempotent
            String replace() {
                return "replaced";
            }

            @PostMapping("/refunds")
            String refund() {
                return "refunded";
            }
        }
    }
}
