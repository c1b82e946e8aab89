#!/usr/bin/env bash
# Measures what the local Redis and PostgreSQL servers can do on their own, with their own
# benchmark tools, to set the end-to-end figures of the Redis and JDBC stores beside them.
#
#   benchmarks/store-limits.sh [--short]
#
# Redis (127.0.0.1:6379): SET and GET, then one EVALSHA of a claim-shaped Lua script (read the
# hash, create it, set its expiry) on random keys that expire after 60 s.
# PostgreSQL (127.0.0.1:5432, user postgres): in a scratch database created for the run and
# dropped after it, pgbench's select-only run, an INSERT of an entry-shaped row, and an INSERT
# followed by an UPDATE of the same row (what the JDBC store does for a request with a new key).
# 16 clients each, like a server with 16 busy request threads.
set -euo pipefail

seconds=10
requests=100000
if [[ ${1:-} == --short ]]; then
  seconds=5
  requests=50000
fi
clients=16

echo "== redis-benchmark, $clients clients, $requests requests each"
# -q still prints progress lines ended by CR when the output is not a terminal: keep the totals.
totals() { tr '\r' '\n' | grep 'requests per second' | sed 's/^ *//'; }
redis-benchmark -q -n "$requests" -t set,get -P 1 -c "$clients" | totals
claim=$(redis-cli SCRIPT LOAD "
local entry = redis.call('HMGET', KEYS[1], 'state', 'fingerprint')
if entry[1] then return {1, entry[2]} end
redis.call('HSET', KEYS[1], 'state', 'claim', 'fingerprint', ARGV[1], 'token', ARGV[2])
redis.call('PEXPIRE', KEYS[1], 60000)
return {0}")
redis-benchmark -q -n "$requests" -c "$clients" -r 100000000 \
  EVALSHA "$claim" 1 'bench-claim:__rand_int__' fingerprint-of-the-request 1234567890 \
  | totals | sed 's/^EVALSHA.*: \([0-9.]* requests per second\)/EVALSHA claim: \1/'
redis-cli DEL key:__rand_int__ >/dev/null

db=idempotency_bench_$$
psql=(psql -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1)
createdb -h 127.0.0.1 -U postgres "$db"
trap 'dropdb -h 127.0.0.1 -U postgres --if-exists "$db"' EXIT
"${psql[@]}" -d "$db" -c "
CREATE TABLE entries (
    id            CHAR(64)   NOT NULL PRIMARY KEY,
    state         VARCHAR(6) NOT NULL,
    fingerprint   BYTEA      NOT NULL,
    fencing_token BIGINT     NOT NULL,
    expires_at    BIGINT     NOT NULL,
    response      BYTEA,
    created_at    BIGINT     NOT NULL);
CREATE INDEX entries_expires_at_idx ON entries (expires_at);"
pgbench -q -i -s 1 -h 127.0.0.1 -U postgres "$db" 2>/dev/null

scripts=$(mktemp -d)
trap 'rm -rf "$scripts"; dropdb -h 127.0.0.1 -U postgres --if-exists "$db"' EXIT
cat > "$scripts/insert.sql" <<'SQL'
\set n random(1, 9000000000000000000)
INSERT INTO entries (id, state, fingerprint, fencing_token, expires_at, response, created_at)
VALUES (md5(:n::text) || md5(:client_id::text), 'CLAIM', '\x0102030405060708', :n, 0, NULL, 0)
ON CONFLICT (id) DO NOTHING;
SQL
cat > "$scripts/claim-complete.sql" <<'SQL'
\set n random(1, 9000000000000000000)
INSERT INTO entries (id, state, fingerprint, fencing_token, expires_at, response, created_at)
VALUES (md5(:n::text) || md5((:client_id + 1000)::text), 'CLAIM', '\x0102030405060708', :n, 30000, NULL, 0)
ON CONFLICT (id) DO NOTHING;
UPDATE entries SET state = 'RECORD', response = '\x494b01', expires_at = 86400000
WHERE id = CAST(md5(:n::text) || md5((:client_id + 1000)::text) AS CHAR(64)) AND fencing_token = :n
  AND state = 'CLAIM';
SQL
pgbench_run() { # label, pgbench arguments...
  local label=$1; shift
  local tps
  tps=$(pgbench -h 127.0.0.1 -U postgres -n -c "$clients" -j 2 -T "$seconds" "$@" "$db" 2>&1 \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  echo "$label: $tps transactions per second"
}
echo "== pgbench, $clients clients, $seconds s each"
pgbench_run "select-only (pgbench -S)" -S
pgbench_run "INSERT entry row" -f "$scripts/insert.sql"
pgbench_run "INSERT + UPDATE entry row (claim + complete)" -f "$scripts/claim-complete.sql"
