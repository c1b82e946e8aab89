package io.github.idempotency.examples.servlet;

import java.time.Duration;

/** Charges a payment; the demo's stand-in for a payment provider. */
@FunctionalInterface
public interface PaymentProcessor {

    /**
     * @param payment the payment to charge
     * @throws InterruptedException if the thread is interrupted while processing
     */
    void process(Payment payment) throws InterruptedException;

    /**
     * @param latency how long each payment takes, to make concurrent retries easy to provoke
     * @return a processor that only takes its time
     */
    static PaymentProcessor withLatency(Duration latency) {
        return payment -> {
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis());
            }
        };
    }
}
