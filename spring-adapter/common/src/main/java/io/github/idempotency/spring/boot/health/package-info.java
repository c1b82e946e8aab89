/** Health indicators of the idempotency store for Spring Boot Actuator, on each Boot line. */
package io.github.idempotency.spring.boot.health;
