package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.TestRequest;
import io.github.idempotency.core.protect.EncryptionKeys;
import io.github.idempotency.core.protect.KeyProvider;
import io.github.idempotency.core.protect.ResponseRedactor;
import io.github.idempotency.core.protect.StoreProtection;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.ForwardingClaim;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.spring.Idempotent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code idempotency.encryption.*} and {@code idempotency.redaction.*}: over real HTTP, what the
 * store receives is an envelope and a replay carries the redacted body and says so; in the context
 * runner, keys from properties or a bean, and every misconfiguration fails startup naming the
 * property and never the key.
 */
class DataProtectionTest {

    private static final String KEY_1 = base64(1);
    private static final String KEY_2 = base64(2);
    private static final String FINGERPRINT_KEY = base64(3);

    private final HttpClient http = HttpClient.newHttpClient();

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

    @Test
    void overHttpTheStoreGetsAnEnvelopeTheFirstClientTheOriginalAndAReplayTheRedactedBody() throws Exception {
        System.setProperty("test.idempotency.key-1", KEY_1);
        String marker = "card-" + UUID.randomUUID();
        try (ConfigurableApplicationContext application = new SpringApplication(App.class).run("--server.port=0",
                "--idempotency.encryption.enabled=true",
                "--idempotency.encryption.keys.k1=${test.idempotency.key-1}",
                "--idempotency.encryption.fingerprint-key=" + FINGERPRINT_KEY,
                "--idempotency.redaction.json-paths=card.number")) {
            String key = UUID.randomUUID().toString();
            String body = "{\"card\":{\"number\":\"" + marker + "\"}}";

            HttpResponse<String> first = post(application, key, body);
            HttpResponse<String> replay = post(application, key, body);

            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(first.body()).contains(marker);
            assertThat(first.headers().firstValue(StoreProtection.REDACTED_HEADER)).isEmpty();
            assertThat(replay.statusCode()).isEqualTo(201);
            assertThat(replay.body()).doesNotContain(marker).contains("\"number\":\"[REDACTED]\"");
            assertThat(replay.headers().firstValue(StoreProtection.REDACTED_HEADER)).hasValue("true");
            assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(replay.headers().firstValue("X-Payment")).hasValue(first.headers().firstValue("X-Payment").get());
            assertThat(application.getBean(App.Payments.class).runs).hasValue(1);
            List<StoredResponse> stored = application.getBean(RecordingStore.class).completed;
            assertThat(stored).singleElement().satisfies(envelope -> {
                assertThat(envelope.headers()).isEmpty();
                String raw = new String(envelope.body(), StandardCharsets.ISO_8859_1);
                assertThat(raw).doesNotContain(marker).doesNotContain("REDACTED").doesNotContain("payment-header");
            });
        } finally {
            System.clearProperty("test.idempotency.key-1");
        }
    }

