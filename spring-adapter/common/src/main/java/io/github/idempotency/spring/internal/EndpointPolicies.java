package io.github.idempotency.spring.internal;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.StoragePolicy;
import io.github.idempotency.core.fingerprint.FingerprintStrategy;
import io.github.idempotency.spring.Idempotent;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * The {@link EndpointPolicy} of each handler method: the application-wide defaults with the
 * attributes of the handler's {@link Idempotent} (method, else class) applied, worked out once per
 * handler and cached. Thread-safe.
 */
public final class EndpointPolicies {

    private final EndpointPolicy defaults;
    private final ConcurrentMap<Handler, Optional<EndpointPolicy>> byHandler = new ConcurrentHashMap<>();

    /** @param defaults the policy of a handler whose annotation sets no attribute */
    public EndpointPolicies(EndpointPolicy defaults) {
        this.defaults = defaults;
    }

    /**
     * @param handler a handler method
     * @return its policy; empty when neither the method nor its class is {@link Idempotent}
     * @throws IllegalStateException if an attribute of the annotation is not valid
     */
    public Optional<EndpointPolicy> policyOf(HandlerMethod handler) {
        return byHandler.computeIfAbsent(new Handler(handler.getBeanType(), handler.getMethod()),
                h -> annotationOf(handler).map(annotation -> apply(annotation, handler)));
    }

    private static Optional<Idempotent> annotationOf(HandlerMethod handler) {
        Idempotent onMethod = handler.getMethodAnnotation(Idempotent.class);
        if (onMethod != null) {
            return Optional.of(onMethod);
        }
        return Optional.ofNullable(AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), Idempotent.class));
    }

    private EndpointPolicy apply(Idempotent annotation, HandlerMethod handler) {
        EndpointPolicy.Builder policy = defaults.toBuilder();
        if (annotation.methods().length > 0) {
            policy.methods(annotation.methods());
        }
        if (annotation.keyRequired()) {
            policy.keyRequired(true);
        }
        if (!annotation.ttl().isEmpty()) {
            policy.ttl(duration(annotation.ttl(), "ttl", handler));
        }
        switch (annotation.storage()) {
            case DEFAULT -> policy.storagePolicy(StoragePolicy.defaults());
            case ALL -> policy.storagePolicy(StoragePolicy.storeAll());
            case CONFIGURED -> { }
        }
        if (!annotation.maxWait().isEmpty()) {
            policy.concurrency(new ConcurrencyPolicy(duration(annotation.maxWait(), "maxWait", handler)));
        }
        if (annotation.canonicalJson() || annotation.includeHeaders().length > 0
                || annotation.ignoreJsonFields().length > 0) {
            policy.fingerprint(FingerprintStrategy.builder()
                    .canonicalJson(annotation.canonicalJson())
                    .includeHeaders(annotation.includeHeaders())
                    .ignoreJsonFields(annotation.ignoreJsonFields())
                    .build());
        }
        try {
            return policy.build();
        } catch (IllegalArgumentException e) {
            throw invalid(handler, e.getMessage(), e);
        }
    }

    private static Duration duration(String value, String attribute, HandlerMethod handler) {
        try {
            return AnnotationDurations.parse(value, attribute);
        } catch (IllegalArgumentException e) {
            throw invalid(handler, e.getMessage(), e.getCause());
        }
    }

    private static IllegalStateException invalid(HandlerMethod handler, String problem, Throwable cause) {
        return new IllegalStateException("@Idempotent on " + handler.getShortLogMessage() + ": " + problem, cause);
    }

    /** A handler method on a concrete controller class (an inherited method may differ per class). */
    private record Handler(Class<?> beanType, Method method) {
    }
}
