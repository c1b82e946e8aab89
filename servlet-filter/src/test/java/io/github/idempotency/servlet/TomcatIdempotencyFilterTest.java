package io.github.idempotency.servlet;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/** The protocol over embedded Tomcat 10.1. */
class TomcatIdempotencyFilterTest extends IdempotencyFilterHttpTest {

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
}