    private HttpResponse<String> post(ConfigurableApplicationContext application, String key, String body) throws Exception {
        int port = ((WebServerApplicationContext) application).getWebServer().getPort();
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/payments"))
                        .header("Idempotency-Key", key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keysFromPropertiesRotateWithTheCurrentKeyId() {
        String[] keys = {"idempotency.encryption.enabled=true", "idempotency.encryption.keys.k1=" + KEY_1,
                "idempotency.encryption.fingerprint-key=" + FINGERPRINT_KEY};
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();
        TestRequest request = TestRequest.post("/p").withHeader("Idempotency-Key", "r").withBody("{}");
        runner.withBean(InMemoryIdempotencyStore.class, () -> store).withPropertyValues(keys).run(context -> {
            Proceed proceed = (Proceed) context.getBean(IdempotencyEngine.class).decide(request, EndpointPolicy.defaults());
            proceed.complete(new StoredResponse(201, List.of(), "done".getBytes(StandardCharsets.UTF_8)));
        });
        runner.withBean(InMemoryIdempotencyStore.class, () -> store).withPropertyValues(keys)
                .withPropertyValues("idempotency.encryption.keys.k2=" + KEY_2, "idempotency.encryption.current-key-id=k2")
                .run(context -> assertThat(context.getBean(IdempotencyEngine.class).decide(request, EndpointPolicy.defaults()))
                        .isInstanceOf(Decision.Replay.class));
        runner.withBean(InMemoryIdempotencyStore.class, () -> store)
                .withPropertyValues("idempotency.encryption.enabled=true", "idempotency.encryption.keys.k2=" + KEY_2,
                        "idempotency.encryption.fingerprint-key=" + FINGERPRINT_KEY)
                .run(context -> assertThat(context.getBean(IdempotencyEngine.class).decide(request, EndpointPolicy.defaults()))
                        .isInstanceOfSatisfying(Decision.Reject.class,
                                reject -> assertThat(reject.problem().status()).isEqualTo(500)));
    }

    @Test
    void aKeyProviderBeanAndAResponseRedactorBeanAreUsed() {
        KeyProvider provider = EncryptionKeys.builder().key("bean", Base64.getDecoder().decode(KEY_1))
                .fingerprintKey(Base64.getDecoder().decode(FINGERPRINT_KEY)).build();
        TestRequest request = TestRequest.post("/p").withHeader("Idempotency-Key", "bean").withBody("{}");
        StoredResponse created = new StoredResponse(201, List.of(new ResponseHeader("Content-Type", "application/json")),
                "{\"secret\":\"s\",\"id\":1}".getBytes(StandardCharsets.UTF_8));
        runner.withBean(KeyProvider.class, () -> provider)
                .withBean(ResponseRedactor.class, () -> ResponseRedactor.jsonFields("secret"))
                .withPropertyValues("idempotency.encryption.enabled=true")
                .run(context -> {
                    IdempotencyEngine engine = context.getBean(IdempotencyEngine.class);
                    ((Proceed) engine.decide(request, EndpointPolicy.defaults())).complete(created);

                    StoredResponse replay = ((Decision.Replay) engine.decide(request, EndpointPolicy.defaults())).response();
                    assertThat(replay.status()).isEqualTo(201);
                    assertThat(replay.headerValues(StoreProtection.REDACTED_HEADER)).containsExactly("true");
                    assertThat(new String(replay.body(), StandardCharsets.UTF_8)).isEqualTo("{\"secret\":\"[REDACTED]\",\"id\":1}");
                    EntryKey entry = new EntryKey(context.getBean(io.github.idempotency.core.scope.ScopeResolver.class)
                            .resolve(request), "bean");
                    assertThat(context.getBean(InMemoryIdempotencyStore.class).inspect(entry)).get()
                            .isInstanceOfSatisfying(io.github.idempotency.core.store.EntrySummary.Completed.class,
                                    stored -> assertThat(stored.status()).as("the envelope's, not the response's")
                                            .isEqualTo(200));
                });
    }

    @Test
    void nothingConfiguredLeavesTheStoreAsItIs() {
        runner.run(context -> assertThat(context.getBean(IdempotencyProtectionConfiguration.DECORATOR_BEAN, IdempotencyStoreDecorator.class).decorate(
                context.getBean(InMemoryIdempotencyStore.class))).isSameAs(context.getBean(InMemoryIdempotencyStore.class)));
    }

    @Test
    void everyMisconfigurationFailsStartupNamingThePropertyAndNeverTheKey() {
        String secret = "c2VjcmV0LWtleS1tYXRlcmlhbA";
        Map<String, String[]> cases = Map.of(
                "idempotency.encryption.keys is empty", new String[] {"idempotency.encryption.enabled=true"},
                "idempotency.encryption.fingerprint-key is empty", new String[] {"idempotency.encryption.enabled=true",
                        "idempotency.encryption.keys.k1=" + KEY_1},
                "set idempotency.encryption.current-key-id", new String[] {"idempotency.encryption.enabled=true",
                        "idempotency.encryption.keys.k1=" + KEY_1, "idempotency.encryption.keys.k2=" + KEY_2,
                        "idempotency.encryption.fingerprint-key=" + FINGERPRINT_KEY},
                "idempotency.encryption.keys.k1 is not valid base64", new String[] {"idempotency.encryption.enabled=true",
                        "idempotency.encryption.keys.k1=" + secret + "!!", "idempotency.encryption.fingerprint-key=" + FINGERPRINT_KEY},
                "has 19 bytes", new String[] {"idempotency.encryption.enabled=true",
                        "idempotency.encryption.keys.k1=" + secret, "idempotency.encryption.fingerprint-key=" + FINGERPRINT_KEY},
                "invalid JSON field path", new String[] {"idempotency.redaction.json-paths=card..number"});
        cases.forEach((message, properties) -> runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(message);
            Throwable failure = context.getStartupFailure();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret).doesNotContain(KEY_1);
            }
        }));
        runner.withBean(KeyProvider.class, () -> EncryptionKeys.builder().key("k", new byte[16]).fingerprintKey(new byte[16]).build())
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("idempotency.encryption.enabled is false"));
    }

    @Test
    void thePropertiesHolderMasksItsKeys() {
        IdempotencyProperties.Encryption encryption = new IdempotencyProperties.Encryption();
        encryption.setKeys(Map.of("k1", KEY_1));
        encryption.setFingerprintKey(FINGERPRINT_KEY);

        assertThat(encryption.toString()).contains("k1").doesNotContain(KEY_1).doesNotContain(FINGERPRINT_KEY);
    }

    private static String base64(int seed) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) seed);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The store bean: the in-memory store, recording what it is asked to complete with. */
    static final class RecordingStore implements IdempotencyStore {
        final List<StoredResponse> completed = new CopyOnWriteArrayList<>();
        private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();

        @Override
        public ClaimResult claim(ClaimRequest request) {
            ClaimResult result = store.claim(request);
            if (!(result instanceof ClaimResult.Acquired acquired)) {
                return result;
            }
            return new ClaimResult.Acquired(new ForwardingClaim(acquired.claim()) {
                @Override
                public boolean complete(StoredResponse response, Duration ttl) {
                    completed.add(response);
                    return super.complete(response, ttl);
                }
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    @WithoutSecurity
    @Import(App.Payments.class)
    static class App {

        @Bean
        RecordingStore idempotencyStore() {
            return new RecordingStore();
        }

        @RestController
        static class Payments {
            final AtomicInteger runs = new AtomicInteger();

            @PostMapping("/payments")
            @Idempotent(keyRequired = true)
            ResponseEntity<String> create(@RequestBody String body) {
                runs.incrementAndGet();
                return ResponseEntity.status(201).header("X-Payment", "payment-header-" + UUID.randomUUID())
                        .header("Content-Type", "application/json").body(body);
            }
        }
    }
}
