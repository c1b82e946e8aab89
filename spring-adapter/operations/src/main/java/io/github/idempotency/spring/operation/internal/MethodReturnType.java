package io.github.idempotency.spring.operation.internal;

import io.github.idempotency.core.operation.ResultType;
import java.lang.reflect.Type;

/**
 * The generic return type of an annotated method ({@code List<Receipt>}) as the {@link ResultType}
 * its stored result decodes into. {@link ResultType} captures a generic type only through a
 * subclass written where the type is known; this one carries the type read from the method, and
 * {@link #type()} is what codecs decode into. Its {@code equals}, final in {@link ResultType},
 * compares the type the superclass captured ({@code Object}), so instances of this class are not
 * to be compared; the runner never compares result types.
 */
final class MethodReturnType extends ResultType<Object> {

    private final Type type;

    MethodReturnType(Type type) {
        this.type = type;
    }

    @Override
    public Type type() {
        return type;
    }

    @Override
    public String toString() {
        return type.getTypeName();
    }
}
