package io.github.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.idempotency.core.problem.Problem;
import io.github.idempotency.core.problem.ProblemType;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every row of the protocol, decided by the engine over the in-memory store and a test clock. */
class IdempotencyEngineTest {

    private static final EndpointPolicy REQUIRED = EndpointPolicy.builder().keyRequired(true).build();
    private static final StoredResponse CREATED = new StoredResponse(201,
            List.of(new ResponseHeader("Content-Type", "application/json"),
                    new ResponseHeader("Location", "/payments/1"),
                    new ResponseHeader("Link", "</a>; rel=a"),
                    new ResponseHeader("Link", "</b>; rel=b")),
            "{\"id\":1}".getBytes(StandardCharsets.UTF_8));

    private final MutableClock clock = new MutableClock();
    private final InMemoryIdempotencyStore memory = InMemoryIdempotencyStore.builder().clock(clock).build();
    private final CountingStore store = new CountingStore(memory);
    private final RecordingListener listener = new RecordingListener();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final IdempotencyEngine engine = engine(store, StoreFailureMode.FAIL_CLOSED);

    private IdempotencyEngine engine(IdempotencyStore store, StoreFailureMode mode) {
        return IdempotencyEngine.builder(store).nanoTime(clock::nanoTime).listener(listener).renewalScheduler(scheduler)
                .storeCallExecutor(Runnable::run)
                .storeFailureMode(mode).build();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
        scheduler.shutdownNow();
    }

    private static TestRequest payment(String key) {
        return TestRequest.post("/payments").withHeader("Idempotency-Key", key)
                .withJsonBody("{\"amount\":1250,\"currency\":\"EUR\"}");
    }

    private Proceed proceed(RequestView request, EndpointPolicy policy) throws IOException {
        return assertThat(engine.decide(request, policy)).asInstanceOf(type(Proceed.class)).actual();
    }

    private Problem rejected(RequestView request, EndpointPolicy policy) throws IOException {
        return assertThat(engine.decide(request, policy)).asInstanceOf(type(Decision.Reject.class)).actual().problem();
    }

    private StoredResponse replayed(RequestView request, EndpointPolicy policy) throws IOException {
        return assertThat(engine.decide(request, policy)).asInstanceOf(type(Decision.Replay.class)).actual().response();
    }

    @Nested
    class WhichRequests {

        @Test
        void unguardedMethodPassesThroughWithoutReadingTheBodyOrTouchingTheStore() throws IOException {
            TestRequest get = payment("k1").withMethod("GET");
            assertThat(engine.decide(get, REQUIRED))
                    .isEqualTo(new Decision.PassThrough(Decision.PassThrough.Reason.METHOD_NOT_GUARDED));
            assertThat(store.claims).hasValue(0);
        }

        @Test
        void missingOptionalKeyPassesThrough() throws IOException {
            TestRequest request = TestRequest.post("/payments").withJsonBody("{}");
            assertThat(engine.decide(request, EndpointPolicy.defaults()))
                    .isEqualTo(new Decision.PassThrough(Decision.PassThrough.Reason.NO_KEY));
            assertThat(store.claims).hasValue(0);
        }

        @Test
        void patchIsGuardedByDefault() throws IOException {
            proceed(payment("k1").withMethod("PATCH"), REQUIRED);
        }
    }

    @Nested
    class BadKeys {

        @Test
        void missingRequiredKeyIs400() throws IOException {
            Problem problem = rejected(TestRequest.post("/payments"), REQUIRED);
            assertThat(problem.status()).isEqualTo(400);
            assertThat(problem.kind()).isEqualTo(ProblemType.MISSING_KEY);
            assertThat(problem.type()).hasToString("https://idempotency.github.io/problems/missing-idempotency-key");
            assertThat(listener.outcomes).containsExactly(Outcome.MISSING_KEY);
        }

        @Test
        void malformedKeyIs400WithTheParsersExplanation() throws IOException {
            Problem problem = rejected(payment("\"unterminated"), REQUIRED);
            assertThat(problem.kind()).isEqualTo(ProblemType.INVALID_KEY);
            assertThat(problem.detail()).containsIgnoringCase("quote");
            assertThat(store.claims).hasValue(0);
        }

        @Test
        void twoKeyHeaderLinesAre400() throws IOException {
            Problem problem = rejected(payment("a").withHeader("Idempotency-Key", "b"), REQUIRED);
            assertThat(problem.kind()).isEqualTo(ProblemType.INVALID_KEY);
            assertThat(listener.outcomes).containsExactly(Outcome.INVALID_KEY);
        }

        @Test
        void quotedAndBareFormsNameTheSameKey() throws IOException {
            proceed(payment("abc"), REQUIRED).complete(CREATED);
            assertThat(replayed(payment("\"abc\""), REQUIRED)).isEqualTo(CREATED);
        }

        @Test
        void configuredHeaderNameIsUsed() throws IOException {
            assertThat(engine.keyHeader()).isEqualTo(IdempotencyEngine.DEFAULT_KEY_HEADER);
            try (IdempotencyEngine custom = IdempotencyEngine.builder(store).keyHeader("X-Request-Key").build()) {
                assertThat(custom.keyHeader()).isEqualTo("X-Request-Key");
                assertThat(custom.decide(payment("k1"), REQUIRED)).isInstanceOf(Decision.Reject.class);
                assertThat(custom.decide(TestRequest.post("/payments").withHeader("X-Request-Key", "k1"), REQUIRED))
                        .isInstanceOf(Proceed.class);
            }
        }
    }

    @Nested
    class FirstRequestAndReplay {

        @Test
        void firstRequestProceedsAndItsResponseIsReplayedExactly() throws IOException {
            Proceed first = proceed(payment("k1"), REQUIRED);
            assertThat(first.key().value()).isEqualTo("k1");
            assertThat(first.complete(CREATED)).isTrue();

            assertThat(replayed(payment("k1"), REQUIRED)).isEqualTo(CREATED);
            assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.REPLAYED);
        }

