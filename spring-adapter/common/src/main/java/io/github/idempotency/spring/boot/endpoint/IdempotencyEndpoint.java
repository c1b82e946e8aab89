package io.github.idempotency.spring.boot.endpoint;

import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.EntrySummary;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.InspectableStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.lang.Nullable;

/**
 * The Actuator endpoint {@code idempotency}: what the store holds for one key, and its eviction.
 * {@code GET /actuator/idempotency?principal=alice&method=POST&route=/payments&key=k-1} answers
 * the entry's state, fingerprint, expiry and, for a completed record, the stored status and body
 * size (never the body or a header value); {@code DELETE} with the same parameters evicts it, so
 * that the next request with the key runs the handler again.
 *
 * <p>The entry is named by the parts of the default scope ({@link ScopeResolver#principalMethodRoute()}):
 * {@code principal} (left out for an anonymous request), {@code method} and {@code route} (the
 * route template, {@code /payments/{id}}), and the {@code key}; or by the raw {@code scope} and the
 * {@code key}, which is the only way when the application has a {@link ScopeResolver} of its own.
 *
 * <p>Answers: {@code 200} with the entry (or {@code "evicted": true}); {@code 404} when there is no
 * live entry; {@code 400} for parameters that do not name an entry; {@code 501} when the store is
 * not an {@link InspectableStore}; {@code 503} when the store cannot answer. Every answer but
 * {@code 400} names the {@code scope} and {@code key} it looked at.
 */
@WebEndpoint(id = "idempotency")
public final class IdempotencyEndpoint {

    private static final int STATUS_NOT_IMPLEMENTED = 501;

    private final Supplier<IdempotencyStore> store;
    private final boolean defaultScopes;

    /**
     * @param store the store, looked up at each call (so that a missing store fails startup with
     *     the store configuration's message, not this endpoint's)
     * @param scopeResolver the application's scope resolver
     */
    IdempotencyEndpoint(Supplier<IdempotencyStore> store, ScopeResolver scopeResolver) {
        this.store = store;
        this.defaultScopes = scopeResolver == ScopeResolver.principalMethodRoute();
    }

    /**
     * @param key the idempotency key, as the client sent it
     * @param principal the principal's name; {@code null} for an anonymous request
     * @param method the HTTP method, as sent ({@code POST})
     * @param route the route template the request matched
     * @param scope the scope itself, instead of principal, method and route
     * @return the entry, or why there is none
     */
    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> entry(String key, @Nullable String principal, @Nullable String method,
            @Nullable String route, @Nullable String scope) {
        EntryKey entry = entryKey(key, principal, method, route, scope);
        return answer(entry, (inspectable, answer) -> {
            Optional<EntrySummary> found = inspectable.inspect(entry);
            if (found.isEmpty()) {
                return WebEndpointResponse.STATUS_NOT_FOUND;
            }
            EntrySummary summary = found.get();
            answer.put("state", summary instanceof EntrySummary.Completed ? "COMPLETED" : "IN_FLIGHT");
            answer.put("fingerprint", summary.fingerprint().hex());
            answer.put("expiresAt", summary.expiresAt().toString());
            if (summary instanceof EntrySummary.Completed record) {
                answer.put("status", record.status());
                answer.put("bodyBytes", record.bodyBytes());
            }
            return WebEndpointResponse.STATUS_OK;
        });
    }

    /**
     * Evicts the entry, whatever it holds (see {@link InspectableStore#evict(EntryKey)}).
     *
     * @param key the idempotency key, as the client sent it
     * @param principal the principal's name; {@code null} for an anonymous request
     * @param method the HTTP method, as sent ({@code POST})
     * @param route the route template the request matched
     * @param scope the scope itself, instead of principal, method and route
     * @return whether a live entry was evicted
     */
    @DeleteOperation
    public WebEndpointResponse<Map<String, Object>> evict(String key, @Nullable String principal, @Nullable String method,
            @Nullable String route, @Nullable String scope) {
        EntryKey entry = entryKey(key, principal, method, route, scope);
        return answer(entry, (inspectable, answer) -> {
            boolean evicted = inspectable.evict(entry);
            answer.put("evicted", evicted);
            return evicted ? WebEndpointResponse.STATUS_OK : WebEndpointResponse.STATUS_NOT_FOUND;
        });
    }

    private EntryKey entryKey(String key, String principal, String method, String route, String scope) {
        if (scope != null) {
            if (principal != null || method != null || route != null) {
                throw new InvalidEndpointRequestException("Give either scope, or method and route (with principal for an"
                        + " authenticated request), not both", "scope together with principal, method or route");
            }
            return new EntryKey(scope, key);
        }
        if (!defaultScopes) {
            throw new InvalidEndpointRequestException("The application resolves scopes with a ScopeResolver of its own:"
                    + " give the scope it resolves as the parameter scope", "no scope with a custom ScopeResolver");
        }
        if (method == null || route == null) {
            throw new InvalidEndpointRequestException("Give method and route (with principal for an authenticated"
                    + " request), or scope", "missing method or route");
        }
        return new EntryKey(ScopeResolver.principalMethodRouteScope(Optional.ofNullable(principal), method, route), key);
    }

    /**
     * Runs {@code operation} on the store, with the answer naming {@code entry} for it to fill in;
     * answers {@code 501} for a store that is not inspectable and {@code 503} when the store fails.
     */
    private WebEndpointResponse<Map<String, Object>> answer(EntryKey entry, StoreOperation operation) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("scope", entry.scope());
        answer.put("key", entry.key());
        IdempotencyStore current = store.get();
        if (!(current instanceof InspectableStore inspectable)) {
            answer.put("error", "The store " + current
                    + " cannot inspect or evict entries (it is not an InspectableStore)");
            return new WebEndpointResponse<>(answer, STATUS_NOT_IMPLEMENTED);
        }
        try {
            return new WebEndpointResponse<>(answer, operation.run(inspectable, answer));
        } catch (IdempotencyStoreException e) {
            answer.put("error", e.getMessage());
            return new WebEndpointResponse<>(answer, WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
    }

    /** One call of the store for an operation of the endpoint. */
    @FunctionalInterface
    private interface StoreOperation {
        /** @return the HTTP status of the answer, which the call has filled in */
        int run(InspectableStore store, Map<String, Object> answer);
    }
}
