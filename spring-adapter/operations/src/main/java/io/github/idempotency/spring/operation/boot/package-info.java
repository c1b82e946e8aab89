/**
 * Spring Boot auto-configuration of {@code @IdempotentOperation} methods and the
 * {@code idempotency.operations.*} properties.
 */
package io.github.idempotency.spring.operation.boot;
