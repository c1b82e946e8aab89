package io.github.idempotency.spring.webflux.testapp;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What the tests let block on a non-blocking thread, none of it the library's: log output (a console
 * appender writes and locks; a production application logs asynchronously or accepts the same),
 * Hibernate Validator reading its message bundles from its jar on first use, springdoc scanning
 * the class path when it builds the OpenAPI document on the first request for it, and Lettuce's own
 * endpoint lock. Everything the
 * adapter, the engine and the stores do on an event loop must not block. Loaded by BlockHound's
 * service loader when the JUnit platform listener installs it.
 */
public class TestBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("ch.qos.logback.classic.Logger", "callAppenders");
        builder.allowBlockingCallsInside("org.hibernate.validator.resourceloading.PlatformResourceBundleLocator", "loadBundle");
        builder.allowBlockingCallsInside("org.springdoc.api.AbstractOpenApiResource", "getOpenApi");
        // Lettuce's endpoint lock, briefly contended when a command is written while the connection
        // closes: an error thrown inside it leaves the lock held and the connection's close waiting forever.
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive");
    }
}
