package io.github.idempotency.spring.internal;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.store.IdempotencyStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.method.HandlerMethod;

/**
 * The one INFO line that says, once the application context is ready, that the library is active:
 * the store it uses and the handlers it guards. Working out each handler's policy here also fails
 * the startup on an {@code @Idempotent} attribute that is not valid, instead of the first request
 * to that handler.
 */
public final class StartupReport {

    private static final Logger log = LoggerFactory.getLogger("io.github.idempotency.spring");
    private static final int LISTED = 10;

    private StartupReport() {
    }

    /**
     * @param store the store
     * @param defaults the policy of an annotation that sets no attribute
     * @param mappings the handler methods of each request mapping, by their mapping
     * @return the line logged
     * @throws IllegalStateException if an {@code @Idempotent} attribute is not valid
     */
    public static String log(IdempotencyStore store, EndpointPolicy defaults,
            Collection<? extends Map<?, HandlerMethod>> mappings) {
        EndpointPolicies policies = new EndpointPolicies(defaults);
        List<String> guarded = new ArrayList<>();
        for (Map<?, HandlerMethod> mapping : mappings) {
            mapping.forEach((info, handler) -> {
                if (policies.policyOf(handler).isPresent()) {
                    guarded.add(info.toString());
                }
            });
        }
        guarded.sort(null);
        String listed = guarded.isEmpty() ? "" : ": " + String.join(", ", guarded.subList(0, Math.min(LISTED, guarded.size())))
                + (guarded.size() > LISTED ? " and " + (guarded.size() - LISTED) + " more" : "");
        String line = "Idempotency-Key guards " + (guarded.isEmpty() ? "no handler (none is @Idempotent)"
                : guarded.size() == 1 ? "1 handler" : guarded.size() + " handlers") + " on " + store + listed;
        log.info(line);
        return line;
    }
}
