package io.github.idempotency.spring.operation.internal;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.stream.Stream;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.ReflectiveProcessor;

/**
 * The reflection a method annotated {@code @IdempotentOperation} needs at run time, for Spring AOT
 * and native images: its arguments and result are encoded and decoded by Jackson, and read by the
 * SpEL expressions, so their types are registered for binding (as
 * {@code @RegisterReflectionForBinding} does), and the expressions' root object for its methods.
 * Spring's AOT processing applies it to every bean method carrying the annotation, which is
 * meta-annotated {@code @Reflective} with this processor.
 */
public class OperationReflectionHints implements ReflectiveProcessor {

    private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

    @Override
    public void registerReflectionHints(ReflectionHints hints, AnnotatedElement element) {
        if (element instanceof Method method) {
            Type[] types = Stream.concat(Stream.of(method.getGenericParameterTypes()), Stream.of(method.getGenericReturnType()))
                    .filter(type -> type != void.class)
                    .toArray(Type[]::new);
            bindings.registerReflectionHints(hints, types);
            hints.registerType(OperationExpressionRoot.class, MemberCategory.INVOKE_PUBLIC_METHODS);
        }
    }
}
