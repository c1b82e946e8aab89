package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.key.IdempotencyKey;
import io.github.idempotency.core.scope.ScopeResolver;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys and scopes written to escape their namespace: delimiters that a naive concatenation of scope
 * and key would confuse, Redis glob and hash-tag characters, SQL quotes and wildcards. Over HTTP,
 * each (scope, key) pair lands in an entry of its own, in Redis and in PostgreSQL.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamespaceTest {

    /** The scope is the tenant header exactly as sent, so that scopes can be chosen to collide. */
    private static final String TENANT = "X-Tenant";
    private static final ScopeResolver BY_TENANT =
            request -> request.headerValues(TENANT).stream().findFirst().orElse("");

    private static final List<String> TENANTS = List.of("", "a", "a:b", "a:b:", "*", "a'b", "{a}", "%");
    private static final List<String> KEYS = List.of("c", "b:c", ":c", "b:", "*", "?", "[a-c]", "a*", "{c}", "}{",
            "idempotency:*", "' OR '1'='1", "'; DROP TABLE idempotency_entries; --", "%", "_", "\\", "\\*",
            "\" quoted \"", "a,b", "c ");

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void everyScopeAndKeyPairHasAnEntryOfItsOwn(StoreKind kind) throws Exception {
        EndpointPolicy policy = EndpointPolicy.builder().keyRequired(true).build();
        try (Deployment deployment = Deployment.of(kind)) {
            AppInstance app = deployment.instance("a", Duration.ofSeconds(5), engine -> engine.scopeResolver(BY_TENANT),
                    policy);
            Map<String, String> bodyByPair = new HashMap<>();
            List<String> collisions = new ArrayList<>();
            for (String tenant : TENANTS) {
                for (String key : KEYS) {
                    HttpResponse<String> response = post(app, tenant, key);
                    if (response.statusCode() != 201 || Http.replayed(response)) {
                        collisions.add("(" + tenant + ", " + key + ") got " + response.statusCode() + " "
                                + response.body());
                    }
                    bodyByPair.put(tenant + "\n" + key, response.body());
                }
            }

            assertThat(collisions).isEmpty();
            assertThat(deployment.namespace.states()).hasSize(TENANTS.size() * KEYS.size()).containsOnly("record");
            assertThat(deployment.executions.total()).isEqualTo((long) TENANTS.size() * KEYS.size());
            for (String tenant : TENANTS) {
                for (String key : KEYS) {
                    HttpResponse<String> replay = post(app, tenant, key);
                    assertThat(Http.replayed(replay)).as("(%s, %s)", tenant, key).isTrue();
                    assertThat(replay.body()).as("(%s, %s)", tenant, key).isEqualTo(bodyByPair.get(tenant + "\n" + key));
                }
            }
        }
    }

    /** Each pair sends a body of its own, so that two pairs sharing an entry would show as a {@code 422} or a replay. */
    private static HttpResponse<String> post(AppInstance app, String tenant, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri("/payments"))
                .header("Idempotency-Key", new IdempotencyKey(key).toSfString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\": \"" + tenant.replace("\\", "\\\\")
                        + "\", \"key\": \"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}"));
        if (!tenant.isEmpty()) {
            request.header(TENANT, tenant);
        }
        return Http.send(request);
    }
}
