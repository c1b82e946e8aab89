package io.github.idempotency.core.store;

import static io.github.idempotency.core.store.Stages.resultOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.idempotency.core.fingerprint.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;

/**
 * The behaviour every {@link IdempotencyStore} must show. A store's test class extends this suite,
 * says how to create the store and how to let its time pass, and inherits every test.
 *
 * <p>Each test works on fresh random scopes and keys, so a store may keep entries across tests (a
 * shared Redis or database). Only the expiry tests let time pass, always through
 * {@link #letTimePass(Duration)} and in multiples of {@link #expiryUnit()}.
 *
 * <p>The non-blocking methods ({@link IdempotencyStore#claimAsync(ClaimRequest)} and the
 * {@code ...Async} methods of {@link Claim}) must answer as the blocking ones do, and must not
 * block the thread that calls them: one test calls them on a thread that BlockHound watches, so
 * the test JVM needs {@code -XX:+AllowRedefinitionToAddDeleteMethods} (JDK 13+) and BlockHound
 * on the test class path.
 *
 * <p>A store that implements {@link InspectableStore} also runs the inspection and eviction tests;
 * they are skipped for a store that does not.
 */
public abstract class IdempotencyStoreContract {

    /** A lease that never runs out during a test that does not let time pass. */
    private static final Duration LONG_LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(1);
    private static final int RACERS = 64;
    private static final int RACE_ROUNDS = 50;
    private static final long RACE_TIMEOUT_SECONDS = 30;

    private IdempotencyStore store;

    /**
     * Creates the store under test; called once per test, and closed after it when it is
     * {@link AutoCloseable}. Entries of earlier tests may still exist: the suite uses fresh random
     * keys in every test.
     */
    protected abstract IdempotencyStore createStore();

    /**
     * Lets store time pass by at least {@code duration}: stores on an injected clock advance it;
     * stores whose server clock rules expiry wait in real time.
     */
    protected abstract void letTimePass(Duration duration);

