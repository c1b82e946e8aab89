package io.github.idempotency.spring;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/** Remembers whether {@code sendError} was called, so that the error page can be captured. */
final class SendErrorTracker extends HttpServletResponseWrapper {

    private boolean errorSent;

    SendErrorTracker(HttpServletResponse response) {
        super(response);
    }

    boolean errorSent() {
        return errorSent;
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        errorSent = true;
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        errorSent = true;
        super.sendError(sc);
    }
}
