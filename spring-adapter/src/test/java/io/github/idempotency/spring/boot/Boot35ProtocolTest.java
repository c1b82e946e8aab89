package io.github.idempotency.spring.boot;

import io.github.idempotency.spring.testapp.ProtocolChecks;

/** The HTTP protocol checks on Spring Boot 3.5 (Spring Framework 6.2, Security 6.5, Tomcat 10.1). */
class Boot35ProtocolTest extends ProtocolChecks {
}
