package io.github.idempotency.store.redis;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The Lua scripts behind the store operations, one per operation, each run atomically by Redis
 * on the single key {@code KEYS[1]} that holds one entry.
 *
 * <p>An entry is a hash. A claim has the fields {@code state} = {@code claim}, {@code fingerprint}
 * and {@code token} (the fencing token in decimal); a record has {@code state} = {@code record},
 * {@code fingerprint}, {@code response} (the encoded stored response) and the {@code token} of the
 * claim it completed. The key's own expiry is the lease of a claim and the time to live of a
 * record, so an expired claim or record is simply absent.
 *
 * <p>Running a script a second time with the same arguments gives the same answer as the first
 * run: Lettuce, by default, sends again after a reconnect every command whose reply the broken
 * connection lost, although Redis may have run it already. A claim run again finds its own token
 * and is still acquired (not reported in flight, which would block the key for a lease with no one
 * holding it); a complete run again finds the response its first run stored and reports it stored.
 * The one exception is evict, an administrative command: run again, it finds nothing left to
 * delete and replies 0.
 */
enum EntryScript {

    /**
     * ARGV: fingerprint, fencing token, lease in milliseconds. Replies {@code {0}} when it created
     * the claim (or finds the claim with this very token, created by an earlier run of the same
     * command), {@code {1, fingerprint, pttl}} for another live claim and
     * {@code {2, fingerprint, pttl, response}} for a record.
     */
    CLAIM(ScriptOutputType.MULTI, """
            local entry = redis.call('HMGET', KEYS[1], 'state', 'fingerprint', 'response', 'token')
            if entry[1] == 'claim' then
              if entry[4] == ARGV[2] then
                return {0}
              end
              return {1, entry[2], redis.call('PTTL', KEYS[1])}
            elseif entry[1] == 'record' then
              return {2, entry[2], redis.call('PTTL', KEYS[1]), entry[3]}
            elseif entry[1] then
              return redis.error_reply('entry ' .. KEYS[1] .. ' has the unknown state ' .. entry[1])
            end
            redis.call('HSET', KEYS[1], 'state', 'claim', 'fingerprint', ARGV[1], 'token', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return {0}
            """),

    /**
     * ARGV: fencing token, encoded response, time to live in milliseconds. Replies 1 when it stored
     * the response, or finds this very response stored by an earlier run with the same token;
     * else 0 (a different response never replaces a record).
     */
    COMPLETE(ScriptOutputType.INTEGER, """
            local entry = redis.call('HMGET', KEYS[1], 'state', 'token', 'response')
            if entry[2] ~= ARGV[1] then
              return 0
            elseif entry[1] == 'record' then
              if entry[3] == ARGV[2] then
                return 1
              end
              return 0
            elseif entry[1] ~= 'claim' then
              return 0
            end
            redis.call('HSET', KEYS[1], 'state', 'record', 'response', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """),

    /** ARGV: fencing token. Replies 1 or 0. */
    RELEASE(ScriptOutputType.INTEGER, ifHeld("""
            redis.call('DEL', KEYS[1])
            """)),

    /** ARGV: fencing token, lease in milliseconds. Replies 1 or 0. */
    RENEW(ScriptOutputType.INTEGER, ifHeld("""
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            """)),

    /**
     * No ARGV. Replies {@code {0}} for no entry, {@code {1, fingerprint, pttl}} for a claim and
     * {@code {2, fingerprint, pttl, status, body length}} for a record: the status and the body
     * length are read from the encoded response (see {@code StoredResponseCodec}) on the server,
     * so neither the body nor a header line is sent.
     */
    INSPECT(ScriptOutputType.MULTI, """
            local entry = redis.call('HMGET', KEYS[1], 'state', 'fingerprint')
            if not entry[1] then
              return {0}
            end
            local pttl = redis.call('PTTL', KEYS[1])
            if entry[1] == 'claim' then
              return {1, entry[2], pttl}
            elseif entry[1] ~= 'record' then
              return redis.error_reply('entry ' .. KEYS[1] .. ' has the unknown state ' .. entry[1])
            end
            local response = redis.call('HGET', KEYS[1], 'response')
            if string.sub(response, 1, 3) ~= 'IK\1' then
              return redis.error_reply('entry ' .. KEYS[1] .. ' does not hold an encoded response of version 1')
            end
            local function u32(at)
              if at + 3 > #response then
                error('the encoded response of entry ' .. KEYS[1] .. ' is truncated at offset ' .. (at - 1))
              end
              local a, b, c, d = string.byte(response, at, at + 3)
              return ((a * 256 + b) * 256 + c) * 256 + d
            end
            local at = 10
            for _ = 1, 2 * u32(6) do
              at = at + 4 + u32(at)
            end
            return {2, entry[2], pttl, string.byte(response, 4) * 256 + string.byte(response, 5), u32(at)}
            """),

    /** No ARGV. Deletes the entry, whatever it holds; replies 1 if there was one, else 0. */
    EVICT(ScriptOutputType.INTEGER, """
            return redis.call('DEL', KEYS[1])
            """);

    private final ScriptOutputType output;
    private final byte[] source;
    private final String sha1;

    EntryScript(ScriptOutputType output, String source) {
        this.output = output;
        this.source = source.getBytes(StandardCharsets.UTF_8);
        this.sha1 = sha1Hex(this.source);
    }

    /**
     * Wraps {@code action} in the fencing check shared by release and renew: the action
     * runs, and the script replies 1, only while the entry is a claim whose token equals ARGV[1];
     * otherwise nothing changes and the script replies 0.
     */
    private static String ifHeld(String action) {
        return """
                local entry = redis.call('HMGET', KEYS[1], 'state', 'token')
                if entry[1] ~= 'claim' or entry[2] ~= ARGV[1] then
                  return 0
                end
                """ + action + "return 1\n";
    }

    private static String sha1Hex(byte[] source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }

    /** @return the reply type Lettuce decodes */
    ScriptOutputType output() {
        return output;
    }

    /** @return the Lua source, as sent by {@code SCRIPT LOAD} */
    byte[] source() {
        return source.clone();
    }

    /** @return the lowercase hex SHA-1 of the source, the name {@code EVALSHA} runs it by */
    String sha1() {
        return sha1;
    }

    /** @return the operation name used in messages */
    String operation() {
        return name().toLowerCase(Locale.ROOT);
    }
}
