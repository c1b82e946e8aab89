package io.github.idempotency.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Counts the statements (round trips) and connections each store operation takes, without
 * contention, and pins them per dialect.
 */
class StatementsPerOperationTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final StoredResponse RESPONSE = new StoredResponse(201, List.of(), new byte[] {1, 2, 3});

    @ParameterizedTest
    @EnumSource(DialectUnderTest.class)
    void everyOperationTakesTheDialectsStatementsOnOneConnection(DialectUnderTest target) {
        String table = target.createTable();
        try {
            StatementCounter counter = new StatementCounter(target.database.dataSource());
            MutableClock clock = new MutableClock();
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(counter.dataSource())
                    .dialect(target.dialect).tableName(table).clock(clock).build();
            Map<String, List<String>> statements = new LinkedHashMap<>();
            Map<String, Integer> connections = new LinkedHashMap<>();
            EntryKey key = new EntryKey("count", UUID.randomUUID().toString());

            Claim claim = acquired(store.claim(request(key)));
            record("claim, acquired", counter, statements, connections);
            assertThat(store.claim(request(key))).isInstanceOf(ClaimResult.InFlight.class);
            record("claim, in flight", counter, statements, connections);
            assertThat(claim.renew(LEASE)).isTrue();
            record("renew", counter, statements, connections);
            assertThat(claim.complete(RESPONSE, Duration.ofHours(1))).isTrue();
            record("complete", counter, statements, connections);
            assertThat(store.claim(request(key))).isInstanceOf(ClaimResult.Completed.class);
            record("claim, completed", counter, statements, connections);
            assertThat(store.inspect(key)).isPresent();
            record("inspect", counter, statements, connections);
            assertThat(store.evict(key)).isTrue();
            record("evict", counter, statements, connections);

            EntryKey released = new EntryKey("count", UUID.randomUUID().toString());
            Claim toRelease = acquired(store.claim(request(released)));
            counter.takeStatements();
            counter.takeConnections();
            assertThat(toRelease.release()).isTrue();
            record("release", counter, statements, connections);

            EntryKey expiring = new EntryKey("count", UUID.randomUUID().toString());
            acquired(store.claim(new ClaimRequest(expiring, fingerprint(), Duration.ofSeconds(1))));
            clock.advance(Duration.ofSeconds(2));
            counter.takeStatements();
            counter.takeConnections();
            acquired(store.claim(request(expiring)));
            record("claim, takeover", counter, statements, connections);
            clock.advance(Duration.ofMinutes(1));
            assertThat(store.purgeExpired(100)).isEqualTo(1);
            record("purgeExpired", counter, statements, connections);

            System.out.printf("Statements per operation, %s dialect: %s%n", target.dialect, statements);
            assertThat(statements).containsExactlyEntriesOf(expected(target.dialect));
            assertThat(connections.values()).as("connections per operation %s", connections).containsOnly(1);
        } finally {
            target.database.dropTable(table);
        }
    }

    private static Map<String, List<String>> expected(JdbcDialect dialect) {
        List<String> claimAcquired = switch (dialect) {
            case POSTGRESQL -> List.of("WITH");
            case MARIADB -> List.of("INSERT");
            case MYSQL -> List.of("INSERT", "SELECT");
            case H2 -> List.of("SELECT");
        };
        List<String> claimFound = switch (dialect) {
            case POSTGRESQL -> List.of("WITH");
            case MARIADB -> List.of("INSERT");
            case MYSQL -> List.of("INSERT", "SELECT");
            case H2 -> List.of("SELECT", "SELECT");
        };
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("claim, acquired", claimAcquired);
        expected.put("claim, in flight", claimFound);
        expected.put("renew", List.of("UPDATE"));
        expected.put("complete", List.of("UPDATE"));
        expected.put("claim, completed", claimFound);
        expected.put("inspect", List.of("SELECT"));
        expected.put("evict", List.of("DELETE"));
        expected.put("release", List.of("DELETE"));
        expected.put("claim, takeover", claimAcquired);
        expected.put("purgeExpired", List.of("DELETE"));
        return expected;
    }

    private static void record(String operation, StatementCounter counter,
            Map<String, List<String>> statements, Map<String, Integer> connections) {
        statements.put(operation, counter.takeStatements());
        connections.put(operation, counter.takeConnections());
    }

    private static ClaimRequest request(EntryKey key) {
        return new ClaimRequest(key, fingerprint(), LEASE);
    }

    private static Fingerprint fingerprint() {
        return Fingerprint.of(UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Claim acquired(ClaimResult result) {
        assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
        return ((ClaimResult.Acquired) result).claim();
    }
}
