/**
 * {@link io.github.idempotency.spring.operation.IdempotentOperation @IdempotentOperation}: any Spring
 * bean method (a service method, a message or event listener, a scheduled job) runs once per key,
 * and later calls with the key get its stored result, through
 * {@link io.github.idempotency.core.operation.IdempotentOperations}.
 */
package io.github.idempotency.spring.operation;
