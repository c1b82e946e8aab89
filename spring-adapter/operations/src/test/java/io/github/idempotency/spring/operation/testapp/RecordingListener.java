package io.github.idempotency.spring.operation.testapp;

import io.github.idempotency.core.IdempotencyListener;
import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.RequestView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Records the runner's decisions, and whether a transaction was active when it claimed a key. */
public class RecordingListener implements IdempotencyListener {

    /**
     * @param outcome what happened
     * @param scope the operation's scope
     * @param key the operation's key header value (an sf-string)
     */
    public record Decision(Outcome outcome, String scope, String key) {
    }

    private final List<Decision> decisions = new CopyOnWriteArrayList<>();
    private final List<Boolean> claimsInTransaction = new CopyOnWriteArrayList<>();

    @Override
    public void onOutcome(Outcome outcome, RequestView request) {
        decisions.add(new Decision(outcome, request.route(), String.join(",", request.headerValues("Idempotency-Key"))));
    }

    @Override
    public void onStoreCall(StoreOperation operation, long nanos, boolean succeeded) {
        if (operation == StoreOperation.CLAIM) {
            synchronized (claimsInTransaction) {
                claimsInTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
                claimsInTransaction.notifyAll();
            }
        }
    }

    /**
     * Waits until the runner has made more than {@code count} claims.
     *
     * @param count the claims made before
     * @param timeout the longest wait
     * @return whether it did within the timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitClaimsBeyond(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (claimsInTransaction) {
            while (claimsInTransaction.size() <= count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(claimsInTransaction, left);
            }
            return true;
        }
    }

    /** @return the decisions, in order */
    public List<Decision> decisions() {
        return List.copyOf(decisions);
    }

    /** @return how many claims the runner made */
    public int claims() {
        return claimsInTransaction.size();
    }

    /** @return for each claim, in order, whether a transaction was active on the claiming thread */
    public List<Boolean> claimsInTransaction() {
        return List.copyOf(claimsInTransaction);
    }
}
