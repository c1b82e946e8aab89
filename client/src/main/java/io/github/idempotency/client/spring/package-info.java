/**
 * The binding for Spring's {@code RestClient} and {@code RestTemplate}:
 * {@link io.github.idempotency.client.spring.IdempotentRetryInterceptor}. Needs {@code spring-web}
 * 6.2 or newer on the class path; nothing else.
 */
package io.github.idempotency.client.spring;
