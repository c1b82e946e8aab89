package io.github.idempotency.spring;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.servlet.BufferedBodyRequest;
import io.github.idempotency.servlet.CapturingResponse;
import io.github.idempotency.servlet.ClaimSettlement;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Installs, on every request, the wrappers that {@link IdempotencyHandlerInterceptor} needs (a
 * request whose body can be buffered, a response whose copy can be switched on) and, once the
 * handler is done, ends the claim of a guarded request through {@link ClaimSettlement}.
 *
 * <p>The wrappers cost two small objects per request: nothing is buffered or copied unless the
 * interceptor guards the request. A request that carries the key header has its body buffered as
 * soon as anything reads it (up to the request body limit), so that a filter reading a form
 * parameter (Spring Security's CSRF filter, {@code FormContentFilter}) or the multipart resolver
 * sees the body the application would see, and the engine still gets the raw bytes. The filter is
 * therefore ordered ahead of every filter that reads the body ({@link #ORDER}).
 *
 * <p>Asynchronous handlers ({@code Callable}, {@code DeferredResult}, {@code CompletableFuture},
 * {@code WebAsyncTask}, the streaming return values) keep their claim, renewed, until their
 * response is complete: the filter also runs on {@link DispatcherType#ASYNC} dispatches and stores
 * the response the asynchronous dispatch writes. A timeout or an error of the asynchronous
 * processing keeps the claim until its lease runs out.
 *
 * <p>A guarded handler that ends with {@code sendError} (for example a failed {@code @Valid}
 * under Spring Boot's default error handling) produces its body on the container's error
 * dispatch; the filter therefore also runs on {@link DispatcherType#ERROR} dispatches and
 * captures the error page there. As a request listener ({@link ServletRequestListener}) it stores
 * the status and headers of a guarded request that ends without such a page. Register it as a
 * filter for the {@code REQUEST}, {@code ASYNC} and {@code ERROR} dispatcher types (async
 * supported) and as a listener; Spring Boot's auto-configuration does both.
 *
 * <p>Thread-safe and stateless.
 */
public class IdempotencyCaptureFilter extends OncePerRequestFilter implements ServletRequestListener {

    /**
     * The order Spring Boot registers the filter with: right after the character encoding filter
     * ({@link Ordered#HIGHEST_PRECEDENCE}), ahead of every filter that may read the request body
     * ({@code FormContentFilter} at {@code -9900}, Spring Security at {@code -100}).
     */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private final String keyHeader;
    private final long maxRequestBodyBytes;

    /** A filter for the default key header and request body limit. */
    public IdempotencyCaptureFilter() {
        this(IdempotencyEngine.DEFAULT_KEY_HEADER, EndpointPolicy.defaults().maxRequestBodyBytes());
    }

    /**
     * @param keyHeader the engine's key header: a request carrying it may be guarded, so its body is
     *     buffered on first read
     * @param maxRequestBodyBytes the request body limit of the guarded handlers: the most bytes
     *     buffered on first read
     */
    public IdempotencyCaptureFilter(String keyHeader, long maxRequestBodyBytes) {
        this.keyHeader = Objects.requireNonNull(keyHeader, "keyHeader");
        this.maxRequestBodyBytes = maxRequestBodyBytes;
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        DispatcherType dispatch = request.getDispatcherType();
        if (dispatch != DispatcherType.REQUEST) {
            Optional<ClaimSettlement> settlement = ClaimSettlement.find(request).filter(s -> !s.isSettled());
            if (settlement.isPresent() && dispatch == DispatcherType.ERROR) {
                if (!settlement.get().awaitingErrorPage()) {
                    chain.doFilter(request, response);
                    return;
                }
                CapturingResponse errorPage = new CapturingResponse(response);
                settlement.get().captureErrorPage(errorPage);
                response = errorPage;
            }
            runAndSettle(settlement, request, response, chain);
            return;
        }
        BufferedBodyRequest buffered = new BufferedBodyRequest(request);
        if (request.getHeader(keyHeader) != null) {
            buffered.bufferOnFirstRead(maxRequestBodyBytes);
        }
        runAndSettle(Optional.empty(), buffered, new CapturingResponse(response), chain);
    }

    /**
     * Runs the chain, then ends the claim of the request if the dispatch guarded it (the
     * interceptor attached a settlement) or continued a guarded one.
     */
    private static void runAndSettle(Optional<ClaimSettlement> continued, HttpServletRequest request,
            HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        boolean returned = false;
        try {
            chain.doFilter(request, response);
            returned = true;
        } finally {
            Optional<ClaimSettlement> settlement =
                    continued.isPresent() ? continued : ClaimSettlement.find(request).filter(s -> !s.isSettled());
            if (settlement.isPresent()) {
                settle(settlement.get(), request, returned);
            }
        }
    }

    private static void settle(ClaimSettlement settlement, HttpServletRequest request, boolean returned) {
        if (!returned) {
            settlement.handlerFailed();
        } else if (request.isAsyncStarted()) {
            if (request.getDispatcherType() == DispatcherType.REQUEST) {
                request.getAsyncContext().addListener(settlement); // re-added by each later startAsync
            }
        } else if (settlement.capturing().isErrorSent()) {
            if (request.getDispatcherType() == DispatcherType.ERROR) {
                settlement.release("the error page itself ended with sendError");
            } else {
                settlement.awaitErrorPage();
            }
        } else {
            settlement.handlerReturned();
        }
    }

    /**
     * Ends the claim of a guarded request whose end the container reports before the filter
     * settled it. Containers differ in when they report it: Tomcat once, after the error page;
     * Jetty at the end of every dispatch, also while asynchronous processing goes on (left to the
     * asynchronous listener) and before it renders the error page of a {@code sendError} (the claim
     * is then no longer renewed, and the error page is still stored if it passes through the
     * filter, else the claim lapses with its lease). A request that ended any other way is stored as
     * it is.
     */
    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        if (event.getServletRequest().isAsyncStarted()) {
            return;
        }
        ClaimSettlement.find(event.getServletRequest()).filter(settlement -> !settlement.isSettled())
                .ifPresent(settlement -> {
                    if (settlement.awaitingErrorPage()) {
                        settlement.requestEndedBeforeErrorPage();
                    } else {
                        settlement.handlerReturned();
                    }
                });
    }
}
