package io.github.idempotency.core.operation;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Objects;

/**
 * The type a stored result is decoded into, named by the caller, so a record never says which
 * class to instantiate: {@code ResultType.of(Receipt.class)} for a class, and for a generic type a
 * subclass that captures it, {@code new ResultType<List<Receipt>>() {}} (as Jackson's
 * {@code TypeReference}).
 *
 * <p>Immutable; equal when the types are equal.
 *
 * @param <T> the result type
 */
public abstract class ResultType<T> {

    private final Type type;

    /**
     * Captures the type argument of the anonymous subclass being created.
     *
     * @throws IllegalStateException if the subclass does not give a type argument
     *     ({@code new ResultType() {}}) or gives a type variable
     */
    protected ResultType() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized) || getClass().getSuperclass() != ResultType.class) {
            throw new IllegalStateException("create a ResultType as new ResultType<List<Receipt>>() {} with its type"
                    + " argument, or with ResultType.of(Receipt.class)");
        }
        Type argument = parameterized.getActualTypeArguments()[0];
        if (argument instanceof TypeVariable<?> variable) {
            throw new IllegalStateException("the type argument of this ResultType is the type variable " + variable
                    + ", which names no type to decode into; create the ResultType where the type is known");
        }
        this.type = argument;
    }

    private ResultType(Type type) {
        this.type = type;
    }

    /**
     * @param <T> the result type
     * @param type a class
     * @return the result type of that class
     */
    public static <T> ResultType<T> of(Class<T> type) {
        return new OfClass<>(Objects.requireNonNull(type, "type"));
    }

    /**
     * @param type a type read by reflection where no type argument can be written down, a
     *     method's generic return type say: a {@link Class} or a {@link ParameterizedType} whose
     *     arguments name types
     * @return the result type of that type
     * @throws IllegalArgumentException if the type is, or has as an argument, a type variable
     */
    public static ResultType<Object> ofType(Type type) {
        Objects.requireNonNull(type, "type");
        requireNoTypeVariable(type, type);
        return new OfType(type);
    }

    private static void requireNoTypeVariable(Type type, Type whole) {
        if (type instanceof TypeVariable<?> variable) {
            throw new IllegalArgumentException("the type " + whole.getTypeName() + " has the type variable " + variable
                    + ", which names no type to decode into; resolve it first");
        }
        if (type instanceof ParameterizedType parameterized) {
            for (Type argument : parameterized.getActualTypeArguments()) {
                requireNoTypeVariable(argument, whole);
            }
        }
    }

    /** @return the type, a {@link Class} or a {@link ParameterizedType} */
    public final Type type() {
        return type;
    }

    /** @return whether this names {@code void} or {@link Void}: a result that is never decoded */
    boolean isVoid() {
        return type == Void.class || type == void.class;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof ResultType<?> other && type.equals(other.type);
    }

    @Override
    public final int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return type.getTypeName();
    }

    private static final class OfClass<T> extends ResultType<T> {
        OfClass(Class<T> type) {
            super(type);
        }
    }

    private static final class OfType extends ResultType<Object> {
        OfType(Type type) {
            super(type);
        }
    }
}
