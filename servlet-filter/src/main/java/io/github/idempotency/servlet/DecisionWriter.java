package io.github.idempotency.servlet;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.problem.Problem;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Writes the engine's answers that do not run the handler: a {@link Decision.Replay} and a
 * {@link Decision.Reject}. Both write to a response the application has not touched yet; headers
 * that earlier filters set stay, unless the answer sets the same name.
 */
public final class DecisionWriter {

    private DecisionWriter() {
    }

    /**
     * Sends a stored response: its status, its header lines in order (the first line of each name
     * replaces a value an earlier filter may have set, later lines are added), the header
     * {@value IdempotencyEngine#REPLAYED_HEADER}{@code : true}, {@code Content-Length} equal to the
     * body length, and the body bytes exactly.
     *
     * @param replay the decision
     * @param response a response that is not committed
     * @throws IOException if the body cannot be written
     */
    public static void writeReplay(Decision.Replay replay, HttpServletResponse response) throws IOException {
        StoredResponse stored = replay.response();
        response.setStatus(stored.status());
        List<ResponseHeader> headers = stored.headers();
        for (int i = 0; i < headers.size(); i++) {
            ResponseHeader header = headers.get(i);
            if (isFirstLineOf(header.name(), headers, i)) {
                response.setHeader(header.name(), header.value());
            } else {
                response.addHeader(header.name(), header.value());
            }
        }
        response.setHeader(IdempotencyEngine.REPLAYED_HEADER, "true");
        writeBody(stored.body(), response);
    }

    /**
     * Sends a problem: its status, {@code Content-Type: application/problem+json},
     * {@code Retry-After} when the problem has one, and the JSON of {@link Problem#toJson()}.
     *
     * @param reject the decision
     * @param response a response that is not committed
     * @throws IOException if the body cannot be written
     */
    public static void writeProblem(Decision.Reject reject, HttpServletResponse response) throws IOException {
        Problem problem = reject.problem();
        response.setStatus(problem.status());
        response.setContentType(Problem.CONTENT_TYPE);
        problem.retryAfterHeader().ifPresent(seconds -> response.setHeader("Retry-After", seconds));
        writeBody(problem.toJson(), response);
    }

    /** @return whether no header before index {@code end} has this name (stored responses have few headers) */
    private static boolean isFirstLineOf(String name, List<ResponseHeader> headers, int end) {
        for (int i = 0; i < end; i++) {
            if (headers.get(i).name().equalsIgnoreCase(name)) {
                return false;
            }
        }
        return true;
    }

    private static void writeBody(byte[] body, HttpServletResponse response) throws IOException {
        response.setContentLength(body.length);
        if (body.length > 0) {
            response.getOutputStream().write(body);
        }
    }
}
