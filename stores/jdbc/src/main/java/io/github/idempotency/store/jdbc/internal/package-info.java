/** Internal: the SQL statements of the JDBC store. Not an API; may change in any release. */
package io.github.idempotency.store.jdbc.internal;