    /**
     * The lease / TTL used by expiry tests: stores on an injected clock keep the default (30 s);
     * real-clock stores override with something short, e.g. 300 ms.
     */
    protected Duration expiryUnit() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore();
    }

    @AfterEach
    void closeStoreUnderTest() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    // --- claim ---------------------------------------------------------------------------------

    @Test
    void claimOnFreshKeyAcquiresIt() {
        EntryKey key = freshKey();

        Claim claim = acquired(store.claim(new ClaimRequest(key, fingerprint(), LONG_LEASE)));

        assertThat(claim.key()).isEqualTo(key);
    }

    @Test
    void claimOnInFlightKeyReturnsInFlightWithTheHolderFingerprint() {
        EntryKey key = freshKey();
        Fingerprint holder = fingerprint();
        acquire(key, holder, LONG_LEASE);

        ClaimResult.InFlight sameRequest = inFlight(store.claim(new ClaimRequest(key, holder, LONG_LEASE)));
        ClaimResult.InFlight otherRequest = inFlight(store.claim(new ClaimRequest(key, fingerprint(), LONG_LEASE)));

        assertThat(sameRequest.fingerprint()).isEqualTo(holder);
        assertThat(otherRequest.fingerprint()).isEqualTo(holder);
    }

    @Test
    void claimOnCompletedKeyReturnsTheRecordFingerprintAndExactResponse() {
        EntryKey key = freshKey();
        Fingerprint holder = fingerprint();
        Claim claim = acquire(key, holder, LONG_LEASE);
        ClaimResult.InFlight inFlight = inFlight(claimWithNewFingerprint(key));
        StoredResponse response = textResponse(201, "{\"id\":\"pay_1\"}");

        assertThat(claim.complete(response, TTL)).isTrue();

        ClaimResult.Completed sameRequest = completed(store.claim(new ClaimRequest(key, holder, LONG_LEASE)));
        ClaimResult.Completed otherRequest = completed(claimWithNewFingerprint(key));
        for (ClaimResult.Completed record : List.of(sameRequest, otherRequest)) {
            assertThat(record.fingerprint()).isEqualTo(holder);
            assertThat(record.response()).isEqualTo(response);
            assertThat(record.expiresAt())
                    .as("a record kept for %s expires after a %s lease would have", TTL, LONG_LEASE)
                    .isAfter(inFlight.leaseExpiresAt());
        }
    }

    // --- complete / release / renew only with the current claim --------------------------------

    @Test
    void completedClaimCannotCompleteReleaseOrRenewAgain() {
        EntryKey key = freshKey();
        Fingerprint holder = fingerprint();
        Claim claim = acquire(key, holder, LONG_LEASE);
        StoredResponse first = textResponse(201, "first");
        assertThat(claim.complete(first, TTL)).isTrue();

        assertThat(claim.complete(textResponse(200, "second"), TTL)).isFalse();
        assertThat(claim.release()).isFalse();
        assertThat(claim.renew(LONG_LEASE)).isFalse();

        ClaimResult.Completed record = completed(claimWithNewFingerprint(key));
        assertThat(record.fingerprint()).isEqualTo(holder);
        assertThat(record.response()).isEqualTo(first);
    }

    @Test
    void releaseMakesTheKeyClaimableAtOnceWithANewFencingToken() {
        EntryKey key = freshKey();
        Claim first = acquire(key, fingerprint(), LONG_LEASE);

        assertThat(first.release()).isTrue();

        Claim second = acquired(claimWithNewFingerprint(key));
        assertThat(second.fencingToken()).isNotEqualTo(first.fencingToken());
    }

    @Test
    void releasedClaimCannotCompleteSoTheKeyStaysClaimable() {
        EntryKey key = freshKey();
        Claim claim = acquire(key, fingerprint(), LONG_LEASE);
        assertThat(claim.release()).isTrue();

        assertThat(claim.complete(textResponse(201, "late"), TTL)).isFalse();
        assertThat(claim.renew(LONG_LEASE)).isFalse();
        assertThat(claim.release()).isFalse();

        acquired(claimWithNewFingerprint(key));
    }

    @Test
    void releasedClaimCannotTouchTheNextHolderClaim() {
        EntryKey key = freshKey();
        Claim released = acquire(key, fingerprint(), LONG_LEASE);
        assertThat(released.release()).isTrue();
        Fingerprint nextHolder = fingerprint();
        Claim next = acquire(key, nextHolder, LONG_LEASE);

        assertThat(released.complete(textResponse(201, "stale"), TTL)).isFalse();
        assertThat(released.release()).isFalse();
        assertThat(released.renew(LONG_LEASE)).isFalse();

        assertThat(inFlight(claimWithNewFingerprint(key)).fingerprint()).isEqualTo(nextHolder);
        StoredResponse response = textResponse(201, "fresh");
        assertThat(next.complete(response, TTL)).isTrue();
        assertThat(completed(claimWithNewFingerprint(key)).response()).isEqualTo(response);
    }

    // --- expiry ----------------------------------------------------------------------------------

    @Test
    void expiredLeaseIsTakenOverWithANewFencingToken() {
        EntryKey key = freshKey();
        Claim stale = acquire(key, fingerprint(), expiryUnit());

        letTimePass(beyond(expiryUnit()));

        Fingerprint newHolder = fingerprint();
        Claim taken = acquired(store.claim(new ClaimRequest(key, newHolder, LONG_LEASE)));
        assertThat(taken.fencingToken()).isNotEqualTo(stale.fencingToken());
        assertThat(inFlight(claimWithNewFingerprint(key)).fingerprint()).isEqualTo(newHolder);
    }

    @Test
    void staleHolderCannotCompleteReleaseOrRenewAfterTakeover() {
        EntryKey key = freshKey();
        Claim stale = acquire(key, fingerprint(), expiryUnit());
        letTimePass(beyond(expiryUnit()));
        Fingerprint newHolder = fingerprint();
        Claim current = acquire(key, newHolder, LONG_LEASE);

        assertThat(stale.complete(textResponse(201, "stale"), TTL)).isFalse();
        assertThat(stale.release()).isFalse();
        assertThat(stale.renew(LONG_LEASE)).isFalse();

        assertThat(inFlight(claimWithNewFingerprint(key)).fingerprint()).isEqualTo(newHolder);
        StoredResponse response = textResponse(201, "current");
        assertThat(current.complete(response, TTL)).isTrue();
        ClaimResult.Completed record = completed(claimWithNewFingerprint(key));
        assertThat(record.fingerprint()).isEqualTo(newHolder);
        assertThat(record.response()).isEqualTo(response);
    }

    @Test
    void renewExtendsTheLeasePastItsOriginalExpiry() {
        EntryKey key = freshKey();
        Fingerprint holder = fingerprint();
        Duration lease = expiryUnit();
        Claim claim = acquire(key, holder, lease);
        ClaimResult.InFlight beforeRenewal = inFlight(claimWithNewFingerprint(key));

        letTimePass(lease.multipliedBy(2).dividedBy(3));
        assertThat(claim.renew(lease.multipliedBy(2))).isTrue();
        ClaimResult.InFlight afterRenewal = inFlight(claimWithNewFingerprint(key));
        letTimePass(lease.multipliedBy(2).dividedBy(3));

        assertThat(afterRenewal.leaseExpiresAt()).isAfter(beforeRenewal.leaseExpiresAt());
        assertThat(inFlight(claimWithNewFingerprint(key)).fingerprint())
                .as("claim %s after the original lease of %s ended, inside the renewed lease", key, lease)
                .isEqualTo(holder);
        assertThat(claim.complete(textResponse(201, "done"), TTL)).isTrue();
    }

    @Test
    void completedRecordExpiresAfterItsTtl() {
        EntryKey key = freshKey();
        Claim claim = acquire(key, fingerprint(), LONG_LEASE);
        assertThat(claim.complete(textResponse(201, "short-lived"), expiryUnit())).isTrue();
        completed(claimWithNewFingerprint(key));

        letTimePass(beyond(expiryUnit()));

        Claim next = acquired(claimWithNewFingerprint(key));
        assertThat(next.fencingToken()).isNotEqualTo(claim.fencingToken());
    }

    // --- what a record holds ---------------------------------------------------------------------

    @Test
    void largeRandomBodyRoundTripsExactly() {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(body);

        assertRoundTrip(new StoredResponse(200, List.of(new ResponseHeader("Content-Type", "application/octet-stream")), body));
    }

    @Test
    void everyByteValueRoundTripsInTheBody() {
        byte[] body = new byte[2 * 256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i < 256 ? i : 511 - i);
        }

        assertRoundTrip(new StoredResponse(200, List.of(), body));
    }

    @Test
    void emptyBodyWithoutHeadersRoundTrips() {
        assertRoundTrip(new StoredResponse(204, List.of(), new byte[0]));
    }

    @Test
    void repeatedHeaderNamesKeepTheirOrderAmongOtherHeaders() {
        List<ResponseHeader> headers = List.of(
                new ResponseHeader("Link", "</payments/1>; rel=\"self\""),
                new ResponseHeader("Content-Type", "application/json"),
                new ResponseHeader("Set-Cookie", "a=1; Path=/"),
                new ResponseHeader("Link", "</payments>; rel=\"collection\""),
                new ResponseHeader("X-Empty", ""),
                new ResponseHeader("Set-Cookie", "b=2; Path=/"),
                new ResponseHeader("link", "</docs>; rel=\"help\""));

        assertRoundTrip(new StoredResponse(201, headers, "{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void nonAsciiHeaderValuesRoundTrip() {
        List<ResponseHeader> headers = List.of(
                new ResponseHeader("X-Greeting", "Grüße, ça va? 日本語 😀"),
                new ResponseHeader("Content-Disposition", "attachment; filename=\"résumé.pdf\""));

        assertRoundTrip(new StoredResponse(200, headers, "ok".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void statusCodesRoundTrip() {
        for (int status : new int[] {100, 201, 404, 500, 599, 999}) {
            assertRoundTrip(textResponse(status, "status " + status));
        }
    }

    // --- identity of entries ---------------------------------------------------------------------

    @Test
    void sameKeyInDifferentScopesIsADifferentEntry() {
        String key = "key-" + UUID.randomUUID();
        EntryKey alice = new EntryKey("alice-" + UUID.randomUUID(), key);
        EntryKey bob = new EntryKey("bob-" + UUID.randomUUID(), key);
        Claim aliceClaim = acquire(alice, fingerprint(), LONG_LEASE);
        Fingerprint bobFingerprint = fingerprint();
        acquire(bob, bobFingerprint, LONG_LEASE);
        StoredResponse aliceResponse = textResponse(201, "alice");

        assertThat(aliceClaim.complete(aliceResponse, TTL)).isTrue();

        assertThat(completed(claimWithNewFingerprint(alice)).response()).isEqualTo(aliceResponse);
        assertThat(inFlight(claimWithNewFingerprint(bob)).fingerprint()).isEqualTo(bobFingerprint);
    }

    @Test
    void keysAndScopesWithDelimiterGlobAndSqlCharactersStaySeparate() {
        String scope = "scope-" + UUID.randomUUID();
        String base = "k" + UUID.randomUUID();
        List<EntryKey> keys = new ArrayList<>();
        keys.add(new EntryKey(scope, base));
        for (String special : List.of("*", "?", "[", "]", "'", "\"", ";", ":", "{", "}", "%", "_", "\\", "/", " ", "\u00e9")) {
            keys.add(new EntryKey(scope, base + special));
            keys.add(new EntryKey(scope, special + base));
            keys.add(new EntryKey(scope + special, base));
        }
        // The same characters split differently between scope and key.
        keys.add(new EntryKey(scope + ":a", "b"));
        keys.add(new EntryKey(scope, "a:b"));
        keys.add(new EntryKey(scope + "{a}", "b"));
        keys.add(new EntryKey(scope, "{a}b"));
        keys.add(new EntryKey(scope, base + "'; DELETE FROM idempotency_entry; --"));
        List<Claim> claims = new ArrayList<>();
        for (EntryKey key : keys) {
            claims.add(acquired(claimWithNewFingerprint(key)));
        }

        for (int i = 0; i < claims.size(); i++) {
            assertThat(claims.get(i).complete(textResponse(201, "entry " + i), TTL)).isTrue();
        }

        for (int i = 0; i < keys.size(); i++) {
            assertThat(completed(claimWithNewFingerprint(keys.get(i))).response())
                    .as("record of %s", keys.get(i))
                    .isEqualTo(textResponse(201, "entry " + i));
        }
    }

    // --- concurrency -----------------------------------------------------------------------------

    @Test
    void exactlyOneOfManyConcurrentClaimsOnOneKeyAcquires() throws Exception {
        ExecutorService racers = Executors.newFixedThreadPool(RACERS);
        try {
            for (int round = 0; round < RACE_ROUNDS; round++) {
                EntryKey key = freshKey();
                List<Fingerprint> fingerprints = new ArrayList<>();
                List<Callable<ClaimResult>> claims = new ArrayList<>();
                CyclicBarrier start = new CyclicBarrier(RACERS);
                for (int i = 0; i < RACERS; i++) {
                    ClaimRequest request = new ClaimRequest(key, fingerprint(), LONG_LEASE);
                    fingerprints.add(request.fingerprint());
                    claims.add(() -> {
                        start.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        return store.claim(request);
                    });
                }

                List<ClaimResult> results = runAll(racers, claims);

                List<Integer> winners = new ArrayList<>();
                for (int i = 0; i < RACERS; i++) {
                    if (results.get(i) instanceof ClaimResult.Acquired) {
                        winners.add(i);
                    }
                }
                assertThat(winners).as("racers that acquired %s in round %d", key, round).hasSize(1);
                Fingerprint winner = fingerprints.get(winners.get(0));
                for (ClaimResult result : results) {
                    if (!(result instanceof ClaimResult.Acquired)) {
                        assertThat(inFlight(result).fingerprint()).isEqualTo(winner);
                    }
                }
            }
        } finally {
            racers.shutdownNow();
        }
    }

    @Test
    void claimsRacingACompletionSeeEitherTheClaimOrTheWholeRecord() throws Exception {
        int claimers = 15;
        ExecutorService racers = Executors.newFixedThreadPool(claimers + 1);
        try {
            for (int round = 0; round < 10; round++) {
                EntryKey key = freshKey();
                Fingerprint holder = fingerprint();
                Claim claim = acquire(key, holder, LONG_LEASE);
                StoredResponse response = textResponse(201, "round " + round);
                CyclicBarrier start = new CyclicBarrier(claimers + 1);
                List<Callable<Object>> tasks = new ArrayList<>();
                tasks.add(() -> {
                    start.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    return claim.complete(response, TTL);
                });
                for (int i = 0; i < claimers; i++) {
                    tasks.add(() -> {
                        start.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        return claimWithNewFingerprint(key);
                    });
                }

                List<Object> results = runAll(racers, tasks);

                assertThat(results.get(0)).as("the holder's completion").isEqualTo(true);
                for (Object result : results.subList(1, results.size())) {
                    if (result instanceof ClaimResult.InFlight inFlight) {
                        assertThat(inFlight.fingerprint()).isEqualTo(holder);
                    } else {
                        ClaimResult.Completed record = completed((ClaimResult) result);
                        assertThat(record.fingerprint()).isEqualTo(holder);
                        assertThat(record.response()).isEqualTo(response);
                    }
                }
            }
        } finally {
            racers.shutdownNow();
        }
    }

    @Test
    void staleHolderCompletingWhileAnotherRequestTakesOverNeverLetsBothWin() throws Exception {
        int pairs = 16;
        List<EntryKey> keys = new ArrayList<>();
        List<Claim> staleClaims = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            EntryKey key = freshKey();
            keys.add(key);
            staleClaims.add(acquire(key, fingerprint(), expiryUnit()));
        }
        letTimePass(beyond(expiryUnit()));

        ExecutorService racers = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < pairs; i++) {
                EntryKey key = keys.get(i);
                Claim stale = staleClaims.get(i);
                StoredResponse staleResponse = textResponse(201, "stale " + i);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Object> results = runAll(racers, List.<Callable<Object>>of(
                        () -> {
                            start.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                            return stale.complete(staleResponse, TTL);
                        },
                        () -> {
                            start.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                            return claimWithNewFingerprint(key);
                        }));

                ClaimResult takeover = (ClaimResult) results.get(1);
                if (results.get(0).equals(true)) {
                    // The expired holder completed before anyone took over: the newcomer replays it.
                    assertThat(completed(takeover).response()).isEqualTo(staleResponse);
                } else {
                    Claim current = acquired(takeover);
                    assertThat(current.fencingToken()).isNotEqualTo(stale.fencingToken());
                    StoredResponse response = textResponse(201, "current " + i);
                    assertThat(current.complete(response, TTL)).isTrue();
                    assertThat(completed(claimWithNewFingerprint(key)).response()).isEqualTo(response);
                }
            }
        } finally {
            racers.shutdownNow();
        }
    }

    // --- the non-blocking path -------------------------------------------------------------------

    @Test
    void asyncClaimAcquiresThenAnswersInFlightAndCompletedAsTheBlockingClaimDoes() throws Exception {
        EntryKey key = freshKey();
        Fingerprint holder = fingerprint();
        Claim claim = acquired(resultOf(store.claimAsync(new ClaimRequest(key, holder, LONG_LEASE))));
        assertThat(claim.key()).isEqualTo(key);

        ClaimResult.InFlight inFlight = inFlight(resultOf(store.claimAsync(new ClaimRequest(key, fingerprint(), LONG_LEASE))));
        ClaimResult.InFlight blockingInFlight = inFlight(claimWithNewFingerprint(key));
        assertThat(inFlight.fingerprint()).isEqualTo(holder).isEqualTo(blockingInFlight.fingerprint());
        assertThat(inFlight.leaseExpiresAt()).isCloseTo(blockingInFlight.leaseExpiresAt(), within(1, ChronoUnit.SECONDS));

        StoredResponse response = textResponse(201, "{\"id\":\"pay_2\"}");
        assertThat(resultOf(claim.completeAsync(response, TTL))).isTrue();

        ClaimResult.Completed record = completed(resultOf(store.claimAsync(new ClaimRequest(key, holder, LONG_LEASE))));
        ClaimResult.Completed blockingRecord = completed(claimWithNewFingerprint(key));
        assertThat(record.fingerprint()).isEqualTo(holder).isEqualTo(blockingRecord.fingerprint());
        assertThat(record.response()).isEqualTo(response).isEqualTo(blockingRecord.response());
        assertThat(record.expiresAt())
                .isCloseTo(blockingRecord.expiresAt(), within(1, ChronoUnit.SECONDS))
                .isAfter(inFlight.leaseExpiresAt());
    }

    @Test
    void asyncRenewAndReleaseActOnTheHeldClaimAndNothingAfterIt() throws Exception {
        EntryKey key = freshKey();
        Duration lease = expiryUnit();
        Claim claim = acquired(resultOf(store.claimAsync(new ClaimRequest(key, fingerprint(), lease))));
        Instant leaseEnd = inFlight(claimWithNewFingerprint(key)).leaseExpiresAt();

        assertThat(resultOf(claim.renewAsync(lease.multipliedBy(10)))).isTrue();
        assertThat(inFlight(claimWithNewFingerprint(key)).leaseExpiresAt()).isAfter(leaseEnd.plus(lease));
        assertThat(resultOf(claim.releaseAsync())).isTrue();

        Fingerprint nextHolder = fingerprint();
        Claim next = acquire(key, nextHolder, LONG_LEASE);
        assertThat(next.fencingToken()).isNotEqualTo(claim.fencingToken());
        assertThat(resultOf(claim.releaseAsync())).isFalse();
        assertThat(resultOf(claim.renewAsync(LONG_LEASE))).isFalse();
        assertThat(resultOf(claim.completeAsync(textResponse(201, "late"), TTL))).isFalse();
        assertThat(inFlight(claimWithNewFingerprint(key)).fingerprint()).isEqualTo(nextHolder);
    }

    @Test
    void staleHolderCannotCompleteReleaseOrRenewAsyncAfterTakeover() throws Exception {
        EntryKey key = freshKey();
        Claim stale = acquired(resultOf(store.claimAsync(new ClaimRequest(key, fingerprint(), expiryUnit()))));
        letTimePass(beyond(expiryUnit()));
        Fingerprint newHolder = fingerprint();
        Claim current = acquired(resultOf(store.claimAsync(new ClaimRequest(key, newHolder, LONG_LEASE))));
        assertThat(current.fencingToken()).isNotEqualTo(stale.fencingToken());

        assertThat(resultOf(stale.completeAsync(textResponse(201, "stale"), TTL))).isFalse();
        assertThat(resultOf(stale.releaseAsync())).isFalse();
        assertThat(resultOf(stale.renewAsync(LONG_LEASE))).isFalse();

        assertThat(inFlight(claimWithNewFingerprint(key)).fingerprint()).isEqualTo(newHolder);
        StoredResponse response = textResponse(201, "current");
        assertThat(resultOf(current.completeAsync(response, TTL))).isTrue();
        ClaimResult.Completed record = completed(claimWithNewFingerprint(key));
        assertThat(record.fingerprint()).isEqualTo(newHolder);
        assertThat(record.response()).isEqualTo(response);
    }

    @Test
    void exactlyOneOfManyAsyncClaimsInFlightTogetherOnOneKeyAcquires() throws Exception {
        EntryKey key = freshKey();
        List<Fingerprint> fingerprints = new ArrayList<>();
        List<CompletionStage<ClaimResult>> claims = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            ClaimRequest request = new ClaimRequest(key, fingerprint(), LONG_LEASE);
            fingerprints.add(request.fingerprint());
            claims.add(store.claimAsync(request));
        }

        List<Integer> winners = new ArrayList<>();
        List<ClaimResult> results = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            results.add(resultOf(claims.get(i)));
            if (results.get(i) instanceof ClaimResult.Acquired) {
                winners.add(i);
            }
        }
        assertThat(winners).as("async claims that acquired %s", key).hasSize(1);
        for (ClaimResult result : results) {
            if (!(result instanceof ClaimResult.Acquired)) {
                assertThat(inFlight(result).fingerprint()).isEqualTo(fingerprints.get(winners.get(0)));
            }
        }
    }

    /**
     * Each asynchronous method is called on a thread that BlockHound watches, as an event loop
     * is: a call that blocks there (waits for a reply, does I/O, sleeps, parks) fails the test.
     */
    @Test
    void asyncMethodsNeverBlockTheCallingThread() throws Exception {
        // Everything a call needs is made here: random keys and fingerprints read the OS's entropy.
        EntryKey key = freshKey();
        ClaimRequest first = new ClaimRequest(key, fingerprint(), LONG_LEASE);
        ClaimRequest second = new ClaimRequest(key, fingerprint(), LONG_LEASE);
        ClaimRequest other = new ClaimRequest(freshKey(), fingerprint(), LONG_LEASE);
        StoredResponse response = textResponse(201, "done");

        Claim claim = acquired(onNonBlockingThread(() -> store.claimAsync(first)));
        inFlight(onNonBlockingThread(() -> store.claimAsync(second)));
        assertThat(onNonBlockingThread(() -> claim.renewAsync(LONG_LEASE))).isTrue();
        assertThat(onNonBlockingThread(() -> claim.completeAsync(response, TTL))).isTrue();
        assertThat(completed(onNonBlockingThread(() -> store.claimAsync(second))).response()).isEqualTo(response);
        Claim otherClaim = acquired(onNonBlockingThread(() -> store.claimAsync(other)));
        assertThat(onNonBlockingThread(otherClaim::releaseAsync)).isTrue();
    }

    // --- inspection and eviction (InspectableStore) ----------------------------------------------

    @Test
    void inspectAndEvictFindNothingOnAFreshKey() {
        InspectableStore inspectable = inspectableStore();
        EntryKey key = freshKey();

        assertThat(inspectable.inspect(key)).isEmpty();
        assertThat(inspectable.evict(key)).isFalse();
        acquired(claimWithNewFingerprint(key));
    }

    @Test
    void inspectShowsAnInFlightClaimAsAClaimDoesAndLeavesItHeld() {
        InspectableStore inspectable = inspectableStore();
        EntryKey key = freshKey();
        Fingerprint holder = fingerprint();
        Claim claim = acquire(key, holder, LONG_LEASE);
        ClaimResult.InFlight seen = inFlight(claimWithNewFingerprint(key));

        EntrySummary summary = inspectable.inspect(key).orElseThrow();

        assertThat(summary).isInstanceOf(EntrySummary.InFlight.class);
        assertThat(summary.fingerprint()).isEqualTo(holder);
        assertThat(summary.expiresAt()).isCloseTo(seen.leaseExpiresAt(), within(1, ChronoUnit.SECONDS));
        assertThat(claim.complete(textResponse(201, "done"), TTL)).isTrue();
    }

    @Test
    void inspectShowsARecordStatusAndBodySizeAndLeavesItStored() {
        InspectableStore inspectable = inspectableStore();
        EntryKey key = freshKey();
        Fingerprint holder = fingerprint();
        StoredResponse response = new StoredResponse(201,
                List.of(new ResponseHeader("Content-Type", "application/json"), new ResponseHeader("X-Grüße", "日本語 😀")),
                "{\"id\":\"pay_1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(acquire(key, holder, LONG_LEASE).complete(response, TTL)).isTrue();
        ClaimResult.Completed seen = completed(claimWithNewFingerprint(key));

        EntrySummary summary = inspectable.inspect(key).orElseThrow();

        assertThat(summary).isEqualTo(new EntrySummary.Completed(holder, summary.expiresAt(), 201, response.body().length));
        assertThat(summary.expiresAt()).isCloseTo(seen.expiresAt(), within(1, ChronoUnit.SECONDS));
        assertThat(completed(claimWithNewFingerprint(key)).response()).isEqualTo(response);
    }

    @Test
    void inspectSizesRecordsWithEmptyBodiesAndWithLongHeaderLines() {
        InspectableStore inspectable = inspectableStore();
        StoredResponse empty = new StoredResponse(204, List.of(), new byte[0]);
        List<ResponseHeader> longLines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            longLines.add(new ResponseHeader("X-Long-" + i, "v".repeat(1000)));
        }
        byte[] body = new byte[70_000];
        new Random(7).nextBytes(body);
        StoredResponse longHeaders = new StoredResponse(200, longLines, body);

        for (StoredResponse response : List.of(empty, longHeaders)) {
            EntryKey key = freshKey();
            assertThat(acquire(key, fingerprint(), LONG_LEASE).complete(response, TTL)).isTrue();

            EntrySummary.Completed summary = (EntrySummary.Completed) inspectable.inspect(key).orElseThrow();

            assertThat(summary.status()).isEqualTo(response.status());
            assertThat(summary.bodyBytes()).isEqualTo(response.body().length);
        }
    }

    @Test
    void evictingARecordMakesTheNextClaimAcquireTheKey() {
        InspectableStore inspectable = inspectableStore();
        EntryKey key = freshKey();
        Claim first = acquire(key, fingerprint(), LONG_LEASE);
        assertThat(first.complete(textResponse(201, "first"), TTL)).isTrue();

        assertThat(inspectable.evict(key)).isTrue();

        assertThat(inspectable.inspect(key)).isEmpty();
        assertThat(inspectable.evict(key)).isFalse();
        Claim second = acquired(claimWithNewFingerprint(key));
        assertThat(second.fencingToken()).isNotEqualTo(first.fencingToken());
        StoredResponse response = textResponse(201, "second");
        assertThat(second.complete(response, TTL)).isTrue();
        assertThat(completed(claimWithNewFingerprint(key)).response()).isEqualTo(response);
    }

    @Test
    void evictedClaimCannotCompleteReleaseOrRenewNorTouchTheNextHolderClaim() {
        InspectableStore inspectable = inspectableStore();
        EntryKey key = freshKey();
        Claim evicted = acquire(key, fingerprint(), LONG_LEASE);

        assertThat(inspectable.evict(key)).isTrue();

        assertThat(evicted.complete(textResponse(201, "evicted"), TTL)).isFalse();
        assertThat(evicted.renew(LONG_LEASE)).isFalse();
        assertThat(evicted.release()).isFalse();
        assertThat(inspectable.inspect(key)).isEmpty();
        Fingerprint nextHolder = fingerprint();
        Claim next = acquire(key, nextHolder, LONG_LEASE);
        assertThat(evicted.complete(textResponse(201, "stale"), TTL)).isFalse();
        assertThat(evicted.release()).isFalse();
        assertThat(inspectable.inspect(key).orElseThrow().fingerprint()).isEqualTo(nextHolder);
        assertThat(next.complete(textResponse(201, "next"), TTL)).isTrue();
    }

    @Test
    void evictingOneScopeLeavesTheSameKeyInAnotherScope() {
        InspectableStore inspectable = inspectableStore();
        String key = "key-" + UUID.randomUUID();
        EntryKey alice = new EntryKey("alice-" + UUID.randomUUID(), key);
        EntryKey bob = new EntryKey("bob-" + UUID.randomUUID(), key);
        assertThat(acquire(alice, fingerprint(), LONG_LEASE).complete(textResponse(201, "alice"), TTL)).isTrue();
        StoredResponse bobResponse = textResponse(201, "bob");
        assertThat(acquire(bob, fingerprint(), LONG_LEASE).complete(bobResponse, TTL)).isTrue();

        assertThat(inspectable.evict(alice)).isTrue();

        assertThat(inspectable.inspect(alice)).isEmpty();
        assertThat(inspectable.inspect(bob)).isPresent();
        assertThat(completed(claimWithNewFingerprint(bob)).response()).isEqualTo(bobResponse);
    }

    @Test
    void expiredClaimsAndRecordsAreNeitherInspectedNorEvicted() {
        InspectableStore inspectable = inspectableStore();
        EntryKey claimed = freshKey();
        EntryKey recorded = freshKey();
        acquire(claimed, fingerprint(), expiryUnit());
        assertThat(acquire(recorded, fingerprint(), LONG_LEASE).complete(textResponse(201, "short-lived"), expiryUnit())).isTrue();

        letTimePass(beyond(expiryUnit()));

        for (EntryKey key : List.of(claimed, recorded)) {
            assertThat(inspectable.inspect(key)).as("inspect %s", key).isEmpty();
            assertThat(inspectable.evict(key)).as("evict %s", key).isFalse();
            acquired(claimWithNewFingerprint(key));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** The store under test as an {@link InspectableStore}; the test is skipped for a store without the capability. */
    private InspectableStore inspectableStore() {
        assumeTrue(store instanceof InspectableStore, () -> store + " is not an InspectableStore");
        return (InspectableStore) store;
    }

    private static EntryKey freshKey() {
        return new EntryKey("contract-" + UUID.randomUUID(), "key-" + UUID.randomUUID());
    }

    private static Fingerprint fingerprint() {
        byte[] digest = new byte[32];
        ThreadLocalRandom.current().nextBytes(digest);
        return Fingerprint.of(digest);
    }

    private static StoredResponse textResponse(int status, String body) {
        return new StoredResponse(status,
                List.of(new ResponseHeader("Content-Type", "text/plain;charset=UTF-8"), new ResponseHeader("Location", "/x")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Some time after {@code duration}, so that an expiry at exactly {@code duration} has surely passed. */
    private static Duration beyond(Duration duration) {
        return duration.plus(duration.dividedBy(5));
    }

    private ClaimResult claimWithNewFingerprint(EntryKey key) {
        return store.claim(new ClaimRequest(key, fingerprint(), LONG_LEASE));
    }

    private Claim acquire(EntryKey key, Fingerprint fingerprint, Duration lease) {
        return acquired(store.claim(new ClaimRequest(key, fingerprint, lease)));
    }

    private void assertRoundTrip(StoredResponse response) {
        EntryKey key = freshKey();
        Fingerprint holder = fingerprint();
        assertThat(acquire(key, holder, LONG_LEASE).complete(response, TTL)).isTrue();

        ClaimResult.Completed record = completed(claimWithNewFingerprint(key));

        assertThat(record.fingerprint()).isEqualTo(holder);
        assertThat(record.response().status()).isEqualTo(response.status());
        assertThat(record.response().headers()).containsExactlyElementsOf(response.headers());
        assertThat(record.response().body()).hasSameSizeAs(response.body());
        assertThat(Arrays.mismatch(record.response().body(), response.body())).as("index of the first differing body byte").isEqualTo(-1);
    }

    private static Claim acquired(ClaimResult result) {
        assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
        return ((ClaimResult.Acquired) result).claim();
    }

    private static ClaimResult.InFlight inFlight(ClaimResult result) {
        assertThat(result).isInstanceOf(ClaimResult.InFlight.class);
        return (ClaimResult.InFlight) result;
    }

    private static ClaimResult.Completed completed(ClaimResult result) {
        assertThat(result).isInstanceOf(ClaimResult.Completed.class);
        return (ClaimResult.Completed) result;
    }

    /**
     * Calls {@code call} on a new thread that BlockHound watches, as it watches an event loop, and
     * waits for what the stage it returns completes with.
     *
     * @throws AssertionError if the call blocked (or threw) instead of returning a stage
     */
    private static <T> T onNonBlockingThread(Supplier<CompletionStage<T>> call) throws Exception {
        AtomicReference<CompletionStage<T>> stage = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = NonBlockingThreads.newThread(() -> {
            try {
                stage.set(call.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (failure.get() != null || stage.get() == null) {
            throw new AssertionError("the asynchronous call did not return a stage without blocking", failure.get());
        }
        return resultOf(stage.get());
    }

    /** Threads on which BlockHound, installed once per JVM, fails every blocking call. */
    private static final class NonBlockingThreads {
        private static final String NAME = "idempotency-contract-non-blocking";

        static {
            BlockHound.builder()
                    .nonBlockingThreadPredicate(current -> current.or(thread -> thread.getName().equals(NAME)))
                    // CompletableFuture.orTimeout schedules on a ScheduledThreadPoolExecutor, whose queue lock
                    // is held for an instant; Reactor's BlockHound integration allows it too.
                    .allowBlockingCallsInside("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue", "offer")
                    .install();
        }

        static Thread newThread(Runnable task) {
            Thread thread = new Thread(task, NAME);
            thread.setDaemon(true);
            return thread;
        }
    }

    /** Runs every task on {@code pool} and returns their results in order, failing on the first error. */
    private static <T> List<T> runAll(ExecutorService pool, List<? extends Callable<T>> tasks) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(task));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        return results;
    }
}
