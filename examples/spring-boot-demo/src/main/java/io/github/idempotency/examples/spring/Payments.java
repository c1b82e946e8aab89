package io.github.idempotency.examples.spring;

import io.github.idempotency.spring.operation.IdempotentOperation;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Makes a payment once per {@code Idempotency-Key} of the request that asks for it: without a key
 * of its own, {@code @IdempotentOperation} takes the key (and the scope: user, method, route) of
 * the {@code @Idempotent} request being served. With a database ({@code IDEMPOTENCY_STORE=postgresql}
 * or {@code jdbc}) the method runs in a transaction, and the payment row and the operation's record
 * commit together; so when the process dies after the commit and before the HTTP response is
 * stored, the retry runs the handler again but gets this payment back, and no second payment is
 * written. Without a database there is no transaction manager, and the payment and the record are
 * kept in memory.
 */
@Service
public class Payments {

    private final PaymentLedger ledger;

    Payments(PaymentLedger ledger) {
        this.ledger = ledger;
    }

    /** What a user asks to pay. */
    record PaymentRequest(@NotNull @Positive Long amount, @NotNull @Pattern(regexp = "[A-Z]{3}") String currency) {
    }

    /** A payment made. */
    record Payment(String id, long amount, String currency) {
    }

    /**
     * @param user who pays
     * @param request what
     * @return the payment: new, or the one made for an earlier attempt of the same request
     */
    @Transactional
    @IdempotentOperation(scope = "payments.create")
    public Payment create(String user, PaymentRequest request) {
        Payment payment = new Payment(UUID.randomUUID().toString(), request.amount(), request.currency());
        ledger.add(user, payment);
        return payment;
    }
}
