/**
 * Runs any operation once per key without HTTP ({@link io.github.idempotency.core.operation.IdempotentOperations}):
 * message consumers, jobs and service methods get the first call's stored result on every later
 * call, over the same stores, leases, renewal and fencing as HTTP requests.
 */
package io.github.idempotency.core.operation;
