package io.github.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The servlet filter's container tests on a Servlet 6.1 container, plus what only 6.1 has: the
 * {@code sendRedirect} overloads with a status and with the choice to keep the body.
 */
abstract class Servlet61FilterHttpTest extends IdempotencyFilterHttpTest {

    @Test
    void aRedirectWithItsOwnStatusIsReplayedWithStatusAndLocation() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/redirect-307", key, "text/plain", "x");
        awaitLatch(app.store.completed(key)); // Jetty sends a redirect inside sendRedirect, before it can be stored
        HttpResponse<byte[]> replay = post("/api/redirect-307", key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(307);
        assertThat(first.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/api/target?n=1"));
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void aRedirectThatKeepsTheBodyIsReplayedWithThatBody() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/redirect-303-keep-body", key, "text/plain", "x");
        awaitLatch(app.store.completed(key)); // Jetty sends a redirect inside sendRedirect, before it can be stored
        HttpResponse<byte[]> replay = post("/api/redirect-303-keep-body", key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(text(first)).isEqualTo("see the order 1");
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(1);
    }

    @Test
    void aRedirectThatClearsTheBodyIsReplayedWithoutTheClearedBytes() throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post("/api/redirect-clear-body", key, "text/plain", "x");
        awaitLatch(app.store.completed(key)); // Jetty sends a redirect inside sendRedirect, before it can be stored
        HttpResponse<byte[]> replay = post("/api/redirect-clear-body", key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(text(first)).doesNotContain("dropped");
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(1);
    }
}
