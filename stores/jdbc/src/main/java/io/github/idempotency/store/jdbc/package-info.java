/**
 * The JDBC idempotency store: {@link io.github.idempotency.store.jdbc.JdbcIdempotencyStore} on a
 * user-supplied {@link javax.sql.DataSource}, for PostgreSQL, MySQL, MariaDB and H2, with the
 * schema shipped as one plain SQL file per dialect.
 */
package io.github.idempotency.store.jdbc;
