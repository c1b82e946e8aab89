/**
 * With the JDBC store, {@code @IdempotentOperation} methods that run in a Spring-managed
 * transaction claim their key and store their outcome in that transaction
 * ({@link io.github.idempotency.spring.operation.jdbc.TransactionalOperations}).
 */
package io.github.idempotency.spring.operation.jdbc;
