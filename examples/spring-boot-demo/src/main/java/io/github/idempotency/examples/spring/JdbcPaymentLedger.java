package io.github.idempotency.examples.spring;

import io.github.idempotency.examples.spring.Payments.Payment;
import java.util.List;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The payments in the table {@code demo_payments} of the database that also holds the idempotency
 * entries, created at startup when missing. Its writes join the caller's transaction.
 */
@Repository
@Profile("jdbc")
class JdbcPaymentLedger implements PaymentLedger {

    static final String TABLE = "demo_payments";

    private final JdbcTemplate jdbc;

    JdbcPaymentLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id VARCHAR(36) PRIMARY KEY, user_name VARCHAR(64) NOT NULL,"
                + " amount BIGINT NOT NULL, currency CHAR(3) NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)");
    }

    @Override
    public void add(String user, Payment payment) {
        jdbc.update("INSERT INTO " + TABLE + " (id, user_name, amount, currency) VALUES (?, ?, ?, ?)",
                payment.id(), user, payment.amount(), payment.currency());
    }

    @Override
    public List<Payment> of(String user) {
        return jdbc.query("SELECT id, amount, currency FROM " + TABLE + " WHERE user_name = ? ORDER BY created_at, id",
                (row, n) -> new Payment(row.getString(1), row.getLong(2), row.getString(3)), user);
    }
}