        @Test
        void excludedAndHopByHopHeadersAreNotStored() throws IOException {
            StoredResponse sent = new StoredResponse(201, List.of(
                    new ResponseHeader("Set-Cookie", "session=1"),
                    new ResponseHeader("Content-Type", "text/plain"),
                    new ResponseHeader("Date", "Tue, 01 Dec 2026 10:00:00 GMT"),
                    new ResponseHeader("connection", "close"),
                    new ResponseHeader("Transfer-Encoding", "chunked"),
                    new ResponseHeader("X-Trace", "t1")), new byte[] {1, 2, 3});
            proceed(payment("k1"), REQUIRED).complete(sent);

            assertThat(replayed(payment("k1"), REQUIRED).headers()).containsExactly(
                    new ResponseHeader("Content-Type", "text/plain"), new ResponseHeader("X-Trace", "t1"));
        }

        @Test
        void responseWhoseHeadersAreAllExcludedIsStoredWithoutHeaders() throws IOException {
            StoredResponse sent = new StoredResponse(201, List.of(new ResponseHeader("Set-Cookie", "session=1"),
                    new ResponseHeader("Date", "Tue, 01 Dec 2026 10:00:00 GMT")), new byte[] {1});
            proceed(payment("k1"), REQUIRED).complete(sent);

            assertThat(replayed(payment("k1"), REQUIRED)).isEqualTo(new StoredResponse(201, List.of(), new byte[] {1}));
        }

        @Test
        void configuredExclusionsAddToTheDefaults() throws IOException {
            EndpointPolicy policy = REQUIRED.toBuilder().excludedResponseHeaders("X-Trace").build();
            StoredResponse sent = new StoredResponse(200, List.of(
                    new ResponseHeader("Set-Cookie", "session=1"), new ResponseHeader("X-Auth-Token", "s1"),
                    new ResponseHeader("X-Trace", "t1"), new ResponseHeader("X-Kept", "k")), new byte[0]);
            proceed(payment("k1"), policy).complete(sent);

            assertThat(replayed(payment("k1"), policy).headers()).containsExactly(new ResponseHeader("X-Kept", "k"));
        }

        @Test
        void aDefaultExclusionIsStoredOnlyWhenNamedExplicitly() throws IOException {
            EndpointPolicy policy = REQUIRED.toBuilder().storedResponseHeaders("Set-Cookie").build();
            StoredResponse sent = new StoredResponse(200, List.of(
                    new ResponseHeader("Set-Cookie", "shared=1"), new ResponseHeader("X-Auth-Token", "s1")), new byte[0]);
            proceed(payment("k1"), policy).complete(sent);

            assertThat(replayed(payment("k1"), policy).headers()).containsExactly(new ResponseHeader("Set-Cookie", "shared=1"));
            assertThat(policy.toBuilder().build()).as("survives toBuilder").isEqualTo(policy);
            assertThat(EndpointPolicy.defaults().toBuilder().build()).isEqualTo(EndpointPolicy.defaults());
        }

        @Test
        void onlyDefaultExclusionsCanBeStoredExplicitly() {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EndpointPolicy.builder().storedResponseHeaders("Connection"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hop-by-hop");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EndpointPolicy.builder().storedResponseHeaders("X-Trace"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stored anyway");
        }

