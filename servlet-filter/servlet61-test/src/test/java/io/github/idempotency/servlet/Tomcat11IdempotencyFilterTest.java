package io.github.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

/** The servlet filter's container tests over embedded Tomcat 11 (Servlet 6.1). */
class Tomcat11IdempotencyFilterTest extends Servlet61FilterHttpTest {

    private final EmbeddedTomcat tomcat = new EmbeddedTomcat();

    @Override
    protected int start(TestApplication app) throws Exception {
        return tomcat.start(app);
    }

    @Override
    protected void stop() throws Exception {
        tomcat.stop();
    }

    @Test
    void runsOnTomcat11() {
        assertThat(ServerInfo.getServerNumber()).startsWith("11.");
    }
}
