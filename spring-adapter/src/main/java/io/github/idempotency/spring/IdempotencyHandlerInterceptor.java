package io.github.idempotency.spring;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.servlet.BufferedBodyRequest;
import io.github.idempotency.servlet.CapturingResponse;
import io.github.idempotency.servlet.ClaimSettlement;
import io.github.idempotency.servlet.DecisionWriter;
import io.github.idempotency.spring.internal.EndpointPolicies;
import io.github.idempotency.spring.internal.SpringRequestView;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Guards {@link Idempotent} handler methods: before the handler runs, asks the
 * {@link IdempotencyEngine} what to do with the request, and either lets the handler run (with the
 * response being captured), or answers on the handler's behalf with the stored response or a
 * problem.
 *
 * <p>The route of a request, part of its scope and fingerprint, is the handler mapping's route
 * template ({@code /payments/{id}}). The principal is Spring Security's authenticated,
 * non-anonymous principal when Spring Security is present, else the servlet container's.
 *
 * <p>Needs {@link IdempotencyCaptureFilter} in front of the {@code DispatcherServlet}: the filter installs
 * the request and response wrappers and stores or releases the response once the handler is done.
 * Without it (a {@code MockMvc} built without filters, say) a request without a key is still
 * answered as usual, and a request with one fails with an {@link IllegalStateException} saying how
 * to install the filter.
 * Handlers without {@link Idempotent}, requests whose method is not guarded and requests that are
 * guarded already (by this interceptor registered twice, or by the servlet module's filter) pass
 * untouched.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public class IdempotencyHandlerInterceptor implements HandlerInterceptor {

    private final IdempotencyEngine engine;
    private final EndpointPolicies policies;

    /**
     * @param engine decides and stores
     * @param defaults the policy of a handler whose annotation sets no attribute; each attribute
     *     that is set replaces the corresponding part
     */
    public IdempotencyHandlerInterceptor(IdempotencyEngine engine, EndpointPolicy defaults) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.policies = new EndpointPolicies(Objects.requireNonNull(defaults, "defaults"));
    }

    /**
     * @return {@code false} when the request was answered with a replay or a problem
     * @throws IllegalStateException if the handler's {@link Idempotent} has an invalid attribute,
     *     or {@link IdempotencyCaptureFilter} is not installed and the request has a key (a request
     *     without one is answered as usual: passed through, or {@code 400} when the key is required)
     * @throws IOException if the request body cannot be read or the answer cannot be written
     */
    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (request.getDispatcherType() != DispatcherType.REQUEST || ClaimSettlement.find(request).isPresent()) {
            return true;
        }
        Optional<EndpointPolicy> policy = handler instanceof HandlerMethod method ? policies.policyOf(method) : Optional.empty();
        if (policy.isEmpty() || !policy.get().guards(request.getMethod())) {
            if (request.getHeader(engine.keyHeader()) != null) { // the filter buffers such a body on first read
                BufferedBodyRequest.find(request).ifPresent(unguarded -> unguarded.bufferOnFirstRead(-1));
            }
            return true;
        }
        HandlerMethod handlerMethod = (HandlerMethod) handler;
        CapturingResponse capturing = CapturingResponse.find(response).orElse(null);
        if ((capturing == null || BufferedBodyRequest.find(request).isEmpty())
                && request.getHeader(engine.keyHeader()) != null) {
            // Without a key the engine neither reads the body nor claims, so such a request is answered as usual.
            throw new IllegalStateException("@Idempotent on " + handlerMethod.getShortLogMessage()
                    + " needs " + IdempotencyCaptureFilter.class.getName() + " in front of the DispatcherServlet;"
                    + " Spring Boot's auto-configuration registers it (and @AutoConfigureMockMvc adds it to MockMvc),"
                    + " MockMvcBuilders.webAppContextSetup(context) takes it with .addFilters(context.getBean("
                    + IdempotencyCaptureFilter.class.getSimpleName() + ".class)), and without Boot register it as a filter"
                    + " for the REQUEST, ASYNC and ERROR dispatcher types and as a request listener");
        }
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String route = pattern instanceof String template ? template : request.getRequestURI();
        Decision decision = engine.decide(new SpringRequestView(request, route), policy.get());
        if (decision instanceof Proceed proceed) {
            ClaimSettlement.attach(request, proceed, capturing);
            return true;
        }
        if (decision instanceof Decision.Replay replay) {
            DecisionWriter.writeReplay(replay, response);
            return false;
        }
        if (decision instanceof Decision.Reject reject) {
            DecisionWriter.writeProblem(reject, response);
            return false;
        }
        return true; // Decision.PassThrough: the handler runs without idempotency
    }
}
