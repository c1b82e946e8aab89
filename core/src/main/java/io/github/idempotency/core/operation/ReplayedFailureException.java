package io.github.idempotency.core.operation;

import java.util.Objects;
import java.util.Optional;

/**
 * The operation ran before with this key and failed with an exception its {@link FailurePolicy}
 * counts as final; that failure is the stored outcome, and this call gets it back without running
 * the operation. The original exception is not re-created: {@link #failureClassName()} and
 * {@link #failureMessage()} say what it was.
 */
public final class ReplayedFailureException extends IdempotentOperationException {

    private final String failureClassName;
    private final String failureMessage;

    ReplayedFailureException(OperationKey key, String failureClassName, String failureMessage) {
        super(key, "The operation with key " + describe(key) + " failed before with "
                + failureClassName + (failureMessage == null ? "" : ": " + failureMessage)
                + "; that failure is its stored outcome, so it did not run again. Use a new key to try again.", null);
        this.failureClassName = Objects.requireNonNull(failureClassName, "failureClassName");
        this.failureMessage = failureMessage;
    }

    /** @return the class name of the exception the operation threw ({@link Class#getName()}) */
    public String failureClassName() {
        return failureClassName;
    }

    /** @return the message of the exception the operation threw; empty when it had none */
    public Optional<String> failureMessage() {
        return Optional.ofNullable(failureMessage);
    }
}
