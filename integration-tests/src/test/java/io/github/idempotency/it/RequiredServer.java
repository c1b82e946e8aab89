package io.github.idempotency.it;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when a server it needs does not answer: skip with the reason, or fail when the
 * environment variable {@code CI} is {@code true}.
 */
final class RequiredServer {

    private RequiredServer() {
    }

    static <T> T missing(String server, Exception why) {
        String problem = server + " does not answer (" + why.getMessage() + ")";
        if ("true".equals(System.getenv("CI"))) {
            return fail(problem + "; it is required when CI=true", why);
        }
        Assumptions.abort(problem + "; skipping the tests that need it");
        throw new AssertionError("unreachable");
    }
}
