package io.github.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.TestRequest;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.servlet.CapturingResponse;
import io.github.idempotency.servlet.ClaimSettlement;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;

/**
 * The filter's end-of-request paths in the order containers differ in: the end of a request
 * reported before its error page or while asynchronous processing goes on (as Jetty reports it).
 */
class IdempotencyCaptureFilterTest {

    private final IdempotencyEngine engine = IdempotencyEngine.builder(InMemoryIdempotencyStore.create()).build();
    private final IdempotencyCaptureFilter filter = new IdempotencyCaptureFilter();
    private final TestRequest request = TestRequest.post("/orders").withHeader("Idempotency-Key", "k-1")
            .withJsonBody("{\"item\":\"book\"}");

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void anErrorPageRenderedAfterTheContainerReportedTheRequestsEndIsStillStored() throws Exception {
        MockHttpServletRequest servletRequest = guardedRequestEndingWithSendError400();
        assertThat(ClaimSettlement.find(servletRequest).orElseThrow().awaitingErrorPage()).isTrue();

        filter.requestDestroyed(new ServletRequestEvent(new MockServletContext(), servletRequest)); // as Jetty does

        assertThat(ClaimSettlement.find(servletRequest).orElseThrow().isSettled()).isFalse();
        assertThat(engine.decide(request, EndpointPolicy.defaults())).as("the claim is kept").isInstanceOf(Decision.Reject.class);
        renderErrorPageThroughTheFilter(servletRequest);

        Decision retry = engine.decide(request, EndpointPolicy.defaults());
        assertThat(retry).isInstanceOf(Decision.Replay.class);
        assertThat(new String(((Decision.Replay) retry).response().body())).isEqualTo("{\"status\":400}");
    }

    @Test
    void theEndOfADispatchThatStartedAsyncProcessingLeavesTheClaimToTheAsyncListener() throws Exception {
        Proceed proceed = (Proceed) engine.decide(request, EndpointPolicy.defaults());
        MockHttpServletRequest servletRequest = new MockHttpServletRequest("POST", "/orders");
        servletRequest.setAsyncSupported(true);
        filter.doFilter(servletRequest, new MockHttpServletResponse(), (req, res) -> {
            ClaimSettlement.attach((HttpServletRequest) req, proceed, CapturingResponse.find(res).orElseThrow());
            req.startAsync();
        });

        filter.requestDestroyed(new ServletRequestEvent(new MockServletContext(), servletRequest)); // as Jetty does

        assertThat(ClaimSettlement.find(servletRequest).orElseThrow().isSettled()).isFalse();
        assertThat(engine.decide(request, EndpointPolicy.defaults())).isInstanceOf(Decision.Reject.class);
    }

    @Test
    void responseIsStoredAsSoonAsItsDeclaredBodyIsWrittenBeforeTheChainReturns() throws Exception {
        Proceed proceed = (Proceed) engine.decide(request, EndpointPolicy.defaults());
        Decision[] retryWhileTheHandlerReturns = new Decision[1];

        filter.doFilter(new MockHttpServletRequest("POST", "/orders"), new MockHttpServletResponse(), (req, res) -> {
            ClaimSettlement.attach((HttpServletRequest) req, proceed, CapturingResponse.find(res).orElseThrow());
            res.setContentType("application/json");
            res.setContentLength(10);
            res.getOutputStream().write("{\"id\":\"1\"}".getBytes());
            retryWhileTheHandlerReturns[0] = engine.decide(request, EndpointPolicy.defaults());
        });

        assertThat(retryWhileTheHandlerReturns[0]).isInstanceOf(Decision.Replay.class);
        assertThat(((Decision.Replay) retryWhileTheHandlerReturns[0]).response().body())
                .isEqualTo("{\"id\":\"1\"}".getBytes());
    }

    @Test
    void errorPageRenderedThroughTheFilterIsStored() throws Exception {
        MockHttpServletRequest servletRequest = guardedRequestEndingWithSendError400();

        renderErrorPageThroughTheFilter(servletRequest);
        filter.requestDestroyed(new ServletRequestEvent(new MockServletContext(), servletRequest));

        Decision retry = engine.decide(request, EndpointPolicy.defaults());
        assertThat(retry).isInstanceOf(Decision.Replay.class);
        Decision.Replay replay = (Decision.Replay) retry;
        assertThat(replay.response().status()).isEqualTo(400);
        assertThat(new String(replay.response().body())).isEqualTo("{\"status\":400}");
        assertThat(replay.response().headerValues("Content-Type")).containsExactly("application/json");
    }

    /** A guarded request whose handler ends with {@code sendError(400)}: its error page is still to come. */
    private MockHttpServletRequest guardedRequestEndingWithSendError400() throws Exception {
        Proceed proceed = (Proceed) engine.decide(request, EndpointPolicy.defaults());
        MockHttpServletRequest servletRequest = new MockHttpServletRequest("POST", "/orders");
        filter.doFilter(servletRequest, new MockHttpServletResponse(), (req, res) -> {
            ClaimSettlement.attach((HttpServletRequest) req, proceed, CapturingResponse.find(res).orElseThrow());
            ((HttpServletResponse) res).sendError(400);
        });
        return servletRequest;
    }

    /** The container's error dispatch rendering {@code {"status":400}} as JSON. */
    private void renderErrorPageThroughTheFilter(MockHttpServletRequest servletRequest) throws Exception {
        servletRequest.setDispatcherType(DispatcherType.ERROR);
        MockHttpServletResponse errorPage = new MockHttpServletResponse();
        errorPage.setStatus(400);
        filter.doFilter(servletRequest, errorPage, (req, res) -> {
            res.setContentType("application/json");
            res.getOutputStream().write("{\"status\":400}".getBytes());
        });
    }
}
