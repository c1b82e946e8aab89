package io.github.idempotency.it;

import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two application instances (two Jetty servers, each with its own filter, engine and store client)
 * share one store. Many clients send every key several times to both instances at once: the
 * handler runs once per key, every success for a key carries the same bytes, and every other
 * answer is {@code 409} with {@code Retry-After}.
 */
class ExactlyOnceAcrossInstancesTest {

    private static final int KEYS = 200;
    private static final int SENDS_PER_KEY = 4;
    private static final int CLIENTS = 16;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void onRedisEachKeyRunsOnceAcrossTwoInstances() throws Exception {
        try (SharedRedis redis = SharedRedis.openOrSkip()) {
            assertExactlyOnceAcrossTwoInstances(redis::connectInstance);
        }
    }

    @Test
    void onPostgresqlEachKeyRunsOnceAcrossTwoInstances() throws Exception {
        try (SharedPostgresql postgresql = SharedPostgresql.openOrSkip()) {
            assertExactlyOnceAcrossTwoInstances(() -> postgresql.connectInstance(8));
        }
    }

    /** One HTTP request: which key, to which instance. */
    private record Send(String key, URI instance) {
    }

    /** What came back. */
    private record Answer(String key, int status, boolean replayed, Optional<String> retryAfter, String body,
            Optional<String> location) {

        boolean succeeded() {
            return status >= 200 && status < 300;
        }
    }

    private void assertExactlyOnceAcrossTwoInstances(Supplier<InstanceStore> newInstanceStore) throws Exception {
        Map<String, AtomicInteger> runs = CountingServlet.newRunCounts();
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        try (AppInstance a = AppInstance.start(newInstanceStore.get(), new CountingServlet("a", runs));
             AppInstance b = AppInstance.start(newInstanceStore.get(), new CountingServlet("b", runs));
             Clients clients = new Clients()) {
            List<URI> instances = List.of(a.orders(), b.orders());
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                keys.add("order-" + seed + "-" + i);
            }

            List<Send> sends = new ArrayList<>();
            for (String key : keys) {
                for (int i = 0; i < SENDS_PER_KEY; i++) {
                    sends.add(new Send(key, instances.get(random.nextInt(instances.size()))));
                }
            }
            // The sends of a few keys at a time, mixed, so that each key's sends are in flight together.
            for (int from = 0; from < sends.size(); from += CLIENTS) {
                Collections.shuffle(sends.subList(from, Math.min(from + CLIENTS, sends.size())), random);
            }
            Map<String, List<Answer>> answers = clients.sendAll(sends).stream().collect(groupingBy(Answer::key));

            String context = "seed " + seed;
            assertThat(keys).as("keys whose handler did not run exactly once (%s)", context)
                    .filteredOn(key -> runs.get(key) == null || runs.get(key).get() != 1).isEmpty();
            int replays = 0;
            int conflicts = 0;
            for (String key : keys) {
                List<Answer> ofKey = answers.get(key);
                List<Answer> successes = ofKey.stream().filter(Answer::succeeded).toList();
                assertThat(successes).as("successes for %s (%s)", key, context)
                        .extracting(Answer::status).containsOnly(201);
                assertThat(successes).as("the original (not replayed) response for %s (%s)", key, context)
                        .filteredOn(answer -> !answer.replayed()).hasSize(1);
                assertThat(successes).as("bodies of the successes for %s (%s)", key, context)
                        .extracting(Answer::body).containsOnly(successes.get(0).body());
                assertThat(successes).as("Location of the successes for %s (%s)", key, context)
                        .extracting(Answer::location).containsOnly(successes.get(0).location());
                List<Answer> others = ofKey.stream().filter(answer -> !answer.succeeded()).toList();
                assertThat(others).as("answers other than a success for %s (%s)", key, context)
                        .allSatisfy(answer -> {
                            assertThat(answer.status()).isEqualTo(409);
                            assertThat(answer.retryAfter()).isPresent();
                        });
                replays += successes.size() - 1;
                conflicts += others.size();
            }
            assertThat(conflicts).as("409 answers: duplicates sent while the first was running").isPositive();
            assertThat(replays).as("replays: duplicates sent after the first completed").isPositive();

            List<Send> retries = keys.stream().map(key -> new Send(key, instances.get(random.nextInt(2)))).toList();
            for (Answer retry : clients.sendAll(retries)) {
                Answer original = answers.get(retry.key()).stream()
                        .filter(answer -> answer.succeeded() && !answer.replayed()).findFirst().orElseThrow();
                assertThat(retry.status()).as("final retry of %s (%s)", retry.key(), context).isEqualTo(201);
                assertThat(retry.replayed()).as("final retry of %s replayed (%s)", retry.key(), context).isTrue();
                assertThat(retry.body()).as("final retry of %s (%s)", retry.key(), context).isEqualTo(original.body());
            }
            assertThat(runs.values()).as("handler runs after the final retries").allMatch(count -> count.get() == 1);
        }
    }

    /** {@value #CLIENTS} threads sending requests, each waiting for its answer. */
    private final class Clients implements AutoCloseable {

        private final ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);

        /** Sends every request, up to {@value #CLIENTS} at once, in the order given; returns the answers. */
        List<Answer> sendAll(List<Send> sends) throws Exception {
            List<Callable<Answer>> calls = sends.stream().<Callable<Answer>>map(send -> () -> send(send)).toList();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> answer : threads.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                answers.add(answer.get());
            }
            return answers;
        }

        private Answer send(Send send) throws Exception {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(send.instance())
                            .header("Idempotency-Key", send.key())
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"" + send.key() + "\",\"quantity\":1}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(send.key(), response.statusCode(),
                    response.headers().firstValue("Idempotent-Replayed").filter("true"::equals).isPresent(),
                    response.headers().firstValue("Retry-After"), response.body(),
                    response.headers().firstValue("Location"));
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }
}
