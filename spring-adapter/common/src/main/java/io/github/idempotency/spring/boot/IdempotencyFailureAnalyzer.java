package io.github.idempotency.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link IdempotencyConfigurationException} as Spring Boot's "APPLICATION FAILED TO
 * START" analysis: its message as the description, the properties to look at as the action.
 * Registered in {@code META-INF/spring.factories}.
 */
public class IdempotencyFailureAnalyzer extends AbstractFailureAnalyzer<IdempotencyConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IdempotencyConfigurationException cause) {
        return new FailureAnalysis("The Idempotency-Key library cannot start: " + cause.getMessage(),
                "Change the configuration as the description says. The idempotency.* properties are listed in the"
                        + " library's Spring guide (docs/spring.md), and idempotency.enabled=false turns the library off.",
                cause);
    }
}
