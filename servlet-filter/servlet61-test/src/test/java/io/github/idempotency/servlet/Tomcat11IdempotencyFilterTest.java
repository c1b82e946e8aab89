package io.github.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

/** The servlet filter's container tests over embedded Tomcat 11 (Servlet 6.1). */
class Tomcat11IdempotencyFilterTest extends Servlet61FilterHttpTest {

    private Tomcat tomcat;

    @Override
    protected int start(TestApplication app) throws Exception {
        tomcat = new Tomcat();
        Path baseDir = Files.createTempDirectory("tomcat");
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", baseDir.toString());
        context.addServletContainerInitializer(app, null);
        tomcat.start();
        return tomcat.getConnector().getLocalPort();
    }

    @Override
    protected void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    @Test
    void runsOnTomcat11() {
        assertThat(ServerInfo.getServerNumber()).startsWith("11.");
    }
}
