package io.github.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The servlet filter's container tests on a Servlet 6.1 container, plus what only 6.1 has: the
 * {@code sendRedirect} overloads with a status and with the choice to keep the body.
 */
abstract class Servlet61FilterHttpTest extends IdempotencyFilterHttpTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "sendRedirect(location, 307)                        | /api/redirect-307            | 307 | ''",
        "sendRedirect(location, 303, false) keeps the body  | /api/redirect-303-keep-body  | 303 | see the order 1",
        "sendRedirect(location, true) clears the body       | /api/redirect-clear-body     | 302 | ''"})
    void aServlet61RedirectIsReplayedWithItsStatusLocationAndBody(String overload, String path, int status, String body)
            throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post(path, key, "text/plain", "x");
        awaitLatch(app.store.completed(key)); // Jetty sends a redirect inside sendRedirect, before it can be stored
        HttpResponse<byte[]> replay = post(path, key, "text/plain", "x");

        assertThat(first.statusCode()).isEqualTo(status);
        assertThat(first.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/api/target?n=1"));
        if (!body.isEmpty()) {
            assertThat(text(first)).isEqualTo(body);
        }
        assertThat(text(first)).doesNotContain("dropped");
        assertReplayOf(first, replay);
        assertThat(app.executions(key)).isEqualTo(1);
    }
}
