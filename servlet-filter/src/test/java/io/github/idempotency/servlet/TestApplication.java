package io.github.idempotency.servlet;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.protect.EncryptionKeys;
import io.github.idempotency.core.protect.ResponseRedactor;
import io.github.idempotency.core.protect.StoreProtection;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application every container test runs: registered through the Servlet API only, so Jetty and
 * Tomcat run exactly the same filters and servlets.
 *
 * <ul>
 *   <li>{@code /api/*}: guarded by a filter built in code, key required, request bodies up to
 *       {@value #MAX_REQUEST_BODY} bytes, responses stored up to {@value #MAX_STORED_BODY} bytes;</li>
 *   <li>{@code /wait/*}: guarded, duplicates wait for the first request;</li>
 *   <li>{@code /big/*}: guarded, duplicates wait, responses stored up to {@value #BIG_STORED_BODY} bytes;</li>
 *   <li>{@code /twice/*}: guarded by two idempotency filters, one inside the other;</li>
 *   <li>{@code /configured/*}: guarded by a filter the container creates from init-parameters,
 *       with its own in-memory store;</li>
 *   <li>{@code /open/*}: not guarded;</li>
 *   <li>{@code /late/*}: no idempotency filter; a filter installs {@link BufferedBodyRequest} and
 *       {@link CapturingResponse} on every request, and the servlet buffers and starts capture
 *       itself, as a framework adapter does. What was captured is kept in {@link #lateCaptures}
 *       under the request's {@code X-Probe} header.</li>
 * </ul>
 * The header {@code X-Test-User} makes the request authenticated as that user; the header
 * {@code X-Hold} holds the handler at the current {@link Gate} before it does anything.
 */
final class TestApplication implements ServletContainerInitializer {

    static final int MAX_REQUEST_BODY = 1024;
    static final int MAX_STORED_BODY = 4096;
    static final int BIG_STORED_BODY = 32 * 1024 * 1024;
    /** The body of {@code /big/huge}: larger than the socket buffers of client and server together. */
    static final int HUGE_BODY = 16 * 1024 * 1024;

    final MutableClock clock = new MutableClock();
    final CountingStore store = new CountingStore(InMemoryIdempotencyStore.builder().clock(clock).build());
    final IdempotencyEngine engine = IdempotencyEngine.builder(store).nanoTime(clock::nanoTime).build();
    /** The engine of {@code /protected/*}: its own store, encrypted, with the echoed card number redacted. */
    final IdempotencyEngine protectedEngine = IdempotencyEngine.builder(StoreProtection.builder()
                    .encryption(EncryptionKeys.builder().key("k1", new byte[32]).fingerprintKey(new byte[32]).build())
                    .redactor(ResponseRedactor.jsonFields("received.card.number"))
                    .build()
                    .protect(InMemoryIdempotencyStore.create()))
            .build();
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private volatile Gate gate = new Gate();
    /** Per {@code X-Probe}: the stored response captured on a {@code /late/*} request, or why there is none. */
    final Map<String, Object> lateCaptures = new ConcurrentHashMap<>();

    /** Lets a test hold a handler inside its execution. */
    static final class Gate {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
    }

    /** @return a new gate that the next blocking handler waits at */
    Gate newGate() {
        Gate g = new Gate();
        gate = g;
        return g;
    }

    /** @return how often a handler ran for requests carrying this key */
    int executions(String key) {
        AtomicInteger count = executions.get(key);
        return count == null ? 0 : count.get();
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        addFilter(context, "test-user", new TestUserFilter());
        // Mapped to every dispatch type: the filter itself must guard only the client's request.
        FilterRegistration.Dynamic api = context.addFilter("idempotency-api", IdempotencyFilter.builder(engine)
                .policy(EndpointPolicy.builder()
                        .keyRequired(true)
                        .maxRequestBodyBytes(MAX_REQUEST_BODY)
                        .maxStoredBodyBytes(MAX_STORED_BODY)
                        .build())
                .paths("/api/*")
                .build());
        api.setAsyncSupported(true);
        api.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
        addFilter(context, "idempotency-wait", IdempotencyFilter.builder(engine)
                .policy(EndpointPolicy.builder()
                        .keyRequired(true)
                        .concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofHours(1))) // the engine clock stands still
                        .build())
                .paths("/wait/*")
                .build());
        addFilter(context, "idempotency-big", IdempotencyFilter.builder(engine)
                .policy(EndpointPolicy.builder()
                        .keyRequired(true)
                        .maxStoredBodyBytes(BIG_STORED_BODY)
                        .concurrency(ConcurrencyPolicy.waitUpTo(Duration.ofHours(1))) // the engine clock stands still
                        .build())
                .paths("/big/*")
                .build());
        for (String name : new String[] {"idempotency-twice-outer", "idempotency-twice-inner"}) {
            addFilter(context, name, IdempotencyFilter.builder(engine)
                    .policy(EndpointPolicy.builder().keyRequired(true).build())
                    .paths("/twice/*")
                    .build());
        }
        addFilter(context, "idempotency-protected", IdempotencyFilter.builder(protectedEngine)
                .policy(EndpointPolicy.builder().keyRequired(true).build())
                .paths("/protected/*")
                .build());
        FilterRegistration.Dynamic configured = context.addFilter("idempotency-configured", IdempotencyFilter.class);
        configured.setInitParameter("paths", "/configured/*");
        configured.setInitParameter("key-required", "true");
        configured.setInitParameter("methods", "POST, PUT");
        configured.setInitParameter("ttl", "1h");
        configured.setAsyncSupported(true);
        configured.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");

        context.addFilter("install-wrappers", new InstallWrappersFilter())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/late/*");
        context.addServlet("late-capture", new LateCaptureServlet()).addMapping("/late/*");

        ServletRegistration.Dynamic servlet = context.addServlet("scenarios", new ScenarioServlet());
        servlet.addMapping("/api/*", "/wait/*", "/big/*", "/twice/*", "/configured/*", "/open/*", "/protected/*");
        servlet.setAsyncSupported(true);
        servlet.setMultipartConfig(new MultipartConfigElement(""));
    }

    private static void addFilter(ServletContext context, String name, Filter filter) {
        FilterRegistration.Dynamic registration = context.addFilter(name, filter);
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /** Authenticates the request as the user named in {@code X-Test-User}. */
    private static final class TestUserFilter extends jakarta.servlet.http.HttpFilter {
        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, jakarta.servlet.FilterChain chain)
                throws IOException, jakarta.servlet.ServletException {
            String user = request.getHeader("X-Test-User");
            if (user == null) {
                chain.doFilter(request, response);
                return;
            }
            Principal principal = () -> user;
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public String getRemoteUser() {
                    return user;
                }
            }, response);
        }
    }

    /** Installs the wrappers on every request, as a framework adapter's filter does, and keeps what was captured. */
    private final class InstallWrappersFilter extends jakarta.servlet.http.HttpFilter {
        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, jakarta.servlet.FilterChain chain)
                throws IOException, jakarta.servlet.ServletException {
            CapturingResponse capturing = new CapturingResponse(response);
            chain.doFilter(new BufferedBodyRequest(request), capturing);
            Object captured = capturing.isCaptureComplete()
                    ? capturing.toStoredResponse()
                    : capturing.uncapturedReason().orElseThrow();
            lateCaptures.put(request.getHeader("X-Probe"), captured);
        }
    }

    /** Buffers the body and starts capture from inside the application, behind further wrappers. */
    private static final class LateCaptureServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            CapturingResponse capturing = CapturingResponse.find(resp).orElseThrow();
            switch (req.getPathInfo()) {
                case "/capture" -> {
                    HttpServletRequest wrappedAgain = new HttpServletRequestWrapper(req);
                    ServletRequestView view = ServletRequestView.of(wrappedAgain);
                    java.io.ByteArrayOutputStream seenByEngine = new java.io.ByteArrayOutputStream();
                    view.readBody(1024, seenByEngine::write);
                    String readByApplication = new String(view.request().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    resp.setHeader("X-Before-Capture", "not captured");
                    capturing.startCapture(1024);
                    resp.setHeader("X-After-Capture", "captured");
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getWriter().print("engine=" + seenByEngine.toString(StandardCharsets.UTF_8)
                            + " application=" + readByApplication
                            + " sameRequest=" + (view.request() == wrappedAgain));
                }
                case "/first-read" -> { // a filter's read before the engine's, of a body without a declared length
                    BufferedBodyRequest buffered = BufferedBodyRequest.find(req).orElseThrow();
                    int limit = Integer.parseInt(req.getParameter("limit"));
                    buffered.bufferOnFirstRead(limit);
                    String read = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    String engine;
                    try {
                        java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
                        buffered.buffer(limit, seen::write);
                        engine = seen.toString(StandardCharsets.UTF_8);
                    } catch (io.github.idempotency.core.BodyTooLargeException e) {
                        engine = "413";
                    }
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getWriter().print("read=" + read + " engine=" + engine + " buffered=" + buffered.isBuffered());
                }
                case "/writer-first" -> {
                    PrintWriter writer = resp.getWriter();
                    capturing.startCapture(1024);
                    writer.print("written");
                }
                case "/never" -> {
                    jakarta.servlet.ServletOutputStream out = capturing.getOutputStream();
                    out.print("raw stream: " + (out == capturing.getResponse().getOutputStream()));
                }
                default -> resp.sendError(404);
            }
        }
    }

    /** One handler per path info; each counts its executions per Idempotency-Key. */
    private final class ScenarioServlet extends HttpServlet {

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String key = String.valueOf(req.getHeader("Idempotency-Key"));
            int n = executions.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            String scenario = req.getPathInfo() == null ? "" : req.getPathInfo();
            if (req.getHeader("X-Hold") != null) {
                Gate g = gate;
                g.entered.countDown();
                await(g.release);
            }
            switch (scenario) {
                case "/echo" -> echo(req, resp, n);
                case "/block" -> {
                    Gate g = gate;
                    g.entered.countDown();
                    await(g.release);
                    resp.setStatus(201);
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getWriter().print("done " + n);
                }
                case "/close-then-block" -> {
                    resp.setStatus(201);
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getOutputStream().write(("closed " + n).getBytes(StandardCharsets.UTF_8));
                    resp.getOutputStream().close();
                    Gate g = gate;
                    g.entered.countDown();
                    await(g.release);
                }
                case "/length-then-block" -> {
                    byte[] body = ("complete " + n).getBytes(StandardCharsets.UTF_8);
                    resp.setStatus(201);
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.setContentLength(body.length);
                    resp.getWriter().print("complete ");
                    resp.getWriter().print(n);
                    resp.flushBuffer();
                    Gate g = gate;
                    g.entered.countDown();
                    await(g.release);
                }
                case "/status-500" -> {
                    resp.setStatus(500);
                    resp.getWriter().print("failed " + n);
                }
                case "/throw" -> throw new IllegalStateException("handler failed on purpose");
                case "/writer-utf8" -> {
                    resp.setContentType("text/plain;charset=UTF-8");
                    PrintWriter w = resp.getWriter();
                    w.println("Grüße aus Köln, 10 € " + n);
                    w.print("日本語 \uD83D\uDE00");
                }
                case "/writer-latin1" -> {
                    resp.setContentType("text/plain");
                    resp.setCharacterEncoding("ISO-8859-1");
                    resp.getWriter().print("Grüße, ça coûte " + n);
                }
                case "/writer-json" -> {
                    resp.setContentType("application/json");
                    resp.getWriter().print("{\"city\":\"Zürich\",\"n\":" + n + "}");
                }
                case "/writer-default" -> {
                    resp.setContentType("text/plain");
                    resp.getWriter().print("café " + n);
                }
                case "/stream" -> {
                    resp.setContentType("application/octet-stream");
                    byte[] bytes = new byte[256];
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = (byte) i;
                    }
                    resp.getOutputStream().write(bytes);
                    resp.getOutputStream().print("n=" + n);
                    resp.getOutputStream().println();
                    resp.getOutputStream().println("end");
                }
                case "/read-in-parts" -> {
                    ServletInputStream in = req.getInputStream();
                    long skipped = in.skip(2);
                    byte[] part = new byte[3];
                    int read = in.readNBytes(part, 0, part.length);
                    ByteArrayOutputStream rest = new ByteArrayOutputStream();
                    long transferred = in.transferTo(rest);
                    resp.setContentType("text/plain");
                    resp.getWriter().print("skipped=" + skipped + " part=" + new String(part, 0, read, StandardCharsets.UTF_8)
                            + " rest=" + rest.toString(StandardCharsets.UTF_8) + " (" + transferred + ") end=" + in.read());
                }
                case "/print-non-ascii" -> {
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getOutputStream().print("caf\u00e9 " + n);
                }
                case "/writer-unmappable" -> {
                    resp.setContentType("text/plain;charset=ISO-8859-1");
                    resp.getWriter().print("10 \u20ac " + n);
                }
                case "/flush-early" -> {
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.setHeader("X-Before-Commit", "kept");
                    resp.getOutputStream().write(("part one " + n + "\n").getBytes(StandardCharsets.UTF_8));
                    resp.flushBuffer();
                    resp.setHeader("X-After-Commit", "ignored by the container");
                    resp.getOutputStream().write("part two".getBytes(StandardCharsets.UTF_8));
                }
                case "/send-error" -> resp.sendError(404, "no such account " + n);
                case "/forward" -> {
                    try {
                        req.getRequestDispatcher("/api/echo").forward(req, resp);
                    } catch (jakarta.servlet.ServletException e) {
                        throw new IOException(e);
                    }
                }
                case "/redirect" -> resp.sendRedirect("/api/target?n=" + n);
                // The Servlet 6.1 overloads; only the servlet61-test module calls these.
                case "/redirect-307" -> resp.sendRedirect("/api/target?n=" + n, 307);
                case "/redirect-303-keep-body" -> {
                    resp.setContentType("text/plain");
                    resp.getOutputStream().write(("see the order " + n).getBytes(StandardCharsets.UTF_8));
                    resp.sendRedirect("/api/target?n=" + n, 303, false);
                }
                case "/redirect-clear-body" -> {
                    resp.setContentType("text/plain");
                    resp.getOutputStream().write("dropped".getBytes(StandardCharsets.UTF_8));
                    resp.sendRedirect("/api/target?n=" + n, true);
                }
                case "/form" -> {
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getWriter().print("name=" + req.getParameter("name")
                            + " amount=" + req.getParameter("amount")
                            + " tags=" + Arrays.toString(req.getParameterValues("tag"))
                            + " source=" + req.getParameter("source")
                            + " names=" + req.getParameterMap().keySet()
                            + " n=" + n);
                }
                case "/async" -> {
                    Gate g = gate;
                    AsyncContext async = req.startAsync();
                    g.entered.countDown();
                    async.start(() -> {
                        await(g.release);
                        HttpServletResponse asyncResponse = (HttpServletResponse) async.getResponse();
                        asyncResponse.setStatus(202);
                        asyncResponse.setContentType("text/plain;charset=UTF-8");
                        asyncResponse.setHeader("X-Async", "yes");
                        try {
                            asyncResponse.getWriter().print("accepted later " + n);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                    });
                }
                case "/huge" -> {
                    resp.setContentType("application/octet-stream");
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < HUGE_BODY / chunk.length; i++) {
                        Arrays.fill(chunk, (byte) i);
                        resp.getOutputStream().write(chunk);
                    }
                }
                case "/throw-mid-body" -> {
                    resp.setContentType("text/plain");
                    resp.getOutputStream().write(("partial " + n).getBytes(StandardCharsets.UTF_8));
                    resp.flushBuffer();
                    throw new IllegalStateException("handler failed mid-body on purpose");
                }
                case "/short-body" -> {
                    resp.setContentType("text/plain");
                    resp.setContentLength(100);
                    resp.getOutputStream().write(("ten bytes " + n).getBytes(StandardCharsets.UTF_8), 0, 10);
                    resp.flushBuffer(); // committed, so that no container replaces it with an error page
                }
                case "/async-timeout" -> {
                    Gate g = gate;
                    AsyncContext async = req.startAsync();
                    async.setTimeout(200);
                    async.addListener(new AsyncListener() {
                        @Override
                        public void onTimeout(AsyncEvent event) throws IOException {
                            HttpServletResponse timedOut = (HttpServletResponse) event.getAsyncContext().getResponse();
                            timedOut.setStatus(503);
                            timedOut.getWriter().print("timed out " + n);
                            event.getAsyncContext().complete();
                        }

                        @Override
                        public void onComplete(AsyncEvent event) {
                        }

                        @Override
                        public void onError(AsyncEvent event) {
                        }

                        @Override
                        public void onStartAsync(AsyncEvent event) {
                        }
                    });
                    g.entered.countDown();
                    async.start(() -> await(g.release)); // the work goes on after the timeout
                }
                case "/multipart" -> {
                    StringBuilder text = new StringBuilder("title=" + req.getParameter("title") + " parts=");
                    try {
                        for (Part part : req.getParts()) {
                            byte[] content = part.getInputStream().readAllBytes();
                            text.append('[').append(part.getName()).append(':').append(part.getSubmittedFileName())
                                    .append(':').append(part.getContentType()).append(':').append(content.length)
                                    .append(':').append(Arrays.hashCode(content)).append(']');
                        }
                    } catch (jakarta.servlet.ServletException e) {
                        throw new IOException(e);
                    }
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getWriter().print(text.append(" n=").append(n));
                }
                case "/reader" -> {
                    String body = req.getReader().lines().collect(java.util.stream.Collectors.joining("|"));
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.getWriter().print("lines=" + body + " n=" + n);
                }
                case "/reset-writer" -> {
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.setHeader("X-Draft", "dropped");
                    PrintWriter w = resp.getWriter();
                    w.print("draft that reset() discards");
                    resp.reset();
                    resp.setStatus(201);
                    resp.setContentType("text/plain;charset=UTF-8");
                    w.print("final " + n);
                    resp.getWriter().print(" via a new writer");
                }
                case "/large" -> {
                    resp.setContentType("application/octet-stream");
                    resp.setHeader("X-Large", "yes");
                    byte[] bytes = new byte[2 * MAX_STORED_BODY];
                    Arrays.fill(bytes, (byte) ('a' + n % 26));
                    resp.getOutputStream().write(bytes);
                }
                case "/large-writer" -> {
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.setHeader("X-Large", "yes");
                    char[] chars = new char[MAX_STORED_BODY / 2];
                    Arrays.fill(chars, (char) ('a' + n % 26));
                    for (int i = 0; i < 4; i++) {
                        resp.getWriter().write(chars);
                    }
                }
                default -> resp.sendError(400, "unknown scenario " + scenario);
            }
        }

        private void echo(HttpServletRequest req, HttpServletResponse resp, int n) throws IOException {
            String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            resp.setStatus(201);
            resp.setContentType("application/json");
            resp.addHeader("Link", "<https://example.test/a>; rel=\"first\"");
            resp.setHeader("X-Execution", Integer.toString(n));
            resp.addHeader("Link", "<https://example.test/b>; rel=\"second\"");
            resp.setIntHeader("X-Answer", 42);
            resp.setDateHeader("Last-Modified", 1_700_000_000_000L);
            resp.addHeader("Vary", "Accept");
            resp.addHeader("Vary", "Accept-Language");
            resp.addCookie(new Cookie("session", "s" + n));
            resp.setLocale(java.util.Locale.CANADA_FRENCH);
            String user = req.getRemoteUser() == null ? "anonymous" : req.getRemoteUser();
            resp.getOutputStream().write(("{\"execution\":" + n + ",\"user\":\"" + user + "\",\"received\":" + body + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the handler");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