        @Test
        void responseIsReplayedUntilItsTtlAndThenTheHandlerRunsAgain() throws IOException {
            EndpointPolicy policy = REQUIRED.toBuilder().ttl(Duration.ofHours(1)).build();
            proceed(payment("k1"), policy).complete(CREATED);
            clock.advance(Duration.ofMinutes(59));
            replayed(payment("k1"), policy);
            clock.advance(Duration.ofMinutes(2));
            proceed(payment("k1"), policy);
        }
    }

    @Nested
    class Fingerprints {

        @Test
        void sameKeyWithADifferentBodyAfterCompletionIs422() throws IOException {
            proceed(payment("k1"), REQUIRED).complete(CREATED);
            Problem problem = rejected(payment("k1").withJsonBody("{\"amount\":9999}"), REQUIRED);
            assertThat(problem.status()).isEqualTo(422);
            assertThat(problem.kind()).isEqualTo(ProblemType.FINGERPRINT_MISMATCH);
        }

        @Test
        void sameKeyWithADifferentBodyWhileInFlightIs422() throws IOException {
            proceed(payment("k1"), REQUIRED);
            assertThat(rejected(payment("k1").withJsonBody("{\"amount\":1}"), REQUIRED).status()).isEqualTo(422);
        }

        @Test
        void sameKeyOnAnotherRouteIsAnotherEntry() throws IOException {
            proceed(payment("k1"), REQUIRED).complete(CREATED);
            proceed(payment("k1").withPath("/refunds").withRoute("/refunds"), REQUIRED);
        }
    }

    @Nested
    class Scope {

        @Test
        void anotherPrincipalsKeyNeverReachesTheFirstPrincipalsResponse() throws IOException {
            proceed(payment("k1").withPrincipal("alice"), REQUIRED).complete(CREATED);
            proceed(payment("k1").withPrincipal("bob"), REQUIRED);
            proceed(payment("k1"), REQUIRED); // anonymous is a scope of its own
        }

        @Test
        void theProceedingRequestKnowsTheEntryItClaimed() throws IOException {
            assertThat(proceed(payment("k1").withPrincipal("alice"), REQUIRED).entryKey())
                    .isEqualTo(new EntryKey("p5:alice4:POST/payments", "k1"));
        }

        @Test
        void customScopeResolverDecidesTheScope() throws IOException {
            try (IdempotencyEngine byTenant = IdempotencyEngine.builder(store)
                    .scopeResolver(r -> r.headerValues("X-Tenant").stream().findFirst().orElse("")).build()) {
                byTenant.decide(payment("k1").withHeader("X-Tenant", "t1").withPrincipal("alice"), REQUIRED);
                assertThat(byTenant.decide(payment("k1").withHeader("X-Tenant", "t1").withPrincipal("bob"), REQUIRED))
                        .isInstanceOf(Decision.Reject.class);
            }
        }
    }

    @Nested
    class InFlight {

        @Test
        void duplicateWhileTheFirstRunsIs409WithRetryAfter() throws IOException {
            proceed(payment("k1"), REQUIRED);
            Problem problem = rejected(payment("k1"), REQUIRED);
            assertThat(problem.status()).isEqualTo(409);
            assertThat(problem.retryAfterHeader()).contains("1");
            assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.IN_FLIGHT);
        }

        @Test
        void waitingDuplicateGetsTheReplayWhenTheFirstCompletes() throws Exception {
            EndpointPolicy waiting = REQUIRED.toBuilder().concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(10)))
                    .build();
            Proceed first = proceed(payment("k1"), waiting);
            store.claimObserved = new CountDownLatch(2);

            CompletableFuture<Decision> second = CompletableFuture.supplyAsync(() -> decide(payment("k1"), waiting));
            assertThat(store.claimObserved.await(10, TimeUnit.SECONDS)).as("second request polled the store").isTrue();
            first.complete(CREATED);

            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Replay(CREATED));
        }

        @Test
        void waitingDuplicateRunsTheHandlerItselfWhenTheFirstIsReleased() throws Exception {
            EndpointPolicy waiting = REQUIRED.toBuilder().concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(10)))
                    .build();
            Proceed first = proceed(payment("k1"), waiting);
            store.claimObserved = new CountDownLatch(2);

            CompletableFuture<Decision> second = CompletableFuture.supplyAsync(() -> decide(payment("k1"), waiting));
            assertThat(store.claimObserved.await(10, TimeUnit.SECONDS)).isTrue();
            first.release(Outcome.NOT_STORED);

            assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(Proceed.class);
        }

        @Test
        void waitingDuplicateGets409WhenTheWaitRunsOut() throws Exception {
            EndpointPolicy waiting = REQUIRED.toBuilder().concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(2)))
                    .build();
            proceed(payment("k1"), waiting);
            store.claimObserved = new CountDownLatch(2);

            CompletableFuture<Decision> second = CompletableFuture.supplyAsync(() -> decide(payment("k1"), waiting));
            assertThat(store.claimObserved.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofSeconds(3));

            assertThat(second.get(10, TimeUnit.SECONDS)).asInstanceOf(type(Decision.Reject.class))
                    .extracting(r -> r.problem().status()).isEqualTo(409);
        }

        @Test
        void claimOfACrashedHolderIsTakenOverAfterItsLease() throws IOException {
            Proceed crashed = proceed(payment("k1"), REQUIRED);
            clock.advance(Duration.ofSeconds(29));
            rejected(payment("k1"), REQUIRED);
            clock.advance(Duration.ofSeconds(2));

            Proceed retry = proceed(payment("k1"), REQUIRED);
            assertThat(crashed.complete(new StoredResponse(200, List.of(), new byte[] {9}))).isFalse();
            assertThat(retry.complete(CREATED)).isTrue();
            assertThat(replayed(payment("k1"), REQUIRED)).isEqualTo(CREATED);
            assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.IN_FLIGHT, Outcome.NEW,
                    Outcome.NOT_STORED, Outcome.REPLAYED);
        }

        @Test
        void leaseIsRenewedEveryThirdOfTheLeaseWhileTheHandlerRuns() throws IOException {
            Proceed slow = proceed(payment("k1"), REQUIRED);
            clock.advance(Duration.ofSeconds(9));
            scheduler.runPeriodicTasks();
            assertThat(listener.renewals).as("not due before a third of the lease").hasValue(0);
            clock.advance(Duration.ofSeconds(1));
            for (int i = 0; i < 9; i++) { // 90 s: three times the 30 s lease
                scheduler.runPeriodicTasks();
                assertThat(rejected(payment("k1"), REQUIRED).status()).isEqualTo(409);
                clock.advance(Duration.ofSeconds(10));
            }
            assertThat(listener.renewals).hasValue(9);
            assertThat(slow.complete(CREATED)).isTrue();
            assertThat(replayed(payment("k1"), REQUIRED)).isEqualTo(CREATED);
        }

        @Test
        void waitingDuplicateThatIsInterruptedGets409AndKeepsItsInterruptStatus() throws Exception {
            EndpointPolicy waiting = REQUIRED.toBuilder().concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofSeconds(10)))
                    .build();
            proceed(payment("k1"), waiting);
            store.claimObserved = new CountDownLatch(2);
            CompletableFuture<Decision> decision = new CompletableFuture<>();
            CompletableFuture<Boolean> interruptStatus = new CompletableFuture<>();
            Thread second = new Thread(() -> {
                decision.complete(decide(payment("k1"), waiting));
                interruptStatus.complete(Thread.currentThread().isInterrupted());
            });
            second.start();
            assertThat(store.claimObserved.await(10, TimeUnit.SECONDS)).as("second request is waiting").isTrue();

            second.interrupt();

            assertThat(decision.get(10, TimeUnit.SECONDS)).asInstanceOf(type(Decision.Reject.class))
                    .extracting(r -> r.problem().status()).isEqualTo(409);
            assertThat(interruptStatus.get(10, TimeUnit.SECONDS)).isTrue();
        }

        @Test
        void renewedLeaseIsNotRenewedAgainBeforeTheNextThirdOfTheLease() throws IOException {
            proceed(payment("k1"), REQUIRED);
            clock.advance(Duration.ofSeconds(10));
            scheduler.runPeriodicTasks();
            scheduler.runPeriodicTasks();
            assertThat(listener.renewals).hasValue(1);
            clock.advance(Duration.ofSeconds(10).minusNanos(1));
            scheduler.runPeriodicTasks();
            assertThat(listener.renewals).hasValue(1);
            clock.advance(Duration.ofNanos(1));
            scheduler.runPeriodicTasks();
            assertThat(listener.renewals).hasValue(2);
        }

        @Test
        void claimLostWhileTheHandlerRunsIsNotRenewedAgainAndItsResponseIsNotStored() throws IOException {
            Proceed first = proceed(payment("k1"), REQUIRED);
            clock.advance(Duration.ofSeconds(31)); // no tick ran: the lease ran out
            Proceed second = proceed(payment("k1"), REQUIRED);

            scheduler.runPeriodicTasks(); // the first's renewal finds its claim taken over
            scheduler.runPeriodicTasks();

            assertThat(listener.storeCalls).filteredOn(c -> c.operation() == IdempotencyListener.StoreOperation.RENEW)
                    .as("one renewal, of the lost claim; the second claim's is not due").hasSize(1);
            assertThat(first.complete(new StoredResponse(200, List.of(), new byte[] {9}))).isFalse();
            assertThat(second.complete(CREATED)).isTrue();
            assertThat(replayed(payment("k1"), REQUIRED)).isEqualTo(CREATED);
        }

        @Test
        void renewalThatFailsIsTriedAgainAfterATenthOfTheLease() throws IOException {
            AtomicInteger attempts = new AtomicInteger();
            IdempotencyStore flaky = request -> {
                ClaimResult result = memory.claim(request);
                if (result instanceof ClaimResult.Acquired acquired) {
                    return new ClaimResult.Acquired(new DelegatingClaim(acquired.claim()) {
                        @Override
                        public boolean renew(Duration lease) {
                            if (attempts.incrementAndGet() == 1) {
                                throw new IdempotencyStoreException("connection reset while renewing");
                            }
                            return super.renew(lease);
                        }
                    });
                }
                return result;
            };
            try (IdempotencyEngine flakyEngine = engine(flaky, StoreFailureMode.FAIL_CLOSED)) {
                flakyEngine.decide(payment("k1"), REQUIRED);
                clock.advance(Duration.ofSeconds(10));
                scheduler.runPeriodicTasks();
                assertThat(attempts).hasValue(1);
                assertThat(listener.failedStoreCalls).hasValue(1);
                scheduler.runPeriodicTasks();
                clock.advance(Duration.ofSeconds(3).minusMillis(1));
                scheduler.runPeriodicTasks();
                assertThat(attempts).as("not again before a tenth of the lease").hasValue(1);

                clock.advance(Duration.ofMillis(1));
                scheduler.runPeriodicTasks();

                assertThat(attempts).hasValue(2);
                assertThat(listener.renewals).hasValue(1);
            }
        }

        @Test
        void renewalStopsWhenTheRequestFinishes() throws IOException {
            proceed(payment("k1"), REQUIRED).release(Outcome.NOT_STORED);
            proceed(payment("k2"), REQUIRED).complete(CREATED);
            clock.advance(Duration.ofSeconds(20));
            scheduler.runPeriodicTasks();
            assertThat(listener.renewals).hasValue(0);
        }
    }

    @Nested
    class StoreCallReports {

        @Test
        void everyStoreCallIsReportedWithItsDuration() throws IOException {
            long before = System.nanoTime();
            proceed(payment("k1"), REQUIRED).complete(CREATED);
            proceed(payment("k2"), REQUIRED).release(Outcome.NOT_STORED);
            long elapsed = System.nanoTime() - before;

            assertThat(listener.storeCalls).extracting(StoreCall::operation).containsExactly(
                    IdempotencyListener.StoreOperation.CLAIM, IdempotencyListener.StoreOperation.COMPLETE,
                    IdempotencyListener.StoreOperation.CLAIM, IdempotencyListener.StoreOperation.RELEASE);
            assertThat(listener.storeCalls).allSatisfy(call -> {
                assertThat(call.succeeded()).isTrue();
                assertThat(call.nanos()).isBetween(0L, elapsed);
            });
        }

        @Test
        void failedReleaseIsReportedAsFailed() throws IOException {
            IdempotencyStore releaseFailing = request -> {
                ClaimResult result = memory.claim(request);
                if (result instanceof ClaimResult.Acquired acquired) {
                    return new ClaimResult.Acquired(new DelegatingClaim(acquired.claim()) {
                        @Override
                        public boolean release() {
                            throw new IdempotencyStoreException("connection refused");
                        }
                    });
                }
                return result;
            };
            try (IdempotencyEngine failing = engine(releaseFailing, StoreFailureMode.FAIL_CLOSED)) {
                ((Proceed) failing.decide(payment("k1"), REQUIRED)).release(Outcome.NOT_STORED);

                assertThat(listener.storeCalls).extracting(StoreCall::operation, StoreCall::succeeded).containsExactly(
                        tuple(IdempotencyListener.StoreOperation.CLAIM, true),
                        tuple(IdempotencyListener.StoreOperation.RELEASE, false));
                assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.NOT_STORED);
            }
        }

        @Test
        void configuredProblemBaseAndRetryAfterAreUsed() throws IOException {
            IdempotencyStore down = request -> {
                throw new IdempotencyStoreException("connection refused");
            };
            IdempotencyEngine.Builder builder = IdempotencyEngine.builder(store)
                    .problemBase(java.net.URI.create("https://example.test/problems/"))
                    .inFlightRetryAfter(Duration.ofSeconds(3))
                    .storeUnavailableRetryAfter(Duration.ofSeconds(7))
                    .nanoTime(clock::nanoTime)
                    .renewalScheduler(scheduler);
            try (IdempotencyEngine custom = builder.build()) {
                custom.decide(payment("k1"), REQUIRED);
                Problem inFlight = ((Decision.Reject) custom.decide(payment("k1"), REQUIRED)).problem();
                assertThat(inFlight.type()).hasToString("https://example.test/problems/request-in-progress");
                assertThat(inFlight.retryAfterHeader()).contains("3");
                assertThat(inFlight.detail()).contains("Retry after 3 s");
            }
            try (IdempotencyEngine custom = IdempotencyEngine.builder(down)
                    .storeUnavailableRetryAfter(Duration.ofSeconds(7)).renewalScheduler(scheduler).build()) {
                Problem unavailable = ((Decision.Reject) custom.decide(payment("k1"), REQUIRED)).problem();
                assertThat(unavailable.status()).isEqualTo(503);
                assertThat(unavailable.retryAfterHeader()).contains("7");
            }
        }
    }

    @Nested
    class BackgroundStoreCalls {

        @Test
        void closeStopsTheTickButLeavesASuppliedSchedulerAndExecutorRunning() {
            java.util.concurrent.ExecutorService calls = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                IdempotencyEngine.builder(store).renewalScheduler(scheduler).storeCallExecutor(calls).build().close();

                assertThat(scheduler.activeTasks()).as("only the tick of the test class engine is left").isEqualTo(1);
                assertThat(scheduler.isShutdown()).isFalse();
                assertThat(calls.isShutdown()).isFalse();
            } finally {
                calls.shutdownNow();
            }
        }

        /** A store whose claims answer renew by calling {@code renew} first. */
        private IdempotencyStore onRenew(Runnable renew) {
            return request -> {
                ClaimResult result = memory.claim(request);
                if (result instanceof ClaimResult.Acquired acquired) {
                    return new ClaimResult.Acquired(new DelegatingClaim(acquired.claim()) {
                        @Override
                        public boolean renew(Duration lease) {
                            renew.run();
                            return super.renew(lease);
                        }
                    });
                }
                return result;
            };
        }

        @Test
        void callThatHasNotAnsweredWithinTheRenewalIntervalIsCountedAsFailedAndInterrupted() throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            IdempotencyStore hanging = onRenew(() -> {
                started.countDown();
                try {
                    never.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw new IdempotencyStoreException("interrupted while renewing", e);
                }
            });
            java.util.concurrent.ExecutorService calls = java.util.concurrent.Executors.newSingleThreadExecutor();
            try (IdempotencyEngine threaded = IdempotencyEngine.builder(hanging).nanoTime(clock::nanoTime)
                    .listener(listener).renewalScheduler(scheduler).storeCallExecutor(calls).build()) {
                threaded.decide(payment("k1"), REQUIRED);
                clock.advance(Duration.ofSeconds(10));
                scheduler.runPeriodicTasks();
                assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

                scheduler.runPeriodicTasks();
                clock.advance(Duration.ofSeconds(10).minusNanos(1));
                scheduler.runPeriodicTasks();
                assertThat(listener.failedStoreCalls).as("still within the renewal interval").hasValue(0);
                assertThat(interrupted.getCount()).isEqualTo(1);

                clock.advance(Duration.ofNanos(1));
                scheduler.runPeriodicTasks();

                assertThat(listener.storeCalls).hasSize(2).last().isEqualTo(
                        new StoreCall(IdempotencyListener.StoreOperation.RENEW, Duration.ofSeconds(10).toNanos(), false));
                assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the call was interrupted").isTrue();
                calls.shutdown();
                assertThat(calls.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                assertThat(listener.failedStoreCalls).as("counted once, by the tick").hasValue(1);
            } finally {
                calls.shutdownNow();
            }
        }

        @Test
        void callThatTheExecutorRejectedIsStartedByTheNextTick() throws IOException {
            AtomicInteger rejectionsLeft = new AtomicInteger(1);
            java.util.concurrent.Executor saturatedOnce = command -> {
                if (rejectionsLeft.getAndDecrement() > 0) {
                    throw new java.util.concurrent.RejectedExecutionException("saturated");
                }
                command.run();
            };
            try (IdempotencyEngine engine = IdempotencyEngine.builder(store).nanoTime(clock::nanoTime).listener(listener)
                    .renewalScheduler(scheduler).storeCallExecutor(saturatedOnce).build()) {
                engine.decide(payment("k1"), REQUIRED);
                clock.advance(Duration.ofSeconds(10));
                scheduler.runPeriodicTasks();
                assertThat(listener.renewals).hasValue(0);

                scheduler.runPeriodicTasks();

                assertThat(listener.renewals).hasValue(1);
            }
        }

        @Test
        void defaultStoreCallsRunOnDaemonThreadsOfTheEngine() throws Exception {
            CompletableFuture<Thread> renewing = new CompletableFuture<>();
            try (IdempotencyEngine engine = IdempotencyEngine.builder(onRenew(() -> renewing.complete(Thread.currentThread())))
                    .nanoTime(clock::nanoTime).renewalScheduler(scheduler).build()) {
                engine.decide(payment("k1"), REQUIRED);
                clock.advance(Duration.ofSeconds(10));
                scheduler.runPeriodicTasks();

                Thread thread = renewing.get(10, TimeUnit.SECONDS);
                assertThat(thread.isDaemon()).isTrue();
                assertThat(thread.getName()).startsWith("idempotency-store-call-");
            }
        }

        @Test
        void defaultSchedulerTicksOnADaemonThreadOfTheEngine() throws Exception {
            CompletableFuture<Thread> renewing = new CompletableFuture<>();
            try (IdempotencyEngine engine = IdempotencyEngine.builder(onRenew(() -> renewing.complete(Thread.currentThread())))
                    .nanoTime(clock::nanoTime).storeCallExecutor(Runnable::run).build()) {
                engine.decide(payment("k1"), REQUIRED);
                clock.advance(Duration.ofSeconds(10));

                Thread thread = renewing.get(10, TimeUnit.SECONDS); // the next tick, within 100 ms
                assertThat(thread.isDaemon()).isTrue();
                assertThat(thread.getName()).isEqualTo("idempotency-lease-renewal-1");
            }
        }
    }

    @Nested
    class RenewalIsolation {

        /** A store whose claims on key "stuck" block in renew until the test opens the latch, ignoring interrupts. */
        private IdempotencyStore stuckRenewals(CountDownLatch unblock, CountDownLatch blocked) {
            return request -> {
                ClaimResult result = memory.claim(request);
                if (result instanceof ClaimResult.Acquired acquired && request.key().key().equals("stuck")) {
                    return new ClaimResult.Acquired(new DelegatingClaim(acquired.claim()) {
                        @Override
                        public boolean renew(Duration lease) {
                            blocked.countDown();
                            boolean interrupted = false;
                            while (true) {
                                try {
                                    if (unblock.await(30, TimeUnit.SECONDS)) {
                                        break;
                                    }
                                } catch (InterruptedException e) {
                                    interrupted = true; // a hung socket read ignores interrupts too
                                }
                            }
                            if (interrupted) {
                                Thread.currentThread().interrupt();
                            }
                            return super.renew(lease);
                        }
                    });
                }
                return result;
            };
        }

        @Test
        void aRenewalThatBlocksLongerThanTheLeaseDoesNotStopOtherClaimsFromBeingRenewed() throws Exception {
            CountDownLatch unblock = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            // A thread per call, as the default executor; it also tells when a call, bookkeeping
            // included, is over: the listener hears of a renewal before its call has finished, and a
            // call still unfinished at the next tick, a renewal interval later, counts as timed out.
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
            java.util.concurrent.Semaphore finishedCalls = new java.util.concurrent.Semaphore(0);
            java.util.concurrent.Executor calls = command -> pool.execute(() -> {
                try {
                    command.run();
                } finally {
                    finishedCalls.release();
                }
            });
            try (IdempotencyEngine threaded = IdempotencyEngine.builder(stuckRenewals(unblock, blocked))
                    .nanoTime(clock::nanoTime).listener(listener).renewalScheduler(scheduler).storeCallExecutor(calls)
                    .build()) {
                threaded.decide(payment("stuck"), REQUIRED);
                threaded.decide(payment("a"), REQUIRED);
                threaded.decide(payment("b"), REQUIRED);
                for (int third = 1; third <= 4; third++) { // 40 s: past the 30 s lease
                    clock.advance(Duration.ofSeconds(10));
                    listener.renewalsObserved = new CountDownLatch(2);
                    scheduler.runPeriodicTasks();
                    assertThat(listener.renewalsObserved.await(10, TimeUnit.SECONDS))
                            .as("a and b renewed in round %d", third).isTrue();
                    assertThat(finishedCalls.tryAcquire(2, 10, TimeUnit.SECONDS))
                            .as("the calls of a and b finished in round %d", third).isTrue();
                    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
                }

                assertThat(threaded.decide(payment("a"), REQUIRED)).isInstanceOf(Decision.Reject.class);
                assertThat(threaded.decide(payment("b"), REQUIRED)).isInstanceOf(Decision.Reject.class);
                assertThat(threaded.decide(payment("stuck"), REQUIRED))
                        .as("only the stuck claim lapsed").isInstanceOf(Proceed.class);
                assertThat(listener.failedStoreCalls).as("the stuck call counted as failed once").hasValue(1);
            } finally {
                unblock.countDown();
                pool.shutdown();
            }
        }

        @Test
        void anErrorInOneRenewalIsCountedAndTheNextTickRenewsAgain() throws IOException {
            AtomicInteger errorsLeft = new AtomicInteger(1);
            IdempotencyStore erring = request -> {
                ClaimResult result = memory.claim(request);
                if (result instanceof ClaimResult.Acquired acquired) {
                    return new ClaimResult.Acquired(new DelegatingClaim(acquired.claim()) {
                        @Override
                        public boolean renew(Duration lease) {
                            if (errorsLeft.getAndDecrement() > 0) {
                                throw new LinkageError("a class failed to load in the store client");
                            }
                            return super.renew(lease);
                        }
                    });
                }
                return result;
            };
            try (IdempotencyEngine engine = engine(erring, StoreFailureMode.FAIL_CLOSED)) {
                Proceed running = (Proceed) engine.decide(payment("k1"), REQUIRED);
                clock.advance(Duration.ofSeconds(10));
                scheduler.runPeriodicTasks();
                assertThat(listener.failedStoreCalls).hasValue(1);
                scheduler.runPeriodicTasks();
                assertThat(listener.renewals).hasValue(1);
                clock.advance(Duration.ofSeconds(25)); // 35 s after the claim, 25 s after the renewal
                assertThat(engine.decide(payment("k1"), REQUIRED)).isInstanceOf(Decision.Reject.class);
                assertThat(running.complete(CREATED)).isTrue();
            }
        }

        @Test
        void renewalFollowsTheMonotonicTimeSourceNotTheWallClock() throws IOException {
            java.util.concurrent.atomic.AtomicLong ticker = new java.util.concurrent.atomic.AtomicLong();
            try (IdempotencyEngine monotonic = IdempotencyEngine.builder(store).nanoTime(ticker::get).listener(listener)
                    .renewalScheduler(scheduler).storeCallExecutor(Runnable::run).build()) {
                monotonic.decide(payment("k1"), REQUIRED);
                clock.advance(Duration.ofHours(1)); // a wall clock step
                scheduler.runPeriodicTasks();
                assertThat(listener.renewals).as("a wall clock step does not rush renewal").hasValue(0);
                ticker.addAndGet(Duration.ofSeconds(10).toNanos());
                scheduler.runPeriodicTasks();
                assertThat(listener.renewals).hasValue(1);
            }
        }
    }

    @Nested
    class Completion {

        @Test
        void serverErrorsAndRetryableStatusesReleaseTheKey() throws IOException {
            for (int status : new int[] {500, 503, 408, 425, 429}) {
                String key = "k" + status;
                assertThat(proceed(payment(key), REQUIRED).complete(new StoredResponse(status, List.of(), new byte[0])))
                        .isFalse();
                proceed(payment(key), REQUIRED);
            }
        }

        @Test
        void clientErrorsAreStoredAndReplayed() throws IOException {
            StoredResponse badRequest = new StoredResponse(400, List.of(), "{\"error\":\"amount\"}".getBytes());
            proceed(payment("k1"), REQUIRED).complete(badRequest);
            assertThat(replayed(payment("k1"), REQUIRED)).isEqualTo(badRequest);
        }

        @Test
        void storeAllPolicyReplaysServerErrorsToo() throws IOException {
            EndpointPolicy stripe = REQUIRED.toBuilder().storagePolicy(StoragePolicy.storeAll()).build();
            StoredResponse failure = new StoredResponse(500, List.of(), new byte[] {1});
            assertThat(proceed(payment("k1"), stripe).complete(failure)).isTrue();
            assertThat(replayed(payment("k1"), stripe)).isEqualTo(failure);
        }

        @Test
        void releaseAfterAnExceptionLetsTheRetryRun() throws IOException {
            proceed(payment("k1"), REQUIRED).release(Outcome.NOT_STORED);
            proceed(payment("k1"), REQUIRED);
            assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.NOT_STORED, Outcome.NEW);
        }

        @Test
        void onlyTheFirstOfCompleteAndReleaseCounts() throws IOException {
            Proceed first = proceed(payment("k1"), REQUIRED);
            assertThat(first.complete(CREATED)).isTrue();
            first.release(Outcome.NOT_STORED);
            assertThat(first.complete(CREATED)).isFalse();
            assertThat(replayed(payment("k1"), REQUIRED)).isEqualTo(CREATED);
        }

        @Test
        void responseOverTheStoredBodyLimitIsRecordedWithoutItsBodyAndNotRunAgain() throws IOException {
            EndpointPolicy small = REQUIRED.toBuilder().maxStoredBodyBytes(4).build();
            Proceed first = proceed(payment("k1"), small);
            assertThat(first.maxStoredBodyBytes()).isEqualTo(4);
            assertThat(first.complete(new StoredResponse(201, List.of(new ResponseHeader("Location", "/p/1"),
                    new ResponseHeader("Set-Cookie", "s=1")), new byte[5]))).isTrue();

            StoredResponse replay = replayed(payment("k1"), small);
            assertThat(replay.status()).isEqualTo(201);
            assertThat(replay.headers()).containsExactly(new ResponseHeader("Location", "/p/1"),
                    new ResponseHeader(IdempotencyEngine.BODY_OMITTED_HEADER, "5"));
            assertThat(replay.body()).isEmpty();
        }

        @Test
        void responseAtTheStoredBodyLimitIsStoredWhole() throws IOException {
            EndpointPolicy small = REQUIRED.toBuilder().maxStoredBodyBytes(4).build();
            StoredResponse four = new StoredResponse(200, List.of(), new byte[] {1, 2, 3, 4});
            proceed(payment("k1"), small).complete(four);
            assertThat(replayed(payment("k1"), small)).isEqualTo(four);
        }

        @Test
        void aClaimNoLongerRenewedCanStillCompleteWithinItsLease() throws IOException {
            Proceed first = proceed(payment("k1"), REQUIRED);
            first.stopRenewal();
            clock.advance(Duration.ofSeconds(20));
            scheduler.runPeriodicTasks();
            assertThat(listener.renewals).hasValue(0);
            assertThat(first.complete(CREATED)).isTrue();
            assertThat(replayed(payment("k1"), REQUIRED)).isEqualTo(CREATED);
        }

        @Test
        void aClaimNoLongerRenewedLapsesWithItsLease() throws IOException {
            proceed(payment("k1"), REQUIRED).stopRenewal();
            clock.advance(Duration.ofSeconds(31));
            scheduler.runPeriodicTasks();
            proceed(payment("k1"), REQUIRED);
        }

        @Test
        void abandonedClaimIsKeptUntilItsLeaseRunsOutWithoutRenewal() throws IOException {
            Proceed first = proceed(payment("k1"), REQUIRED);
            first.abandon("the client reset the stream");
            first.release(Outcome.NOT_STORED);
            assertThat(first.complete(CREATED)).as("settled once").isFalse();
            clock.advance(Duration.ofSeconds(20));
            scheduler.runPeriodicTasks();
            assertThat(listener.renewals).hasValue(0);
            assertThat(rejected(payment("k1"), REQUIRED).status()).isEqualTo(409);
            clock.advance(Duration.ofSeconds(11));
            proceed(payment("k1"), REQUIRED);
            assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.NOT_STORED, Outcome.IN_FLIGHT, Outcome.NEW);
        }

        @Test
        void requestBodyOverTheLimitIs413() throws IOException {
            EndpointPolicy small = REQUIRED.toBuilder().maxRequestBodyBytes(8).build();
            Problem problem = rejected(payment("k1"), small);
            assertThat(problem.status()).isEqualTo(413);
            assertThat(problem.detail()).contains("8 bytes");
            assertThat(store.claims).hasValue(0);
        }
    }

    @Nested
    class StoreFailures {

        private final IdempotencyStore down = request -> {
            throw new IdempotencyStoreException("connection refused");
        };

        @Test
        void failClosedAnswers503WithRetryAfterAndDoesNotRun() throws IOException {
            try (IdempotencyEngine closed = engine(down, StoreFailureMode.FAIL_CLOSED)) {
                Problem problem = ((Decision.Reject) closed.decide(payment("k1"), REQUIRED)).problem();
                assertThat(problem.status()).isEqualTo(503);
                assertThat(problem.retryAfterHeader()).contains("5");
                assertThat(listener.outcomes).containsExactly(Outcome.STORE_ERROR);
            }
        }

        @Test
        void failOpenRunsWithoutIdempotencyAndCountsIt() throws IOException {
            try (IdempotencyEngine open = engine(down, StoreFailureMode.FAIL_OPEN)) {
                assertThat(open.decide(payment("k1"), REQUIRED))
                        .isEqualTo(new Decision.PassThrough(Decision.PassThrough.Reason.STORE_UNAVAILABLE));
                assertThat(listener.outcomes).containsExactly(Outcome.STORE_ERROR);
                assertThat(listener.failedStoreCalls).hasValue(1);
            }
        }

        private IdempotencyStore completeFailing(AtomicInteger failuresLeft) {
            return request -> {
                ClaimResult result = memory.claim(request);
                if (result instanceof ClaimResult.Acquired acquired) {
                    return new ClaimResult.Acquired(new FailingCompleteClaim(acquired.claim(), failuresLeft));
                }
                return result;
            };
        }

        @Test
        void failureToStoreTheResponseIsCountedNotThrown() throws IOException {
            try (IdempotencyEngine failing = engine(completeFailing(new AtomicInteger(1)), StoreFailureMode.FAIL_CLOSED)) {
                Proceed first = (Proceed) failing.decide(payment("k1"), REQUIRED);
                assertThat(first.complete(CREATED)).isFalse();
                assertThat(listener.outcomes).containsExactly(Outcome.NEW, Outcome.STORE_ERROR);
                assertThat(listener.failedStoreCalls).hasValue(1);
            }
        }

        @Test
        void responseWhoseStoringFailedIsStoredWhenTheStoreComesBackWithinTheLease() throws IOException {
            AtomicInteger failuresLeft = new AtomicInteger(3);
            try (IdempotencyEngine failing = engine(completeFailing(failuresLeft), StoreFailureMode.FAIL_CLOSED)) {
                ((Proceed) failing.decide(payment("k1"), REQUIRED)).complete(CREATED);
                scheduler.runPeriodicTasks();
                assertThat(failuresLeft.get()).as("no retry before its time").isEqualTo(2);
                clock.advance(Duration.ofSeconds(1));
                scheduler.runPeriodicTasks(); // fails again
                assertThat(failing.decide(payment("k1"), REQUIRED)).isInstanceOf(Decision.Reject.class);
                clock.advance(Duration.ofSeconds(10));
                scheduler.runPeriodicTasks(); // fails again
                clock.advance(Duration.ofSeconds(1));
                scheduler.runPeriodicTasks(); // the store is back

                assertThat(failing.decide(payment("k1"), REQUIRED)).isEqualTo(new Decision.Replay(CREATED));
                int attempts = failuresLeft.get();
                clock.advance(Duration.ofSeconds(1));
                scheduler.runPeriodicTasks();
                assertThat(failuresLeft.get()).as("no attempt after it was stored").isEqualTo(attempts);
            }
        }

        @Test
        void aRenewalExtendsHowLongAFailedStoringIsRetried() throws IOException {
            try (IdempotencyEngine failing = engine(completeFailing(new AtomicInteger(1)), StoreFailureMode.FAIL_CLOSED)) {
                Proceed slow = (Proceed) failing.decide(payment("k1"), REQUIRED);
                clock.advance(Duration.ofSeconds(10));
                scheduler.runPeriodicTasks(); // renewed: held until 40 s
                assertThat(listener.renewals).hasValue(1);
                clock.advance(Duration.ofSeconds(19));
                assertThat(slow.complete(CREATED)).as("the first attempt fails").isFalse();

                clock.advance(Duration.ofSeconds(2)); // 31 s: past the first lease, within the renewed one
                scheduler.runPeriodicTasks();

                assertThat(failing.decide(payment("k1"), REQUIRED)).isEqualTo(new Decision.Replay(CREATED));
            }
        }

        @Test
        void storingIsRetriedEveryTenthOfAShortLease() throws IOException {
            EndpointPolicy shortLease = REQUIRED.toBuilder().lease(Duration.ofSeconds(2)).build();
            AtomicInteger failuresLeft = new AtomicInteger(2);
            try (IdempotencyEngine failing = engine(completeFailing(failuresLeft), StoreFailureMode.FAIL_CLOSED)) {
                ((Proceed) failing.decide(payment("k1"), shortLease)).complete(CREATED);
                clock.advance(Duration.ofMillis(199));
                scheduler.runPeriodicTasks();
                assertThat(failuresLeft).as("no retry before 200 ms").hasValue(1);
                clock.advance(Duration.ofMillis(1));
                scheduler.runPeriodicTasks();
                assertThat(failuresLeft).as("retried, failed again").hasValue(0);
                scheduler.runPeriodicTasks();
                clock.advance(Duration.ofMillis(199));
                scheduler.runPeriodicTasks();
                assertThat(failuresLeft).as("no retry before another 200 ms").hasValue(0);

                clock.advance(Duration.ofMillis(1));
                scheduler.runPeriodicTasks();

                assertThat(failing.decide(payment("k1"), shortLease)).isEqualTo(new Decision.Replay(CREATED));
            }
        }

        @Test
        void storingIsRetriedOnlyUntilTheLeaseRunsOutThenARetryRunsTheHandler() throws IOException {
            AtomicInteger failuresLeft = new AtomicInteger(Integer.MAX_VALUE);
            try (IdempotencyEngine failing = engine(completeFailing(failuresLeft), StoreFailureMode.FAIL_CLOSED)) {
                ((Proceed) failing.decide(payment("k1"), REQUIRED)).complete(CREATED);
                clock.advance(Duration.ofSeconds(1));
                scheduler.runPeriodicTasks();
                assertThat(failuresLeft.get()).as("retried once").isEqualTo(Integer.MAX_VALUE - 2);
                clock.advance(Duration.ofSeconds(29));
                scheduler.runPeriodicTasks();
                clock.advance(Duration.ofSeconds(1));
                scheduler.runPeriodicTasks();

                assertThat(failuresLeft.get()).as("no attempt once the lease ran out").isEqualTo(Integer.MAX_VALUE - 2);
                assertThat(failing.decide(payment("k1"), REQUIRED)).isInstanceOf(Proceed.class);
            }
        }
    }

    @Test
    void problemJsonCarriesTypeTitleStatusAndDetail() throws IOException {
        Problem problem = rejected(TestRequest.post("/payments"), REQUIRED);
        assertThat(problem.title()).isEqualTo("Idempotency-Key header is required");
        JsonNode json = new ObjectMapper().readTree(problem.toJson());
        assertThat(json.get("type").asText()).isEqualTo(problem.type().toString());
        assertThat(json.get("title").asText()).isEqualTo("Idempotency-Key header is required");
        assertThat(json.get("status").asInt()).isEqualTo(400);
        assertThat(json.get("detail").asText()).contains("Idempotency-Key");
        assertThat(json.size()).isEqualTo(4);
    }

    private Decision decide(RequestView request, EndpointPolicy policy) {
        try {
            return engine.decide(request, policy);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Counts claims and lets a test wait until a number of claims were made. */
    private static final class CountingStore implements IdempotencyStore {
        private final IdempotencyStore delegate;
        final AtomicInteger claims = new AtomicInteger();
        volatile CountDownLatch claimObserved = new CountDownLatch(0);

        CountingStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public ClaimResult claim(ClaimRequest request) {
            claims.incrementAndGet();
            try {
                return delegate.claim(request);
            } finally {
                claimObserved.countDown();
            }
        }
    }

    private static final class RecordingListener implements IdempotencyListener {
        final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        final AtomicInteger failedStoreCalls = new AtomicInteger();
        final AtomicInteger renewals = new AtomicInteger();
        volatile CountDownLatch renewalsObserved = new CountDownLatch(0);
        final List<StoreCall> storeCalls = new CopyOnWriteArrayList<>();

        @Override
        public void onOutcome(Outcome outcome, RequestView request) {
            outcomes.add(outcome);
        }

        @Override
        public void onStoreCall(StoreOperation operation, long nanos, boolean succeeded) {
            storeCalls.add(new StoreCall(operation, nanos, succeeded));
            if (!succeeded) {
                failedStoreCalls.incrementAndGet();
            } else if (operation == StoreOperation.RENEW) {
                renewals.incrementAndGet();
                renewalsObserved.countDown();
            }
        }
    }

    private record StoreCall(IdempotencyListener.StoreOperation operation, long nanos, boolean succeeded) {
    }

    /** A claim whose first completes fail as if the store were unreachable. */
    private static final class FailingCompleteClaim extends DelegatingClaim {
        private final AtomicInteger failuresLeft;

        FailingCompleteClaim(io.github.idempotency.core.store.Claim delegate, AtomicInteger failuresLeft) {
            super(delegate);
            this.failuresLeft = failuresLeft;
        }

        @Override
        public boolean complete(StoredResponse response, Duration ttl) {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IdempotencyStoreException("connection reset while storing");
            }
            return super.complete(response, ttl);
        }
    }
}
