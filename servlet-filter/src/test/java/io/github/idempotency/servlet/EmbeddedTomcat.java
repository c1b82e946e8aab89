package io.github.idempotency.servlet;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/** An embedded Tomcat on a free local port with {@link TestApplication} as its only application (10.1 and 11 alike). */
final class EmbeddedTomcat {

    private final Tomcat tomcat = new Tomcat();

    /** @return the port */
    int start(TestApplication app) throws Exception {
        Path baseDir = Files.createTempDirectory("tomcat");
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", baseDir.toString());
        context.addServletContainerInitializer(app, null);
        tomcat.start();
        return tomcat.getConnector().getLocalPort();
    }

    void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }
}
