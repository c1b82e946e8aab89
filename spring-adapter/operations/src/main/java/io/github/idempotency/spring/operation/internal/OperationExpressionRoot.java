package io.github.idempotency.spring.operation.internal;

import java.lang.reflect.Method;

/**
 * The root object of an {@code @IdempotentOperation} expression: {@code #root.args[0]},
 * {@code #root.method.name}, {@code #root.target}, {@code #root.targetClass}.
 */
public final class OperationExpressionRoot {

    private final Method method;
    private final Object[] args;
    private final Object target;
    private final Class<?> targetClass;

    OperationExpressionRoot(Method method, Object[] args, Object target, Class<?> targetClass) {
        this.method = method;
        this.args = args;
        this.target = target;
        this.targetClass = targetClass;
    }

    /** @return the annotated method */
    public Method getMethod() {
        return method;
    }

    /** @return the call's arguments */
    public Object[] getArgs() {
        return args;
    }

    /** @return the bean the method is called on */
    public Object getTarget() {
        return target;
    }

    /** @return the bean's class */
    public Class<?> getTargetClass() {
        return targetClass;
    }
}
