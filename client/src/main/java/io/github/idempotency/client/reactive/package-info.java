/**
 * The binding for Spring's {@code WebClient}:
 * {@link io.github.idempotency.client.reactive.IdempotentRetryFilter}, non-blocking (the waits are
 * Reactor timers). Needs {@code spring-webflux} 6.2 or newer and Reactor on the class path.
 */
package io.github.idempotency.client.reactive;
