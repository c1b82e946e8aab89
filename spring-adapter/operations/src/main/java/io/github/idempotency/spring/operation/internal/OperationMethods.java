package io.github.idempotency.spring.operation.internal;

import io.github.idempotency.spring.operation.IdempotentOperation;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * The {@link OperationMethod} of each method annotated with {@link IdempotentOperation} (on the
 * method, or on the method it implements or overrides), per bean class, worked out on first sight
 * and cached. Thread-safe.
 */
public final class OperationMethods {

    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
    private final BeanResolver beans;
    private final ConcurrentMap<AnnotatedElementKey, OperationMethod> byMethod = new ConcurrentHashMap<>();

    /** @param beanFactory resolves {@code @beanName} in expressions; {@code null} for none */
    public OperationMethods(BeanFactory beanFactory) {
        this.beans = beanFactory == null ? null : new BeanFactoryResolver(beanFactory);
    }

    /**
     * @param method a method, as called (it may be declared by an interface)
     * @param targetClass the class of the bean it is called on; {@code null} for the method's own
     * @return the method's operation; empty when it is not annotated
     * @throws IllegalStateException if the annotation is not valid, naming the method and the
     *     attribute
     */
    public Optional<OperationMethod> find(Method method, Class<?> targetClass) {
        Class<?> beanClass = targetClass == null ? method.getDeclaringClass() : targetClass;
        AnnotatedElementKey cacheKey = new AnnotatedElementKey(method, beanClass);
        OperationMethod known = byMethod.get(cacheKey);
        if (known != null) {
            return Optional.of(known);
        }
        Method specific = AopUtils.getMostSpecificMethod(method, beanClass);
        IdempotentOperation annotation = AnnotatedElementUtils.findMergedAnnotation(specific, IdempotentOperation.class);
        if (annotation == null) {
            return Optional.empty();
        }
        return Optional.of(byMethod.computeIfAbsent(cacheKey,
                k -> new OperationMethod(specific, beanClass, annotation, parser, parameterNames, beans)));
    }
}
