package io.github.idempotency.spring;

import io.github.idempotency.servlet.BufferedBodyRequest;
import io.github.idempotency.servlet.CapturingResponse;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Installs, on every request, the wrappers that {@link IdempotencyHandlerInterceptor} needs (a
 * request whose body can be buffered, a response whose copy can be switched on) and, after the
 * filter chain, stores the response of a guarded request or releases its key.
 *
 * <p>The wrappers cost two small objects per request: nothing is buffered or copied unless the
 * interceptor guards the request. Order the filter before any filter that reads the request body.
 *
 * <p>A guarded handler that ends with {@code sendError} (for example a failed {@code @Valid}
 * under Spring Boot's default error handling) produces its body on the container's error
 * dispatch; the filter therefore also runs on {@link DispatcherType#ERROR} dispatches and
 * captures the error page there. As a request listener ({@link ServletRequestListener}) it
 * releases the key of a guarded request that ends without such a page, so that no claim outlives
 * its request. Register it as a filter for the {@code REQUEST} and {@code ERROR} dispatcher
 * types and as a listener; Spring Boot's auto-configuration does both.
 *
 * <p>Thread-safe and stateless.
 */
public class IdempotencyFilter extends OncePerRequestFilter implements ServletRequestListener {

    /**
     * The order Spring Boot registers the filter with: before Spring Security's filter chain
     * ({@code -100}), after the character encoding filter.
     */
    public static final int ORDER = -110;

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean errorDispatch = request.getDispatcherType() == DispatcherType.ERROR;
        Optional<GuardedRequest> awaiting = errorDispatch
                ? GuardedRequest.find(request).filter(GuardedRequest::awaitingErrorPage)
                : Optional.empty();
        if (errorDispatch && awaiting.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        CapturingResponse capturing = new CapturingResponse(response);
        SendErrorTracker tracker = new SendErrorTracker(capturing);
        awaiting.ifPresent(guarded -> guarded.captureErrorPage(request, capturing));
        boolean returned = false;
        try {
            chain.doFilter(errorDispatch ? request : new BufferedBodyRequest(request), tracker);
            returned = true;
        } finally {
            Optional<GuardedRequest> guarded = GuardedRequest.find(request);
            if (guarded.isPresent()) {
                finish(guarded.get(), request, capturing, tracker, returned);
            }
        }
    }

    private static void finish(GuardedRequest guarded, HttpServletRequest request, CapturingResponse capturing,
            SendErrorTracker tracker, boolean returned) {
        if (!returned) {
            guarded.release(request, "the handler threw an exception");
        } else if (request.isAsyncStarted()) {
            guarded.release(request, "the handler completes asynchronously, which is not captured");
        } else if (tracker.errorSent()) {
            if (request.getDispatcherType() == DispatcherType.ERROR) {
                guarded.release(request, "the error page itself ended with sendError");
            } else {
                guarded.awaitErrorPage();
            }
        } else {
            guarded.complete(request, capturing);
        }
    }

    /** Releases the key of a guarded request that ends without its response having been stored. */
    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        GuardedRequest.find(event.getServletRequest())
                .ifPresent(guarded -> guarded.release(event.getServletRequest(),
                        "the handler ended with sendError and no error page was rendered through the filter"));
    }
}
