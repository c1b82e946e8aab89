package io.github.idempotency.servlet;

/** The protocol over embedded Tomcat 10.1. */
class TomcatIdempotencyFilterTest extends IdempotencyFilterHttpTest {

    private final EmbeddedTomcat tomcat = new EmbeddedTomcat();

    @Override
    protected int start(TestApplication app) throws Exception {
        return tomcat.start(app);
    }

    @Override
    protected void stop() throws Exception {
        tomcat.stop();
    }
}
