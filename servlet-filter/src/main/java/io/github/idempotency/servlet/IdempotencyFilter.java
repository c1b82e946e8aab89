package io.github.idempotency.servlet;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet filter that makes the requests it guards idempotent: the first request with an
 * {@code Idempotency-Key} runs the application and its response is stored; every retry with the
 * same key gets that response again, without running the application.
 *
 * <p>A request is guarded when its method is guarded by the filter's {@link EndpointPolicy}
 * (default {@code POST} and {@code PATCH}) and its path within the application matches one of the
 * filter's path patterns (servlet-style: {@code /payments}, {@code /payments/*}, {@code *.json};
 * default every path). Other requests pass to the chain untouched: not wrapped, not buffered, no
 * store access. Only the client's request is guarded: forwards, includes, error and asynchronous
 * dispatches of a request pass through, even when the filter is mapped to them.
 *
 * <p>For a guarded request the filter asks {@link IdempotencyEngine#decide} and then either
 * passes the request on (not guarded after all, for example no key where none is required),
 * writes a replay or a problem through {@link DecisionWriter}, or runs the chain with the body
 * buffered ({@link ServletRequestView}) and the response captured ({@link CapturingResponse}),
 * then ends the claim through {@link ClaimSettlement}: the response is stored; an exception from
 * the chain releases the key if nothing was sent yet and propagates. When the application starts
 * asynchronous processing, the response is stored when the application calls
 * {@link AsyncContext#complete()} (or, if the container completes it, at
 * {@link AsyncListener#onComplete}); on a timeout or an error the claim is kept until its lease
 * runs out, since the application's work may still run. The filter must then be registered with
 * {@code asyncSupported} true. A request that an outer idempotency filter (or the Spring adapter)
 * already guards passes through untouched.
 *
 * <p>Create it in code with {@link #builder(IdempotencyEngine)}, or let the container create it
 * (no-argument constructor) and configure it with init-parameters; see {@link #init(FilterConfig)}.
 * Thread-safe once initialised.
 */
public final class IdempotencyFilter implements Filter {

    /**
     * The {@link jakarta.servlet.ServletContext} attribute under which an application may place an
     * {@link IdempotencyEngine} built in code, for a filter the container creates: {@value}.
     */
    public static final String ENGINE_ATTRIBUTE = "io.github.idempotency.servlet.IdempotencyEngine";

    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

    private IdempotencyEngine engine;
    private EndpointPolicy policy;
    private PathPatterns paths;
    private boolean ownsEngine;

    /** For the container: the filter is configured by {@link #init(FilterConfig)}. */
    public IdempotencyFilter() {
    }

    private IdempotencyFilter(Builder builder) {
        this.engine = builder.engine;
        this.policy = builder.policy;
        this.paths = PathPatterns.of(builder.paths);
    }

    /**
     * @param engine the engine; the filter does not close it
     * @return a builder guarding every path with {@link EndpointPolicy#defaults()}
     */
    public static Builder builder(IdempotencyEngine engine) {
        return new Builder(engine);
    }

    /**
     * Configures a filter the container created. A filter built with {@link #builder} takes no
     * init-parameters.
     *
     * <p>The engine is the one in the servlet context attribute {@link #ENGINE_ATTRIBUTE} if
     * present; otherwise the filter builds one with an in-memory store and closes it in
     * {@link #destroy()}. The init-parameters ({@code docs/servlet.md} lists them with their
     * defaults): {@code key-header} and {@code store-failure-mode} (only when the filter builds
     * the engine), {@code methods}, {@code paths}, {@code ttl}, {@code lease},
     * {@code key-required}, {@code max-request-body}, {@code max-stored-body},
     * {@code storage-policy}, {@code concurrency}, {@code fingerprint},
     * {@code excluded-response-headers} and {@code stored-response-headers}; and, only when the
     * filter builds the engine, the data protection of its store: {@code encryption-keys},
     * {@code encryption-current-key-id}, {@code encryption-fingerprint-key} (naming environment
     * variables that hold the keys) and {@code redacted-json-fields}.
     *
     * @throws ServletException naming the parameter, the bad value and what is accepted, for an
     *     unknown parameter or a bad value
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        if (engine != null) {
            if (config.getInitParameterNames().hasMoreElements()) {
                throw new ServletException("filter " + config.getFilterName() + " was built in code and takes no"
                        + " init-parameters; configure it through IdempotencyFilter.builder instead");
            }
            return;
        }
        FilterInitParameters parameters = FilterInitParameters.read(config);
        policy = parameters.policy();
        paths = parameters.paths();
        Object supplied = config.getServletContext().getAttribute(ENGINE_ATTRIBUTE);
        if (supplied == null) {
            engine = parameters.configure(IdempotencyEngine.builder(
                    parameters.protect(InMemoryIdempotencyStore.create(), System::getenv))).build();
            ownsEngine = true;
        } else if (supplied instanceof IdempotencyEngine suppliedEngine) {
            parameters.requireNoEngineSettings("in the servlet context attribute " + ENGINE_ATTRIBUTE);
            engine = suppliedEngine;
        } else {
            throw new ServletException("the servlet context attribute " + ENGINE_ATTRIBUTE + " must hold an "
                    + IdempotencyEngine.class.getName() + ", not a " + supplied.getClass().getName());
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (engine == null) {
            throw new IllegalStateException("IdempotencyFilter was not initialised: the container calls init,"
                    + " or build it with IdempotencyFilter.builder");
        }
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getDispatcherType() != DispatcherType.REQUEST
                || !policy.guards(request.getMethod()) || !paths.matches(pathWithinApplication(request))
                || ClaimSettlement.find(request).isPresent()) {
            chain.doFilter(req, res);
            return;
        }
        ServletRequestView view = ServletRequestView.of(request);
        Decision decision = engine.decide(view, policy);
        if (decision instanceof Proceed proceed) {
            proceed(view.request(), response, chain, proceed);
        } else if (decision instanceof Decision.Replay replay) {
            DecisionWriter.writeReplay(replay, response);
        } else if (decision instanceof Decision.Reject reject) {
            DecisionWriter.writeProblem(reject, response);
        } else {
            chain.doFilter(view.request(), response);
        }
    }

    private static String pathWithinApplication(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        return pathInfo == null ? request.getServletPath() : request.getServletPath() + pathInfo;
    }

    private static void proceed(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            Proceed proceed) throws IOException, ServletException {
        CapturingResponse capturing = new CapturingResponse(response);
        ClaimSettlement settlement = ClaimSettlement.attach(request, proceed, capturing);
        HttpServletRequest forApplication = new AsyncCapturingRequest(request, capturing, settlement);
        boolean returned = false;
        try {
            chain.doFilter(forApplication, capturing);
            returned = true;
        } finally {
            if (!forApplication.isAsyncStarted()) {
                if (returned) {
                    settlement.handlerReturned();
                } else {
                    settlement.handlerFailed();
                }
            } // else the listener registered at startAsync ends the claim
        }
    }

    /** Closes the engine if this filter built it. */
    @Override
    public void destroy() {
        if (ownsEngine) {
            engine.close();
        }
    }

    /** Builds an {@link IdempotencyFilter}. Not thread-safe. */
    public static final class Builder {
        private final IdempotencyEngine engine;
        private EndpointPolicy policy = EndpointPolicy.defaults();
        private List<String> paths = List.of("/*");

        private Builder(IdempotencyEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** @param policy how guarded requests are treated (default {@link EndpointPolicy#defaults()}) @return this */
        public Builder policy(EndpointPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param patterns the servlet-style path patterns to guard ({@code /payments},
         *     {@code /payments/*}, {@code *.json}; default {@code /*}, every path), matched against
         *     the path within the application
         * @return this
         */
        public Builder paths(String... patterns) {
            this.paths = List.of(patterns);
            return this;
        }

        /**
         * @return the filter
         * @throws IllegalArgumentException if no path pattern was given or one is malformed
         */
        public IdempotencyFilter build() {
            return new IdempotencyFilter(this);
        }
    }

    /**
     * Hands the capturing response to every {@link AsyncContext} the application starts (also with
     * {@code startAsync()} without arguments, which would otherwise bypass it), registers the
     * settlement as its first listener (so that a timeout is seen before any listener of the
     * application completes the response), and stores the response when the application calls
     * {@link AsyncContext#complete()}: before the container sends the end of the response, so
     * that a retry arriving right after it gets the replay.
     */
    private static final class AsyncCapturingRequest extends HttpServletRequestWrapper {
        private final CapturingResponse response;
        private final ClaimSettlement settlement;
        private AsyncContext asyncContext;

        AsyncCapturingRequest(HttpServletRequest request, CapturingResponse response, ClaimSettlement settlement) {
            super(request);
            this.response = response;
            this.settlement = settlement;
        }

        @Override
        public AsyncContext startAsync() {
            return startAsync(this, response);
        }

        @Override
        public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
            AsyncContext started = super.startAsync(request, response);
            if (asyncContext == null) {
                started.addListener(settlement);
            }
            asyncContext = new CompletingAsyncContext(started, settlement::handlerReturned);
            return asyncContext;
        }

        @Override
        public AsyncContext getAsyncContext() {
            return asyncContext != null ? asyncContext : super.getAsyncContext();
        }
    }

    /** An {@link AsyncContext} that runs a task just before {@link #complete()}. */
    private static final class CompletingAsyncContext implements AsyncContext {
        private final AsyncContext delegate;
        private final Runnable beforeComplete;

        CompletingAsyncContext(AsyncContext delegate, Runnable beforeComplete) {
            this.delegate = delegate;
            this.beforeComplete = beforeComplete;
        }

        @Override
        public void complete() {
            try {
                beforeComplete.run();
            } finally {
                delegate.complete();
            }
        }

        @Override
        public ServletRequest getRequest() {
            return delegate.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            return delegate.getResponse();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return delegate.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            delegate.dispatch();
        }

        @Override
        public void dispatch(String path) {
            delegate.dispatch(path);
        }

        @Override
        public void dispatch(jakarta.servlet.ServletContext context, String path) {
            delegate.dispatch(context, path);
        }

        @Override
        public void start(Runnable run) {
            delegate.start(run);
        }

        @Override
        public void addListener(AsyncListener listener) {
            delegate.addListener(listener);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
            delegate.addListener(listener, request, response);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
            return delegate.createListener(type);
        }

        @Override
        public void setTimeout(long timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public long getTimeout() {
            return delegate.getTimeout();
        }
    }
}
