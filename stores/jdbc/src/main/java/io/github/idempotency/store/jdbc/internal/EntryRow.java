package io.github.idempotency.store.jdbc.internal;

import io.github.idempotency.core.fingerprint.Fingerprint;
import io.github.idempotency.core.store.ClaimResult;
import io.github.idempotency.core.store.EntrySummary;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.StoredResponseCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * One row of the entries table as a claim statement saw it, with the time the statement ran at.
 *
 * @param state {@link #CLAIM} or {@link #RECORD}
 * @param fingerprint the fingerprint bytes of the request that claimed
 * @param fencingToken the token of the claim that made the row
 * @param expiresAt lease end of a claim or TTL end of a record, epoch milliseconds
 * @param response the encoded response of a record (or its first bytes, as an inspection reads
 *     them), {@code null} for a claim
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

    /**
     * What an inspection that read this row reports.
     *
     * @param tableName the entries table, for the message of a row that cannot be read
     * @param id the row id, for the same message
     * @param wholeResponse whether {@link #response()} is the whole encoded response, or only its
     *     first bytes
     * @return the summary; empty when {@link #response()} holds only first bytes and they end
     *     before the body length, so that the whole response must be read
     * @throws IdempotencyStoreException if the row is not a valid entry
     */
    public Optional<EntrySummary> summary(String tableName, String id, boolean wholeResponse) {
        try {
            Fingerprint holder = Fingerprint.of(fingerprint);
            Instant expiry = Instant.ofEpochMilli(expiresAt);
            return switch (state) {
                case CLAIM -> Optional.of(new EntrySummary.InFlight(holder, expiry));
                case RECORD -> {
                    if (response == null) {
                        throw new IllegalArgumentException("a completed record without a response");
                    }
                    Optional<StoredResponseCodec.Outline> outline = StoredResponseCodec.outline(response);
                    if (outline.isEmpty() && wholeResponse) {
                        throw new IllegalArgumentException("the encoded response is truncated");
                    }
                    yield outline.map(o -> new EntrySummary.Completed(holder, expiry, o.status(), o.bodyBytes()));
                }
                default -> throw new IllegalArgumentException("unknown state '" + state + "'");
            };
        } catch (IllegalArgumentException e) {
            throw unreadable(tableName, id, e);
        }
    }

    /**
     * What a claim that found this row, held by another claim or completed, answers.
     *
     * @param tableName the entries table, for the message of a row that cannot be read
     * @param id the row id, for the same message
     * @return {@link ClaimResult.InFlight} for a claim, {@link ClaimResult.Completed} for a record
     * @throws IdempotencyStoreException if the row is not a valid entry
     */
    public ClaimResult found(String tableName, String id) {
        try {
            Fingerprint holder = Fingerprint.of(fingerprint);
            Instant expiry = Instant.ofEpochMilli(expiresAt);
            return switch (state) {
                case CLAIM -> new ClaimResult.InFlight(holder, expiry);
                case RECORD -> {
                    if (response == null) {
                        throw new IllegalArgumentException("a completed record without a response");
                    }
                    yield new ClaimResult.Completed(holder, StoredResponseCodec.decode(response), expiry);
                }
                default -> throw new IllegalArgumentException("unknown state '" + state + "'");
            };
        } catch (IllegalArgumentException e) {
            throw unreadable(tableName, id, e);
        }
    }

    private static IdempotencyStoreException unreadable(String tableName, String id, IllegalArgumentException e) {
        return new IdempotencyStoreException("JDBC idempotency store: row " + id + " of table " + tableName
                + " cannot be read as an entry: " + e.getMessage(), e);
    }
}
