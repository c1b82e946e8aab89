/** The Spring Boot Actuator endpoint {@code idempotency}: one entry of the store, looked up and evicted. */
package io.github.idempotency.spring.boot.endpoint;
