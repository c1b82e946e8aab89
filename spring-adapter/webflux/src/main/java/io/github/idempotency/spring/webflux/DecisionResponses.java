package io.github.idempotency.spring.webflux;

import io.github.idempotency.core.Decision;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.problem.Problem;
import io.github.idempotency.core.store.ResponseHeader;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Answers on a handler's behalf, byte for byte: a replay (the stored status, headers and body, plus
 * {@value IdempotencyEngine#REPLAYED_HEADER}{@code : true}) or a problem
 * ({@code application/problem+json}, with {@code Retry-After} when it has one). Written straight
 * to the response, never through codecs, so nothing is added or re-encoded.
 */
final class DecisionResponses {

    private DecisionResponses() {
    }

    /** Writes a replay or a problem to {@code response}. */
    static Mono<Void> write(Decision decision, ServerHttpResponse response) {
        response.setStatusCode(HttpStatusCode.valueOf(status(decision)));
        headers(decision, response.getHeaders());
        return body(decision).insert(response, null);
    }

    /** A functional endpoint's answer: a replay or a problem. */
    static Mono<ServerResponse> serverResponse(Decision decision) {
        return ServerResponse.status(status(decision))
                .headers(headers -> headers(decision, headers))
                .body(body(decision));
    }

    private static int status(Decision decision) {
        return decision instanceof Decision.Replay replay ? replay.response().status() : problem(decision).status();
    }

    private static void headers(Decision decision, HttpHeaders target) {
        if (decision instanceof Decision.Replay replay) {
            List<ResponseHeader> headers = replay.response().headers();
            for (int i = 0; i < headers.size(); i++) {
                ResponseHeader header = headers.get(i);
                if (isFirstLineOf(header.name(), headers, i)) {
                    target.set(header.name(), header.value()); // replaces what a filter added before
                } else {
                    target.add(header.name(), header.value());
                }
            }
            target.set(IdempotencyEngine.REPLAYED_HEADER, "true");
        } else {
            Problem problem = problem(decision);
            target.set(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE);
            problem.retryAfterHeader().ifPresent(seconds -> target.set(HttpHeaders.RETRY_AFTER, seconds));
        }
    }

    private static BodyInserter<byte[], ReactiveHttpOutputMessage> body(Decision decision) {
        byte[] bytes = decision instanceof Decision.Replay replay ? replay.response().body() : problem(decision).toJson();
        return (message, context) -> {
            message.getHeaders().setContentLength(bytes.length);
            return bytes.length == 0
                    ? message.setComplete()
                    : message.writeWith(Mono.fromSupplier(() -> message.bufferFactory().wrap(bytes)));
        };
    }

    private static Problem problem(Decision decision) {
        if (decision instanceof Decision.Reject reject) {
            return reject.problem();
        }
        throw new IllegalArgumentException("not a replay or a problem: " + decision);
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
}
