package io.github.idempotency.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.store.Claim;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStoreException;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresqlTransactionalTest extends TransactionalStoreTest {
    PostgresqlTransactionalTest() {
        super(DialectUnderTest.POSTGRESQL, Connection.TRANSACTION_READ_COMMITTED);
    }

    /**
     * Outside {@code READ COMMITTED}, PostgreSQL cannot let a statement act on a row committed after
     * the transaction's snapshot: the duplicate fails instead of answering, and its transaction is
     * retried as any serialization failure is.
     */
    @Test
    void atRepeatableReadADuplicateThatWaitedFailsWithASerializationFailureAndTheWorkRunsOnce() throws Exception {
        EntryKey key = key();
        Duplicate duplicate;
        try (Transaction first = new Transaction()) {
            Claim claim = acquired(first.claim(key));
            first.writeLedger(key);
            assertThat(claim.complete(RESPONSE, TTL)).isTrue();
            duplicate = startDuplicate(key, Connection.TRANSACTION_REPEATABLE_READ);
            awaitWaiting(Set.of(duplicate.session().get(WAIT_SECONDS, TimeUnit.SECONDS)));
            first.commit();
        }

        assertThat(duplicate.result()).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(IdempotencyStoreException.class)
                .withMessageStartingWith("JDBC idempotency store: claim on table ")
                .withMessageContaining("failed (SQL state 40001)");
        assertThat(ledgerRows(key)).isOne();
        assertThat(runOnce(key, Connection.TRANSACTION_REPEATABLE_READ)).isInstanceOf(ClaimResult.Completed.class);
    }
}
