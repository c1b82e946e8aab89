package io.github.idempotency.spring.operation;

import io.github.idempotency.core.operation.IdempotentOperations;
import io.github.idempotency.core.operation.OperationRequest;
import io.github.idempotency.spring.operation.internal.OperationMethod;
import io.github.idempotency.spring.operation.internal.OperationMethods;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;

/**
 * Runs each call of an {@link IdempotentOperation} method through {@link IdempotentOperations}: the
 * key, scope and inputs come from the annotation's expressions, the result type is the method's
 * generic return type. What the method throws reaches the caller unchanged; so do the runner's
 * exceptions. Calls of methods without the annotation proceed untouched. Thread-safe.
 */
public final class IdempotentOperationInterceptor implements MethodInterceptor {

    private final Supplier<IdempotentOperations> operations;
    private final OperationMethods methods;

    /**
     * @param operations gives the runner of each call, asked on every intercepted call
     * @param methods the annotated methods
     */
    IdempotentOperationInterceptor(Supplier<IdempotentOperations> operations, OperationMethods methods) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.methods = Objects.requireNonNull(methods, "methods");
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Optional<OperationMethod> found = methods.find(invocation.getMethod(),
                target == null ? null : AopUtils.getTargetClass(target));
        if (found.isEmpty()) {
            return invocation.proceed();
        }
        OperationMethod method = found.get();
        OperationRequest request = method.request(target, invocation.getArguments());
        IdempotentOperations runner = operations.get();
        try {
            if (method.returnsVoid()) {
                runner.run(request, () -> proceed(invocation));
                return null;
            }
            return runner.run(request, method.resultType(), () -> proceed(invocation));
        } catch (OtherThrowable other) {
            throw other.getCause();
        }
    }

    private static Object proceed(MethodInvocation invocation) throws Exception {
        try {
            return invocation.proceed();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new OtherThrowable(t);
        }
    }

    /** Carries a {@link Throwable} that is neither an {@link Exception} nor an {@link Error} through the runner. */
    private static final class OtherThrowable extends RuntimeException {
        OtherThrowable(Throwable cause) {
            super(cause);
        }
    }
}
