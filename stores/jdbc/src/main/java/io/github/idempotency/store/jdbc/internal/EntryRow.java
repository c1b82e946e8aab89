package io.github.idempotency.store.jdbc.internal;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One row of the entries table as a claim statement saw it, with the time the statement ran at.
 *
 * @param state {@link #CLAIM} or {@link #RECORD}
 * @param fingerprint the fingerprint bytes of the request that claimed
 * @param fencingToken the token of the claim that made the row
 * @param expiresAt lease end of a claim or TTL end of a record, epoch milliseconds
 * @param response the encoded response of a record, {@code null} for a claim
 * @param now the statement's current time, epoch milliseconds
 */
public record EntryRow(String state, byte[] fingerprint, long fencingToken, long expiresAt, byte[] response, long now) {

    /** The state of an in-flight claim. */
    public static final String CLAIM = "CLAIM";

    /** The state of a completed record. */
    public static final String RECORD = "RECORD";

    /** Reads the current row of a result set with the columns every claim statement selects. */
    static EntryRow read(ResultSet rs) throws SQLException {
        return new EntryRow(
                rs.getString("state"),
                rs.getBytes("fingerprint"),
                rs.getLong("fencing_token"),
                rs.getLong("expires_at"),
                rs.getBytes("response"),
                rs.getLong("now_ms"));
    }

    /** @return whether the row had expired when the statement ran */
    public boolean expired() {
        return expiresAt <= now;
    }
}
