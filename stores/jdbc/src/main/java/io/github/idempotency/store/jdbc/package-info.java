/**
 * The JDBC idempotency store: {@link io.github.idempotency.store.jdbc.JdbcIdempotencyStore} on a
 * user-supplied {@link javax.sql.DataSource}, for PostgreSQL, MySQL, MariaDB and H2, with the
 * schema shipped as one plain SQL file per dialect; and its transactional mode,
 * {@link io.github.idempotency.store.jdbc.TransactionalJdbcIdempotencyStore}, which keeps the
 * record in the caller's own database transaction.
 */
package io.github.idempotency.store.jdbc;
