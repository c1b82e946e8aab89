package io.github.idempotency.core;

import io.github.idempotency.core.problem.Problem;
import io.github.idempotency.core.store.StoredResponse;
import java.util.Objects;

/**
 * What {@link IdempotencyEngine#decide(RequestView, EndpointPolicy)} tells an adapter to do with
 * one request: exactly one of four cases.
 */
public sealed interface Decision permits Decision.PassThrough, Proceed, Decision.Replay, Decision.Reject {

    /**
     * Run the handler without idempotency: nothing is captured or stored.
     *
     * @param reason why the request is not guarded
     */
    record PassThrough(Reason reason) implements Decision {

        /** Why a request passes through. */
        public enum Reason {
            /** The method is not guarded by the endpoint's policy. */
            METHOD_NOT_GUARDED,
            /** No key was sent and the policy does not require one. */
            NO_KEY,
            /** The store failed and the engine fails open. */
            STORE_UNAVAILABLE
        }

        public PassThrough {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Do not run the handler; send {@code response} as stored, plus the header
     * {@value IdempotencyEngine#REPLAYED_HEADER}{@code : true}.
     *
     * @param response the stored response
     */
    record Replay(StoredResponse response) implements Decision {
        public Replay {
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * Do not run the handler; answer with {@code problem} as {@code application/problem+json}
     * (with {@code Retry-After} when the problem has one).
     *
     * @param problem the problem to answer with
     */
    record Reject(Problem problem) implements Decision {
        public Reject {
            Objects.requireNonNull(problem, "problem");
        }
    }
}
