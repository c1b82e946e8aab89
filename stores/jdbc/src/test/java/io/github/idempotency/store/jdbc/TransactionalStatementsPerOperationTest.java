package io.github.idempotency.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Counts the statements (round trips) each operation of the transactional mode takes in one
 * transaction, without contention, and how often it asks for the transaction's connection; pins
 * them per dialect. A statement is named by its first keyword: on PostgreSQL each statement that
 * can wait is sent as one round trip that begins with {@code SELECT set_config(...)}, on MariaDB it
 * begins with {@code SET STATEMENT}; on MySQL and H2 the session's lock timeout is read and set
 * around the operation.
 */
class TransactionalStatementsPerOperationTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final StoredResponse RESPONSE = new StoredResponse(201, List.of(), new byte[] {1, 2, 3});

    @ParameterizedTest
    @EnumSource(DialectUnderTest.class)
    void everyOperationTakesTheDialectsStatementsOnTheTransactionsConnection(DialectUnderTest target)
            throws SQLException {
        String table = target.createTable();
        StatementCounter counter = new StatementCounter(target.database.dataSource());
        MutableClock clock = new MutableClock();
        try (Connection connection = counter.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            AtomicInteger connectionCalls = new AtomicInteger();
            TransactionalJdbcIdempotencyStore store = JdbcIdempotencyStore.builder(target.database.dataSource())
                    .dialect(target.dialect).tableName(table).clock(clock).build()
                    .transactional(() -> {
                        connectionCalls.incrementAndGet();
                        return connection;
                    });
            Map<String, List<String>> statements = new LinkedHashMap<>();
            Map<String, Integer> connections = new LinkedHashMap<>();
            counter.takeStatements();

            EntryKey key = key();
            Claim claim = acquired(store.claim(request(key, LEASE)));
            record("claim, acquired", counter, connectionCalls, statements, connections);
            assertThat(store.claim(request(key, LEASE))).isInstanceOf(ClaimResult.InFlight.class);
            record("claim, in flight", counter, connectionCalls, statements, connections);
            assertThat(claim.renew(LEASE)).isTrue();
            record("renew", counter, connectionCalls, statements, connections);
            assertThat(claim.complete(RESPONSE, Duration.ofHours(1))).isTrue();
            record("complete", counter, connectionCalls, statements, connections);
            Claim toRelease = acquired(store.claim(request(key(), LEASE)));
            counter.takeStatements();
            connectionCalls.set(0);
            assertThat(toRelease.release()).isTrue();
            record("release", counter, connectionCalls, statements, connections);

            EntryKey expiring = key();
            acquired(store.claim(request(expiring, Duration.ofSeconds(1))));
            clock.advance(Duration.ofSeconds(2));
            counter.takeStatements();
            connectionCalls.set(0);
            acquired(store.claim(request(expiring, LEASE)));
            record("claim, takeover", counter, connectionCalls, statements, connections);
            connection.rollback();

            System.out.printf("Statements per operation in transactional mode, %s dialect: %s%n", target.dialect, statements);
            assertThat(statements).containsExactlyEntriesOf(expected(target.dialect));
            Map<String, Integer> onePerOperation = new LinkedHashMap<>();
            statements.keySet().forEach(operation -> onePerOperation.put(operation, operation.equals("renew") ? 0 : 1));
            assertThat(connections).as("connections asked for per operation").containsExactlyEntriesOf(onePerOperation);
        } finally {
            target.database.dropTable(table);
        }
    }

    /** The statements of one operation that runs {@code keywords}, each a statement that can wait. */
    private static List<String> around(JdbcDialect dialect, String... keywords) {
        return switch (dialect) {
            case POSTGRESQL -> Stream.of(keywords).map(keyword -> "SELECT").toList();
            case MARIADB -> Stream.of(keywords).map(keyword -> "SET").toList();
            case MYSQL, H2 -> {
                List<String> statements = new ArrayList<>(List.of("SELECT", "SET"));
                statements.addAll(List.of(keywords));
                statements.add("SET");
                yield statements;
            }
        };
    }

    private static Map<String, List<String>> expected(JdbcDialect dialect) {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("claim, acquired", around(dialect, "INSERT"));
        // PostgreSQL's read of the row cannot wait, and is sent as it is.
        List<String> claimFound = dialect == JdbcDialect.POSTGRESQL
                ? List.of("SELECT", "SELECT")
                : around(dialect, "INSERT", "SELECT");
        expected.put("claim, in flight", claimFound);
        expected.put("renew", List.of());
        expected.put("complete", around(dialect, "UPDATE"));
        expected.put("release", around(dialect, "DELETE"));
        expected.put("claim, takeover", dialect == JdbcDialect.POSTGRESQL
                ? List.of("SELECT", "SELECT", "SELECT")
                : around(dialect, "INSERT", "SELECT", "UPDATE"));
        return expected;
    }

    private static void record(String operation, StatementCounter counter, AtomicInteger connectionCalls,
            Map<String, List<String>> statements, Map<String, Integer> connections) {
        statements.put(operation, counter.takeStatements());
        connections.put(operation, connectionCalls.getAndSet(0));
    }

    private static ClaimRequest request(EntryKey key, Duration lease) {
        return new ClaimRequest(key, Fingerprint.of(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)), lease);
    }

    private static EntryKey key() {
        return new EntryKey("count", UUID.randomUUID().toString());
    }

    private static Claim acquired(ClaimResult result) {
        assertThat(result).isInstanceOf(ClaimResult.Acquired.class);
        return ((ClaimResult.Acquired) result).claim();
    }
}
