package io.github.idempotency.spring.operation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.operation.IdempotentOperations;
import io.github.idempotency.spring.operation.jdbc.TransactionalOperations;
import io.github.idempotency.spring.operation.web.RequestKeyedPaymentsApplication.PaymentRequest;
import io.github.idempotency.spring.operation.web.RequestKeyedPaymentsApplication.Payments;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Over real HTTP on embedded Tomcat, with the JDBC store on H2: a service method annotated
 * {@code @IdempotentOperation} without a key, called from an {@code @Idempotent} handler, runs once
 * per key of the request, and its row commits with its record, so a retry that runs the handler
 * again (the first attempt failed after the commit, as a process that died before storing its
 * response would) gets the committed payment instead of a second one.
 */
class RequestKeyedOperationTest {

    private static ConfigurableApplicationContext application;
    private static JdbcTemplate jdbc;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        application = new SpringApplication(RequestKeyedPaymentsApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:request-keyed;DB_CLOSE_DELAY=-1",
                "--idempotency.store.type=jdbc",
                "--idempotency.store.jdbc.initialize-schema=always",
                "--logging.level.org.apache.catalina=warn");
        jdbc = application.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        application.close();
    }

    @BeforeEach
    void noPayments() {
        jdbc.update("DELETE FROM " + RequestKeyedPaymentsApplication.TABLE);
    }

    @Test
    void aRetryAfterAFailureFollowingTheCommitGetsTheCommittedPaymentWithoutASecondRow() throws Exception {
        assertThat(application.getBean(TransactionalOperations.class)).isNotNull();
        String key = UUID.randomUUID().toString();

        HttpResponse<String> failed = post("/payments", "acme", key, true);
        List<String> afterFailure = paymentIds();
        HttpResponse<String> retried = post("/payments", "acme", key, false);

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(afterFailure).hasSize(1);
        assertThat(retried.statusCode()).isEqualTo(201);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty(); // the handler ran again
        assertThat(retried.body()).contains("\"id\":\"" + afterFailure.get(0) + "\"");
        assertThat(paymentIds()).isEqualTo(afterFailure);
    }

    @Test
    void theSameKeyFromTwoScopesMakesTwoPayments() throws Exception {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> acme = post("/payments", "acme", key, false);
        HttpResponse<String> globex = post("/payments", "globex", key, false);

        assertThat(acme.statusCode()).isEqualTo(201);
        assertThat(globex.statusCode()).isEqualTo(201);
        assertThat(acme.body()).isNotEqualTo(globex.body());
        assertThat(paymentIds()).hasSize(2);
    }

    @Test
    void aCallOutsideARequestThatHoldsAKeyDoesNotRun() throws Exception {
        Payments payments = application.getBean(Payments.class);

        assertThatThrownBy(() -> payments.create(new PaymentRequest(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Payments.create names no key")
                .hasMessageContaining("it is called outside a Spring MVC request");
        HttpResponse<String> unguarded = post("/unguarded-payments", "acme", UUID.randomUUID().toString(), false);

        assertThat(unguarded.statusCode()).isEqualTo(500);
        assertThat(paymentIds()).isEmpty();
        assertThat(application.getBean(IdempotentOperations.class)).isNotNull();
    }

    private HttpResponse<String> post(String path, String tenant, String key, boolean failAfterCommit) throws Exception {
        int port = ((WebServerApplicationContext) application).getWebServer().getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .header("Tenant", tenant)
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 700}"));
        if (failAfterCommit) {
            request.header("Fail-After-Commit", "yes");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> paymentIds() {
        return jdbc.queryForList("SELECT id FROM " + RequestKeyedPaymentsApplication.TABLE + " ORDER BY id", String.class);
    }
}
