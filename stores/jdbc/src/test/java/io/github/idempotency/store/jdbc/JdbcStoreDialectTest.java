package io.github.idempotency.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of the JDBC store beyond the store contract, on every dialect. */
class JdbcStoreDialectTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(1);

    private final MutableClock clock = new MutableClock();

    @ParameterizedTest
    @EnumSource(DialectUnderTest.class)
    void purgeDeletesOnlyExpiredRowsAndAtMostMaxRowsPerCall(DialectUnderTest target) throws SQLException {
        String table = target.createTable();
        try {
            JdbcIdempotencyStore store = store(target, table);
            Set<String> live = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                acquire(store, key(), Duration.ofSeconds(10));
            }
            acquire(store, key(), LEASE).complete(response(), Duration.ofSeconds(10));
            // Expires exactly at the purge's now: expired, like a claim would see it.
            acquire(store, key(), Duration.ofSeconds(20));
            for (int i = 0; i < 2; i++) {
                EntryKey key = key();
                acquire(store, key, Duration.ofSeconds(21));
                live.add(key.digest());
            }
            EntryKey record = key();
            acquire(store, record, LEASE).complete(response(), TTL);
            live.add(record.digest());
            clock.advance(Duration.ofSeconds(20));

            List<Integer> deleted = new ArrayList<>();
            for (int call = 0; call < 4; call++) {
                deleted.add(store.purgeExpired(2));
            }

            assertThat(deleted).containsExactly(2, 2, 2, 0);
            assertThat(ids(target, table)).containsExactlyInAnyOrderElementsOf(live);
        } finally {
            target.database.dropTable(table);
        }
    }

    /** What a racing round starts from. */
    private enum Start { FRESH_KEY, LAPSED_CLAIM, EXPIRED_RECORD }

    @ParameterizedTest
    @EnumSource(DialectUnderTest.class)
    void exactlyOneOfManyConcurrentClaimsAcquiresAFreshKeyALapsedClaimOrAnExpiredRecord(DialectUnderTest target)
            throws Exception {
        int racers = 16;
        int rounds = 10;
        String table = target.createTable();
        StatementCounter counter = new StatementCounter(target.database.dataSource());
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(counter.dataSource())
                    .dialect(target.dialect).tableName(table).clock(clock).build();
            Map<Start, String> statementsPerClaim = new EnumMap<>(Start.class);
            for (Start from : Start.values()) {
                int statements = 0;
                for (int round = 0; round < rounds; round++) {
                    EntryKey key = key();
                    Long staleToken = null;
                    if (from != Start.FRESH_KEY) {
                        Claim stale = acquire(store, key, Duration.ofSeconds(1));
                        staleToken = stale.fencingToken();
                        if (from == Start.EXPIRED_RECORD) {
                            assertThat(stale.complete(response(), Duration.ofSeconds(1))).isTrue();
                        }
                        clock.advance(Duration.ofSeconds(2));
                    }
                    counter.takeStatements();
                    List<Fingerprint> fingerprints = new ArrayList<>();
                    List<Future<ClaimResult>> futures = new ArrayList<>();
                    CyclicBarrier barrier = new CyclicBarrier(racers);
                    for (int i = 0; i < racers; i++) {
                        ClaimRequest request = new ClaimRequest(key, fingerprint(), LEASE);
                        fingerprints.add(request.fingerprint());
                        Callable<ClaimResult> claim = () -> {
                            barrier.await(10, TimeUnit.SECONDS);
                            return store.claim(request);
                        };
                        futures.add(pool.submit(claim));
                    }
                    List<ClaimResult> results = new ArrayList<>();
                    for (Future<ClaimResult> future : futures) {
                        results.add(future.get(30, TimeUnit.SECONDS));
                    }
                    statements += counter.takeStatements().size();

                    List<Integer> winners = new ArrayList<>();
                    for (int i = 0; i < racers; i++) {
                        if (results.get(i) instanceof ClaimResult.Acquired acquired) {
                            assertThat(acquired.claim().fencingToken()).isNotEqualTo(staleToken);
                            winners.add(i);
                        }
                    }
                    assertThat(winners).as("racers that acquired %s (%s) in round %d", key, from, round).hasSize(1);
                    Fingerprint winner = fingerprints.get(winners.get(0));
                    for (ClaimResult result : results) {
                        if (!(result instanceof ClaimResult.Acquired)) {
                            assertThat(result).isInstanceOfSatisfying(ClaimResult.InFlight.class,
                                    inFlight -> assertThat(inFlight.fingerprint()).isEqualTo(winner));
                        }
                    }
                }
                statementsPerClaim.put(from, String.format(Locale.ROOT, "%.2f", (double) statements / (rounds * racers)));
            }
            System.out.printf("Statements per claim, %d racers on one key, %s dialect: %s%n",
                    racers, target.dialect, statementsPerClaim);
        } finally {
            pool.shutdownNow();
            target.database.dropTable(table);
        }
    }

    @ParameterizedTest
    @EnumSource(DialectUnderTest.class)
    void databaseTimeIsEpochMillisecondsWhateverTheSessionTimeZone(DialectUnderTest target) {
        String table = target.createTable();
        try (HikariDataSource farEast = target.database.newPoolInTimeZone("+13:00")) {
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(farEast)
                    .dialect(target.dialect).tableName(table).timeSource(TimeSource.DATABASE).build();
            EntryKey key = key();
            long before = System.currentTimeMillis();
            Claim claim = acquire(store, key, LEASE);
            ClaimResult.InFlight inFlight = (ClaimResult.InFlight) store.claim(new ClaimRequest(key, fingerprint(), LEASE));
            long after = System.currentTimeMillis();

            // The database runs on this machine: its clock agrees with the JVM's to well under a second.
            assertThat(inFlight.leaseExpiresAt().toEpochMilli())
                    .isBetween(before + LEASE.toMillis() - 1_000, after + LEASE.toMillis() + 1_000);
            assertThat(claim.complete(response(), TTL)).isTrue();
            ClaimResult.Completed record = (ClaimResult.Completed) store.claim(new ClaimRequest(key, fingerprint(), LEASE));
            assertThat(record.expiresAt().toEpochMilli())
                    .isBetween(before + TTL.toMillis() - 1_000, System.currentTimeMillis() + TTL.toMillis() + 1_000);
        } finally {
            target.database.dropTable(table);
        }
    }

    private JdbcIdempotencyStore store(DialectUnderTest target, String table) {
        return JdbcIdempotencyStore.builder(target.database.dataSource())
                .dialect(target.dialect).tableName(table).clock(clock).build();
    }

    private static Set<String> ids(DialectUnderTest target, String table) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection connection = target.database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static Claim acquire(JdbcIdempotencyStore store, EntryKey key, Duration lease) {
        ClaimResult result = store.claim(new ClaimRequest(key, fingerprint(), lease));
        assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
        return ((ClaimResult.Acquired) result).claim();
    }

    private static EntryKey key() {
        return new EntryKey("dialect-test", UUID.randomUUID().toString());
    }

    private static Fingerprint fingerprint() {
        return Fingerprint.of(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    }

    private static StoredResponse response() {
        return new StoredResponse(200, List.of(), "done".getBytes(StandardCharsets.UTF_8));
    }
}
