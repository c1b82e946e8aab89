package io.github.idempotency.spring;

import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.servlet.CapturingResponse;
import jakarta.servlet.ServletRequest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request whose handler runs while it holds the claim on its key: kept as a request attribute
 * from the interceptor's decision until the filter stores or releases it. Serves one request.
 */
final class GuardedRequest {

    private static final String ATTRIBUTE = GuardedRequest.class.getName();
    private static final Logger log = LoggerFactory.getLogger(GuardedRequest.class);

    private final Proceed proceed;
    private boolean awaitingErrorPage;

    private GuardedRequest(Proceed proceed) {
        this.proceed = proceed;
    }

    /**
     * Keeps the claim with the request and starts capturing the response. The response is stored
     * as soon as the application ends its body, before the container can send the end of it, so
     * that a retry sent the moment the client has the response finds it stored; otherwise the
     * filter stores it once the chain returns.
     */
    static void attach(ServletRequest request, Proceed proceed, CapturingResponse response) {
        GuardedRequest guarded = new GuardedRequest(proceed);
        request.setAttribute(ATTRIBUTE, guarded);
        guarded.capture(request, response);
    }

    static Optional<GuardedRequest> find(ServletRequest request) {
        return Optional.ofNullable((GuardedRequest) request.getAttribute(ATTRIBUTE));
    }

    /** @return whether the handler ended with {@code sendError} and the error page is still to come */
    boolean awaitingErrorPage() {
        return awaitingErrorPage;
    }

    /** The handler ended with {@code sendError}: the response is the error page, rendered later. */
    void awaitErrorPage() {
        awaitingErrorPage = true;
    }

    /** Captures the error page the container renders after the handler's {@code sendError}. */
    void captureErrorPage(ServletRequest request, CapturingResponse response) {
        awaitingErrorPage = false;
        capture(request, response);
    }

    private void capture(ServletRequest request, CapturingResponse response) {
        response.startCapture(proceed.maxStoredBodyBytes());
        response.onBodyComplete(() -> complete(request, response));
    }

    /** Stores the captured response, or releases the key when the capture is incomplete. */
    void complete(ServletRequest request, CapturingResponse response) {
        request.removeAttribute(ATTRIBUTE);
        Optional<String> uncaptured = response.uncapturedReason();
        if (uncaptured.isPresent()) {
            log.debug("Response of {} not stored, key released: {}", proceed.key().value(), uncaptured.get());
            proceed.release(Outcome.NOT_STORED);
        } else {
            proceed.complete(response.toStoredResponse());
        }
    }

    /** Releases the key without storing anything, so that a retry runs the handler again. */
    void release(ServletRequest request, String why) {
        request.removeAttribute(ATTRIBUTE);
        log.debug("Response of {} not stored, key released: {}", proceed.key().value(), why);
        proceed.release(Outcome.NOT_STORED);
    }
}
