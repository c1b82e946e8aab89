package io.github.idempotency.store.jdbc;

import static io.github.idempotency.core.store.Stages.failureOf;
import static io.github.idempotency.core.store.Stages.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.ClaimRequest;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStoreException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who runs the asynchronous calls: the store's own bounded executor, or the application's. */
class JdbcStoreAsyncExecutorTest {

    private String table;

    @BeforeEach
    void createTable() {
        table = DialectUnderTest.H2.createTable();
    }

    @AfterEach
    void dropTable() {
        TestDatabase.H2.dropTable(table);
    }

    @Test
    void asyncCallsRunOnAtMostAsyncThreadsDaemonThreadsThatCloseEnds() throws Exception {
        Thread test = Thread.currentThread();
        Set<Thread> callers = ConcurrentHashMap.newKeySet();
        CountDownLatch twoRunning = new CountDownLatch(2);
        DataSource watched = InterceptedDataSource.of(TestDatabase.H2.dataSource(), () -> {
            callers.add(Thread.currentThread());
            if (Thread.currentThread() != test) {
                // The first asynchronous call holds its thread until a second thread runs one.
                twoRunning.countDown();
                twoRunning.await(10, TimeUnit.SECONDS);
            }
        });
        JdbcIdempotencyStore store = store(JdbcIdempotencyStore.builder(watched).asyncThreads(2));

        store.claim(request());
        assertThat(callers).as("the blocking claim runs on the caller").containsExactly(Thread.currentThread());
        callers.clear();
        List<CompletionStage<ClaimResult>> claims = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            claims.add(store.claimAsync(request()));
        }
        for (CompletionStage<ClaimResult> claim : claims) {
            assertThat(resultOf(claim)).isInstanceOf(ClaimResult.Acquired.class);
        }

        assertThat(callers).hasSize(2).allSatisfy(thread -> {
            assertThat(thread.getName()).matches("idempotency-jdbc-\\d+");
            assertThat(thread.isDaemon()).isTrue();
        });
        store.close();
        for (Thread thread : callers) {
            thread.join(10_000);
            assertThat(thread.isAlive()).as("%s after close", thread.getName()).isFalse();
        }
    }

    @Test
    void aSaturatedExecutorFailsTheStageAtOnceNamingTheBuilderOption() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DataSource stalled = InterceptedDataSource.of(TestDatabase.H2.dataSource(), () -> {
            running.countDown();
            release.await(10, TimeUnit.SECONDS);
            throw new SQLException("released", "08006");
        });
        try (JdbcIdempotencyStore store = store(JdbcIdempotencyStore.builder(stalled).asyncThreads(1))) {
            List<CompletionStage<ClaimResult>> accepted = new ArrayList<>();
            accepted.add(store.claimAsync(request()));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < JdbcIdempotencyStore.ASYNC_QUEUE_CAPACITY; i++) {
                accepted.add(store.claimAsync(request()));
            }

            CompletionStage<ClaimResult> refused = store.claimAsync(request());

            assertThat(refused.toCompletableFuture().isCompletedExceptionally()).as("failed at once").isTrue();
            assertThat(failureOf(refused))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("JDBC idempotency store: claim on table " + table + " refused: the JDBC store's asynchronous"
                            + " executor is saturated (1 thread busy, 1024 calls waiting); raise"
                            + " JdbcIdempotencyStore.Builder.asyncThreads(int) (and the connection pool with it) or give an"
                            + " executor with asyncExecutor(Executor)")
                    .hasCauseInstanceOf(RejectedExecutionException.class);
            release.countDown();
            for (CompletionStage<ClaimResult> claim : accepted) {
                assertThat(failureOf(claim)).isInstanceOf(IdempotencyStoreException.class).hasMessageEndingWith("released");
            }
        }
    }

    @Test
    void afterCloseAsyncCallsFailAndBlockingOnesStillWork() throws Exception {
        JdbcIdempotencyStore store = store(JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource()));
        ClaimResult.Acquired acquired = (ClaimResult.Acquired) resultOf(store.claimAsync(request()));

        store.close();
        store.close();

        assertThat(failureOf(store.claimAsync(request())))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessage("JDBC idempotency store: claim on table " + table + " refused: the store is closed");
        assertThat(failureOf(acquired.claim().releaseAsync()))
                .hasMessage("JDBC idempotency store: release on table " + table + " refused: the store is closed");
        assertThat(acquired.claim().release()).isTrue();
        assertThat(store.claim(request())).isInstanceOf(ClaimResult.Acquired.class);
    }

    @Test
    void anApplicationExecutorRunsTheAsyncCallsAndCloseLeavesItRunning() throws Exception {
        Set<String> callers = ConcurrentHashMap.newKeySet();
        DataSource watched = InterceptedDataSource.of(TestDatabase.H2.dataSource(),
                () -> callers.add(Thread.currentThread().getName()));
        ExecutorService application = Executors.newSingleThreadExecutor(task -> new Thread(task, "application-executor"));
        try {
            JdbcIdempotencyStore store = store(JdbcIdempotencyStore.builder(watched).asyncExecutor(application));

            assertThat(resultOf(store.claimAsync(request()))).isInstanceOf(ClaimResult.Acquired.class);
            store.close();

            assertThat(application.isShutdown()).isFalse();
            assertThat(resultOf(store.claimAsync(request()))).isInstanceOf(ClaimResult.Acquired.class);
            assertThat(callers).containsExactly("application-executor");
        } finally {
            application.shutdownNow();
        }
    }

    @Test
    void aRejectionByTheApplicationExecutorFailsTheStageNamingIt() {
        JdbcIdempotencyStore store = store(JdbcIdempotencyStore.builder(TestDatabase.H2.dataSource()).asyncExecutor(task -> {
            throw new RejectedExecutionException("queue full");
        }));

        assertThat(failureOf(store.claimAsync(request())))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessage("JDBC idempotency store: claim on table " + table + " refused: the executor given to"
                        + " JdbcIdempotencyStore.Builder.asyncExecutor(Executor) rejected it (queue full)");
    }

    private JdbcIdempotencyStore store(JdbcIdempotencyStore.Builder builder) {
        return builder.dialect(JdbcDialect.H2).tableName(table).build();
    }

    private static ClaimRequest request() {
        return new ClaimRequest(new EntryKey("async-executor-test", UUID.randomUUID().toString()),
                Fingerprint.of(new byte[] {1}), Duration.ofSeconds(30));
    }
}
