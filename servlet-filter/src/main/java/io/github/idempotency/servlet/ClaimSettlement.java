package io.github.idempotency.servlet;

import io.github.idempotency.core.Outcome;
import io.github.idempotency.core.Proceed;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the claim of one guarded request exactly once, by the rule that a handler which has
 * started never runs again while its claim could be live and that a retry never gets a truncated
 * or made-up response:
 * <ul>
 *   <li>{@link #handlerReturned()}: the application is done with the response, which is stored
 *       (with its body omitted when the copy is not complete); if the application declared a
 *       {@code Content-Length} and wrote less, nothing is stored and the claim is
 *       {@link Proceed#abandon(String) kept until its lease runs out};</li>
 *   <li>{@link #handlerFailed()}: the application threw; the key is released if nothing of the
 *       response was sent yet, else the claim is kept until its lease runs out;</li>
 *   <li>asynchronous processing ({@link AsyncListener}): stored on completion; a timeout or an
 *       error keeps the claim until its lease runs out, since the application's work may still be
 *       running.</li>
 * </ul>
 * Whichever ends the claim first wins; the others do nothing. They may run on the request thread,
 * an application thread or a container thread.
 *
 * <p>The settlement is kept as a request attribute from {@link #attach} on, so that a filter or
 * interceptor that finds one ({@link #find}) knows the request is guarded already and passes it
 * through: guarding the same request twice would answer it {@code 409} from its own claim.
 */
public final class ClaimSettlement implements AsyncListener {

    private static final String ATTRIBUTE = ClaimSettlement.class.getName();
    private static final Logger log = LoggerFactory.getLogger(ClaimSettlement.class);

    private final Proceed proceed;
    private final String method;
    private final String uri;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile CapturingResponse capturing;
    private volatile boolean awaitingErrorPage;

    private ClaimSettlement(Proceed proceed, CapturingResponse capturing, HttpServletRequest request) {
        this.proceed = proceed;
        this.capturing = capturing;
        this.method = request.getMethod();
        this.uri = request.getRequestURI();
    }

    /**
     * Starts capturing the response of a request that holds a claim, keeps the settlement with the
     * request (and the claimed entry key, as {@link Proceed#ENTRY_KEY_ATTRIBUTE}), and has the response stored as soon as the application ends its body, before the
     * container can send the end of it (so that a retry sent the moment the client has the
     * response finds it stored).
     *
     * @param request the request; the settlement becomes its attribute
     * @param proceed the engine's decision
     * @param capturing the response wrapper, capture not yet started
     * @return the settlement
     */
    public static ClaimSettlement attach(HttpServletRequest request, Proceed proceed, CapturingResponse capturing) {
        ClaimSettlement settlement = new ClaimSettlement(proceed, capturing, request);
        request.setAttribute(ATTRIBUTE, settlement);
        request.setAttribute(Proceed.ENTRY_KEY_ATTRIBUTE, proceed.entryKey());
        settlement.capture(capturing);
        return settlement;
    }

    /**
     * @param request a request
     * @return the settlement of the request, when it is guarded (settled or not)
     */
    public static Optional<ClaimSettlement> find(ServletRequest request) {
        return Optional.ofNullable((ClaimSettlement) request.getAttribute(ATTRIBUTE));
    }

    private void capture(CapturingResponse response) {
        this.capturing = response;
        response.startCapture(proceed.maxStoredBodyBytes());
        response.onBodyComplete(this::handlerReturned);
    }

    /** @return the response being captured */
    public CapturingResponse capturing() {
        return capturing;
    }

    /** @return whether the claim was ended */
    public boolean isSettled() {
        return settled.get();
    }

    /**
     * The application is done with the response: stores it, or keeps the claim when the
     * application cut its own body short.
     */
    public void handlerReturned() {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        CapturingResponse response = capturing;
        if (response.isShorterThanDeclared()) {
            proceed.abandon(method + " " + uri + " ended its body before the Content-Length it declared");
            return;
        }
        response.uncapturedReason().ifPresent(reason -> log.debug(
                "Response to {} {} is stored without its body: {}", method, uri, reason));
        response.clientFailure().ifPresent(failure -> log.debug(
                "The client of {} {} went away while the response was sent ({}); the response is stored whole",
                method, uri, failure.toString()));
        try {
            proceed.complete(response.toStoredResponse());
        } catch (RuntimeException e) {
            proceed.abandon("the captured response could not be stored: " + e);
            throw e;
        }
    }

    /**
     * The application threw: releases the key if nothing of the response was sent, else keeps the
     * claim until its lease runs out (its effects may be done, and what was sent is partial).
     */
    public void handlerFailed() {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        if (capturing.isBodyStarted()) {
            proceed.abandon("the handler of " + method + " " + uri + " failed after it had started sending the response");
        } else {
            proceed.release(Outcome.NOT_STORED);
        }
    }

    /**
     * Releases the key without storing anything, so that a retry runs the handler again.
     *
     * @param why for the log line
     */
    public void release(String why) {
        if (settled.compareAndSet(false, true)) {
            log.debug("Response to {} {} not stored, key released: {}", method, uri, why);
            proceed.release(Outcome.NOT_STORED);
        }
    }

    /**
     * Stores nothing and keeps the claim until its lease runs out.
     *
     * @param why for the log line
     */
    public void abandon(String why) {
        if (settled.compareAndSet(false, true)) {
            proceed.abandon(why);
        }
    }

    /**
     * The request ended (as the container reports it) while its error page may still come: Jetty
     * reports the end of the request's first dispatch before it renders the error page. The claim
     * is no longer renewed but stays until its lease runs out, and an error page that follows is
     * still stored.
     */
    public void requestEndedBeforeErrorPage() {
        if (!settled.get()) {
            log.debug("{} {} ended before its error page; its claim is no longer renewed", method, uri);
            proceed.stopRenewal();
        }
    }

    /** @return whether the handler ended with {@code sendError} and the error page is still to come */
    public boolean awaitingErrorPage() {
        return awaitingErrorPage && !settled.get();
    }

    /** The handler ended with {@code sendError}: its response is the error page, rendered later. */
    public void awaitErrorPage() {
        awaitingErrorPage = true;
    }

    /**
     * Captures the error page the container renders after the handler's {@code sendError}, in
     * place of the handler's response.
     *
     * @param response the error dispatch's response wrapper, capture not yet started
     */
    public void captureErrorPage(CapturingResponse response) {
        awaitingErrorPage = false;
        capture(response);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        handlerReturned();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        abandon("asynchronous processing of " + method + " " + uri + " timed out while its work may still run");
    }

    @Override
    public void onError(AsyncEvent event) {
        abandon("asynchronous processing of " + method + " " + uri + " failed: " + event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }
}
