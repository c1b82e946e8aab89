/**
 * The framework-free part of the client: the {@link io.github.idempotency.client.RetryPolicy} (which
 * statuses and failures are retried, exponential backoff with jitter, {@code Retry-After}, bounds on
 * attempts and time), the per-operation {@link io.github.idempotency.client.Attempts} that applies
 * it, and the header names the client and the server share. The bindings for each HTTP client are in
 * the sub-packages.
 */
package io.github.idempotency.client;
