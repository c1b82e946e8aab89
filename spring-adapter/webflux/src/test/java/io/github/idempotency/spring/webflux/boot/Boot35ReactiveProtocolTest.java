package io.github.idempotency.spring.webflux.boot;

import io.github.idempotency.spring.webflux.testapp.ReactiveProtocolChecks;

/** The reactive protocol checks on Spring Boot 3.5 (Spring Framework 6.2), on Reactor Netty. */
class Boot35ReactiveProtocolTest extends ReactiveProtocolChecks {
}
