package io.github.idempotency.spring.webflux.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.boot.LocalServer;
import io.github.idempotency.spring.testapp.Executions;
import io.github.idempotency.spring.webflux.testapp.ReactiveProtocolTestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Two WebFlux instances of the test application sharing one store (the local Redis, then the local
 * PostgreSQL), under BlockHound: 64 concurrent requests with one key, spread over both, run the
 * handler once. Run again on Spring Boot 4.1 by webflux-boot41-test, on the Lettuce that Boot line
 * manages.
 */
public class TwoInstancesTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis", "postgresql"})
    void sixtyFourDuplicatesAcrossTwoInstancesRunTheHandlerOnce(String store) throws Exception {
        String url = (store.equals("redis") ? LocalServer.REDIS : LocalServer.POSTGRESQL).requireRunning();
        List<ConfigurableApplicationContext> instances = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                instances.add(start(store, url));
            }
            String item = "pair-" + UUID.randomUUID();
            String key = UUID.randomUUID().toString();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                responses.add(http.sendAsync(order(instances.get(i % 2), item, key), HttpResponse.BodyHandlers.ofString()));
            }

            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                statuses.add(response.get(60, TimeUnit.SECONDS).statusCode());
            }

            assertThat(statuses).isSubsetOf(201, 409).contains(201);
            int runs = 0;
            for (ConfigurableApplicationContext instance : instances) {
                runs += instance.getBean(Executions.class).of(item);
            }
            assertThat(runs).as("handler runs over both instances").isEqualTo(1);
            HttpResponse<String> retry = http.send(order(instances.get(1), item, key), HttpResponse.BodyHandlers.ofString());
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        } finally {
            instances.forEach(ConfigurableApplicationContext::close);
        }
    }

    private static ConfigurableApplicationContext start(String store, String url) {
        SpringApplicationBuilder app = new SpringApplicationBuilder(ReactiveProtocolTestApplication.class)
                .properties("server.port=0", "spring.main.banner-mode=off");
        if (store.equals("redis")) {
            return app.properties("idempotency.store.type=redis", "idempotency.store.redis.url=" + url).run();
        }
        return app.properties("idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always")
                .initializers(context -> ((GenericApplicationContext) context).registerBean(DataSource.class, () -> {
                    PGSimpleDataSource dataSource = new PGSimpleDataSource();
                    dataSource.setUrl(url);
                    return dataSource;
                }))
                .run();
    }

    private static HttpRequest order(ConfigurableApplicationContext instance, String item, String key) {
        String port = instance.getEnvironment().getProperty("local.server.port");
        String credentials = Base64.getEncoder().encodeToString("alice:alice-pass".getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"" + item + "\",\"quantity\":1}"))
                .build();
    }
}
