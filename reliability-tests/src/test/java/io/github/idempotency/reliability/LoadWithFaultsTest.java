package io.github.idempotency.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.StoreFailureMode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many clients send many keys, each key two to five times in random order to either of two
 * instances, while the proxy in front of the store flaps (cut, heal, cut, ...). Afterwards every
 * key's handler has run exactly once, except where a run's response was not stored (a failed
 * complete counted as {@code store_error}, or a claim lost to an expired lease counted as
 * {@code not_stored}; both logged, and allowed by the documented semantics to lead to one more
 * run after the lease); every response a client received is the original, its replay, a
 * {@code 409}, or a {@code 503} for a request that ran nothing.
 *
 * <p>Rounds of fresh keys follow each other for {@link #DURATION} per store, or in soak mode
 * ({@code -Dsoak=true} or {@code IDEMPOTENCY_SOAK=1}) for {@code -Dsoak.minutes} (or
 * {@code IDEMPOTENCY_SOAK_MINUTES}, default 3) minutes per store.
 */
class LoadWithFaultsTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);
    /** How long rounds go on per store outside soak mode. */
    private static final Duration DURATION = Duration.ofSeconds(15);
    private static final int KEYS_PER_ROUND = 200;
    /** The longest a run of the handler takes, so that outages also hit requests in the middle. */
    private static final Duration MAX_WORK = Duration.ofMillis(30);
    private static final int CLIENTS = 16;
    private static final String PROBLEM_BASE = "https://idempotency.github.io/problems/";

    /** One response a client received. */
    private record Exchange(String key, String requestId, int status, boolean replayed, String contentType, String body) {
        static Exchange of(String key, String requestId, HttpResponse<String> response) {
            return new Exchange(key, requestId, response.statusCode(), Http.replayed(response),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void everyKeyRunsOnceWhileTheStoreFlaps(StoreKind kind) throws Exception {
        EndpointPolicy policy = EndpointPolicy.builder().keyRequired(true).lease(LEASE).build();
        try (Deployment deployment = Deployment.of(kind)) {
            List<AppInstance> instances = List.of(
                    deployment.instance("a", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy),
                    deployment.instance("b", STORE_TIMEOUT, StoreFailureMode.FAIL_CLOSED, policy));
            List<String> keys = new ArrayList<>();
            ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            long started = System.nanoTime();
            long until = started + (Soak.enabled() ? Soak.duration() : DURATION).toNanos();
            deployment.executions.work(MAX_WORK);
            AtomicBoolean flapping = new AtomicBoolean(true);
            Thread flapper = new Thread(() -> flap(deployment.proxy, flapping), "store-flapper");
            try {
                flapper.start();
                do {
                    List<String> round = newKeys(KEYS_PER_ROUND);
                    keys.addAll(round);
                    runAll(clients, sendsInRandomOrder(round, instances, exchanges));
                } while (System.nanoTime() < until);
                flapping.set(false);
                flapper.join();
                deployment.proxy.heal();
                // Every key resolves once the store is back: no key stays in flight past its lease.
                runAll(clients, keys.stream().<Runnable>map(key -> () -> settle(key, instances, exchanges)).toList());
            } finally {
                flapping.set(false);
                clients.shutdownNow();
                deployment.proxy.heal();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            Map<String, Integer> completeFailures = new HashMap<>();
            Map<String, Integer> notStored = new HashMap<>();
            for (AppInstance instance : instances) {
                instance.listener().completeFailuresByKey().forEach((key, n) -> completeFailures.merge(key, n, Integer::sum));
                instance.listener().notStoredByKey().forEach((key, n) -> notStored.merge(key, n, Integer::sum));
            }
            List<String> unexplained = new ArrayList<>();
            int reRuns = 0;
            for (String key : keys) {
                int runs = deployment.executions.count(key);
                assertThat(runs).as("runs of %s", key).isPositive();
                int reported = completeFailures.getOrDefault(key, 0) + notStored.getOrDefault(key, 0);
                if (runs > 1 + reported) {
                    unexplained.add(key + " ran " + runs + " times with " + reported + " responses reported not stored");
                }
                reRuns += runs - 1;
            }
            long rejected503 = 0;
            long inFlight409 = 0;
            long replays = 0;
            long originals = 0;
            for (Exchange exchange : exchanges) {
                List<String> bodies = deployment.executions.bodies(exchange.key());
                boolean ran = deployment.executions.ranFor(exchange.requestId());
                switch (exchange.status()) {
                    case 201 -> {
                        assertThat(bodies).as("bodies of %s", exchange.key()).contains(exchange.body());
                        assertThat(ran).as("whether %s ran", exchange).isEqualTo(!exchange.replayed());
                        if (exchange.replayed()) {
                            replays++;
                        } else {
                            originals++;
                        }
                    }
                    case 409 -> {
                        assertProblem(exchange, "request-in-progress", ran);
                        inFlight409++;
                    }
                    case 503 -> {
                        assertProblem(exchange, "idempotency-store-unavailable", ran);
                        rejected503++;
                    }
                    default -> throw new AssertionError("unexpected response " + exchange);
                }
            }
            long storeErrors = instances.stream().mapToLong(i -> i.listener().count(Outcome.STORE_ERROR)).sum();
            int failedCompletes = completeFailures.values().stream().mapToInt(Integer::intValue).sum();
            int lostClaims = notStored.values().stream().mapToInt(Integer::intValue).sum();

            System.out.printf("load with faults on %s: %d requests (%d original, %d replayed, %d in flight 409,"
                            + " %d store unavailable 503) for %d keys in %d s, %d outages injected; %d failed"
                            + " completes (store_error after the handler), %d claims lost (not_stored), %d re-runs"
                            + " after them, %d unexplained duplicates%n",
                    kind, exchanges.size(), originals, replays, inFlight409, rejected503, keys.size(), took.toSeconds(),
                    deployment.proxy.cuts(), failedCompletes, lostClaims, reRuns, unexplained.size());
            assertThat(unexplained).as("runs of a key beyond one plus its failed completes").isEmpty();
            assertThat(originals).isEqualTo(deployment.executions.total());
            // Every store error is visible: a 503 to a client, or a failed complete.
            assertThat(storeErrors).isEqualTo(rejected503 + failedCompletes);
            assertThat(deployment.proxy.cuts()).isPositive();
        }
    }

    private static void assertProblem(Exchange exchange, String slug, boolean ran) {
        assertThat(ran).as("whether %s ran", exchange).isFalse();
        assertThat(exchange.contentType()).as("%s", exchange).startsWith("application/problem+json");
        assertThat(exchange.body()).as("%s", exchange).contains("\"type\":\"" + PROBLEM_BASE + slug + "\"");
    }

    private static List<String> newKeys(int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(UUID.randomUUID().toString());
        }
        return keys;
    }

    /** Each key two to five times, each send to a random instance, all shuffled together. */
    private static List<Runnable> sendsInRandomOrder(List<String> keys, List<AppInstance> instances,
            ConcurrentLinkedQueue<Exchange> exchanges) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Runnable> sends = new ArrayList<>();
        for (String key : keys) {
            for (int n = random.nextInt(2, 6); n > 0; n--) {
                AppInstance instance = instances.get(random.nextInt(instances.size()));
                sends.add(() -> exchanges.add(send(instance, key)));
            }
        }
        Collections.shuffle(sends, random);
        return sends;
    }

    /** Retries {@code key} until it is answered with a 201 (original or replay). */
    private static void settle(String key, List<AppInstance> instances, ConcurrentLinkedQueue<Exchange> exchanges) {
        try {
            Poll.until(LEASE.multipliedBy(3).plusSeconds(20), "a 201 for " + key, () -> {
                Exchange exchange = send(instances.get(ThreadLocalRandom.current().nextInt(instances.size())), key);
                exchanges.add(exchange);
                return exchange;
            }, exchange -> exchange.status() == 201);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Exchange send(AppInstance instance, String key) {
        String requestId = UUID.randomUUID().toString();
        try {
            return Exchange.of(key, requestId, Http.post(instance.uri("/payments"), key, AppInstance.PAYMENT, requestId));
        } catch (Exception e) {
            throw new AssertionError("no response to " + key + " from " + instance.uri("/"), e);
        }
    }

    private static void runAll(ExecutorService clients, List<Runnable> tasks) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (Runnable task : tasks) {
            futures.add(clients.submit(task));
        }
        for (Future<?> future : futures) {
            future.get(5, TimeUnit.MINUTES);
        }
    }

    /**
     * Cuts the store off for 100 to 1500 ms (some outages shorter, some longer than the store
     * timeout), every 300 to 1500 ms, while {@code flapping}.
     */
    private static void flap(FaultProxy proxy, AtomicBoolean flapping) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
            while (flapping.get()) {
                Thread.sleep(random.nextInt(300, 1500));
                proxy.cut();
                Thread.sleep(random.nextInt(100, 1500));
                proxy.heal();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            proxy.heal();
        }
    }
}
