package io.github.idempotency.spring.operation;

import io.github.idempotency.core.operation.IdempotentOperations;
import io.github.idempotency.spring.operation.internal.OperationMethods;
import java.lang.reflect.Method;
import java.util.function.Supplier;
import org.aopalliance.aop.Advice;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Applies {@link IdempotentOperationInterceptor} to the methods annotated with
 * {@link IdempotentOperation}, for Spring's auto-proxying, as the transaction advisor does for
 * {@code @Transactional}. Deciding whether a method matches reads its annotation and parses its
 * expressions, so a misconfigured annotation fails the creation of its bean.
 *
 * <p>Its order (by default {@link Ordered#LOWEST_PRECEDENCE}, the same as Spring's transaction
 * advisor) says where the operation runs among the other advice of a method: an advisor with a
 * lower order value runs around it. Spring Boot's auto-configuration registers this advisor after
 * the transaction advisor, so that with equal orders the operation runs inside the method's
 * transaction.
 */
public final class IdempotentOperationAdvisor extends AbstractPointcutAdvisor {

    private final OperationMethods methods;
    private final IdempotentOperationInterceptor interceptor;
    private final Pointcut pointcut = new StaticMethodMatcherPointcut() {
        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return methods.find(method, targetClass).isPresent();
        }

        @Override
        public ClassFilter getClassFilter() {
            return type -> AnnotationUtils.isCandidateClass(type, IdempotentOperation.class);
        }
    };

    /**
     * @param operations gives the runner of a call, asked on every intercepted call (never while
     *     beans are proxied, so that proxying does not create the store early): the application's
     *     runner, or one that joins the call's transaction
     * @param beanFactory resolves {@code @beanName} in expressions; {@code null} for none
     */
    public IdempotentOperationAdvisor(Supplier<IdempotentOperations> operations, BeanFactory beanFactory) {
        this.methods = new OperationMethods(beanFactory);
        this.interceptor = new IdempotentOperationInterceptor(operations, methods);
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return interceptor;
    }
}
