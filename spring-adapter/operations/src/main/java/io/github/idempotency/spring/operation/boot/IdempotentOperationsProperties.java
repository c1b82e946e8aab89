package io.github.idempotency.spring.operation.boot;

import io.github.idempotency.core.StoreFailureMode;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;

/**
 * The {@code idempotency.operations.*} properties: the defaults of every {@code @IdempotentOperation}
 * method (an annotation attribute overrides its property) and the runner's settings. The store is
 * the one {@code idempotency.store.*} configures, shared with HTTP requests. Bound once at startup;
 * not thread-safe while binding.
 */
@ConfigurationProperties(prefix = "idempotency.operations")
public class IdempotentOperationsProperties {

    /**
     * How long a claim stays valid without renewal. Renewed every third of it while the method
     * runs; after a crash the key is free again once it runs out.
     */
    private Duration lease = Duration.ofSeconds(30);

    /**
     * How long an outcome is kept and returned to later calls with its key. Longer than the longest
     * time a broker may redeliver a message.
     */
    private Duration ttl = Duration.ofHours(24);

    /**
     * How long a call made while another call with the same key runs waits for that call's outcome.
     * 0 throws OperationInProgressException at once.
     */
    private Duration maxWait = Duration.ZERO;

    /** What a call does when the store cannot be reached when it claims its key. */
    private StoreFailureMode storeFailureMode = StoreFailureMode.FAIL_CLOSED;

    /** The retry hint (retryAfter) of an OperationInProgressException. */
    private Duration inProgressRetryAfter = Duration.ofSeconds(1);

    /**
     * Order of the advisor among the other advice of a method: advice with a lower value runs
     * around it. The default, the lowest precedence, equals Spring's transaction advisor's; the
     * idempotency advisor is registered after it and runs inside the method's transaction.
     */
    private int order = Ordered.LOWEST_PRECEDENCE;

    /**
     * With the JDBC store on the application's DataSource, whether a method that runs in a
     * Spring-managed read-write transaction on that DataSource claims its key and stores its
     * outcome in that transaction, so that they commit or roll back with the method's own writes.
     */
    private boolean joinTransactions = true;

    /**
     * How long a method joining a transaction waits for another transaction holding the same key
     * (it sees that transaction's outcome once it commits or rolls back); then the call fails with
     * IdempotencyStoreException. MySQL and MariaDB round it up to whole seconds.
     */
    private Duration transactionLockTimeout = Duration.ofSeconds(10);

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getMaxWait() {
        return maxWait;
    }

    public void setMaxWait(Duration maxWait) {
        this.maxWait = maxWait;
    }

    public StoreFailureMode getStoreFailureMode() {
        return storeFailureMode;
    }

    public void setStoreFailureMode(StoreFailureMode storeFailureMode) {
        this.storeFailureMode = storeFailureMode;
    }

    public Duration getInProgressRetryAfter() {
        return inProgressRetryAfter;
    }

    public void setInProgressRetryAfter(Duration inProgressRetryAfter) {
        this.inProgressRetryAfter = inProgressRetryAfter;
    }

    public int getOrder() {
        return order;
    }

    public void setOrder(int order) {
        this.order = order;
    }

    public boolean isJoinTransactions() {
        return joinTransactions;
    }

    public void setJoinTransactions(boolean joinTransactions) {
        this.joinTransactions = joinTransactions;
    }

    public Duration getTransactionLockTimeout() {
        return transactionLockTimeout;
    }

    public void setTransactionLockTimeout(Duration transactionLockTimeout) {
        this.transactionLockTimeout = transactionLockTimeout;
    }
}
