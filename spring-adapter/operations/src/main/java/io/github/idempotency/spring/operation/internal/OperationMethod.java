package io.github.idempotency.spring.operation.internal;

import io.github.idempotency.core.ConcurrencyPolicy;
import io.github.idempotency.core.operation.FailurePolicy;
import io.github.idempotency.core.operation.OperationKey;
import io.github.idempotency.core.operation.OperationRequest;
import io.github.idempotency.core.operation.ResultType;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.spring.internal.AnnotationDurations;
import io.github.idempotency.spring.operation.IdempotentOperation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.GenericTypeResolver;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.ParserContext;
import org.springframework.expression.common.LiteralExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * One method annotated with {@link IdempotentOperation}, on one bean class: its expressions parsed,
 * its durations read and its result type worked out once, when the bean is proxied. Immutable and
 * thread-safe.
 */
public final class OperationMethod {

    private static final String PUBLISHER = "org.reactivestreams.Publisher";

    private final Method method;
    private final Class<?> targetClass;
    private final String name;
    private final IdempotentOperation annotation;
    private final Expression key;
    private final Expression scope;
    private final Expression inputs;
    private final Duration lease;
    private final Duration ttl;
    private final ConcurrencyPolicy concurrency;
    private final FailurePolicy failurePolicy;
    private final ResultType<Object> resultType;
    private final ParameterNameDiscoverer parameterNames;
    private final BeanResolver beans;

    /**
     * @param method the most specific method: the bean class's, whose parameter names the
     *     expressions use
     * @param targetClass the bean class
     * @param annotation the method's annotation
     * @param parser parses the expressions
     * @param parameterNames names the parameters for the expressions
     * @param beans resolves {@code @beanName} in the expressions; {@code null} for none
     * @throws IllegalStateException if an expression does not parse, a duration is not one, or the
     *     return type names no concrete type or is asynchronous; the message names the method and
     *     the attribute
     */
    OperationMethod(Method method, Class<?> targetClass, IdempotentOperation annotation, SpelExpressionParser parser,
            ParameterNameDiscoverer parameterNames, BeanResolver beans) {
        this.method = method;
        this.targetClass = targetClass;
        this.name = ClassUtils.getQualifiedMethodName(method, ClassUtils.getUserClass(targetClass));
        this.annotation = annotation;
        this.parameterNames = parameterNames;
        this.beans = beans;
        if (!annotation.key().isEmpty() && annotation.key().isBlank()) {
            throw invalid("key is blank; name the id of the operation, for example key = \"#event.id\", or leave the"
                    + " key out to take the HTTP request's", null);
        }
        this.key = annotation.key().isEmpty() ? null : parse(parser, "key", annotation.key(), null);
        this.scope = annotation.scope().isEmpty()
                ? new LiteralExpression(ClassUtils.getUserClass(targetClass).getSimpleName() + "." + method.getName())
                : parse(parser, "scope", annotation.scope(), ParserContext.TEMPLATE_EXPRESSION);
        this.inputs = annotation.inputs().isEmpty() ? null : parse(parser, "inputs", annotation.inputs(), null);
        this.lease = positive(duration(annotation.lease(), "lease"), "lease");
        this.ttl = positive(duration(annotation.ttl(), "ttl"), "ttl");
        Duration maxWait = duration(annotation.maxWait(), "maxWait");
        this.concurrency = maxWait == null ? null : new ConcurrencyPolicy(maxWait);
        this.failurePolicy = annotation.storeFailuresOf().length == 0
                ? null
                : FailurePolicy.storeInstancesOf(annotation.storeFailuresOf());
        this.resultType = resultTypeOfMethod();
    }

    /**
     * @param target the bean the method is called on
     * @param args the call's arguments
     * @return the request of this call: its key, scope and inputs from the expressions, and the
     *     annotation's settings
     * @throws IllegalArgumentException if an expression cannot be evaluated for these arguments,
     *     or gives {@code null}, or the key is not a valid key; the message names the method and
     *     the expression
     * @throws IllegalStateException if the annotation names no key and the thread serves no HTTP
     *     request that holds a claim
     */
    public OperationRequest request(Object target, Object[] args) {
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
                new OperationExpressionRoot(method, args, target, targetClass), method, args, parameterNames);
        if (beans != null) {
            context.setBeanResolver(beans);
        }
        String scopeValue = evaluate(scope, "scope", annotation.scope(), context).toString();
        OperationKey operationKey = key == null
                ? OperationKey.forRequest(scopeValue, requestEntryKey())
                : keyOf(scopeValue, evaluate(key, "key", annotation.key(), context));
        Object inputsValue = inputs == null ? Arrays.asList(args) : evaluate(inputs, "inputs", annotation.inputs(), context);
        OperationRequest request = OperationRequest.of(operationKey, inputsValue);
        if (lease != null) {
            request = request.withLease(lease);
        }
        if (ttl != null) {
            request = request.withTtl(ttl);
        }
        if (concurrency != null) {
            request = request.withConcurrency(concurrency);
        }
        if (failurePolicy != null) {
            request = request.withFailurePolicy(failurePolicy);
        }
        return request;
    }

    /** @return whether the method returns {@code void}: nothing to decode */
    public boolean returnsVoid() {
        return resultType == null;
    }

    /** @return the type the stored result decodes into: the method's generic return type */
    public ResultType<Object> resultType() {
        return resultType;
    }

    private OperationKey keyOf(String scopeValue, Object keyValue) {
        try {
            return OperationKey.of(scopeValue, keyText(keyValue));
        } catch (IllegalArgumentException e) {
            throw unusable("key", annotation.key(), "gave a key that is not valid: " + e.getMessage(), e);
        }
    }

    private EntryKey requestEntryKey() {
        return HttpRequests.claimedEntryKey().orElseThrow(() -> new IllegalStateException("@IdempotentOperation on "
                + name + " names no key, so it takes the Idempotency-Key of the HTTP request it is called for, and "
                + (HttpRequests.inRequest()
                        ? "this request holds none (its handler is not @Idempotent, it was sent without a key, or the"
                                + " method runs on a thread of the handler's asynchronous processing)"
                        : "it is called outside a Spring MVC request")
                + ", so the method did not run; guard the handler with @Idempotent(keyRequired = true) and call the method"
                + " on its thread, or name the key, for example key = \"#event.id\""));
    }

    private String keyText(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (ReflectionUtils.findMethod(value.getClass(), "toString").getDeclaringClass() == Object.class) {
            throw unusable("key", annotation.key(), "gave a " + value.getClass().getName() + ", which has no toString()"
                    + " of its own to be the key; name the property holding the id (#event.id)", null);
        }
        return value.toString();
    }

    private Expression parse(SpelExpressionParser parser, String attribute, String source, ParserContext template) {
        try {
            return template == null ? parser.parseExpression(source) : parser.parseExpression(source, template);
        } catch (ParseException e) {
            throw invalid(attribute + " = \"" + source + "\" is not a valid SpEL expression: " + e.getMessage(), e);
        }
    }

    private Object evaluate(Expression expression, String attribute, String source, MethodBasedEvaluationContext context) {
        Object value;
        try {
            value = expression.getValue(context);
        } catch (EvaluationException e) {
            throw unusable(attribute, source, "cannot be evaluated for these arguments: " + e.getMessage(), e);
        }
        if (value == null) {
            throw unusable(attribute, source, "gave null for these arguments", null);
        }
        return value;
    }

    private Duration duration(String value, String attribute) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return AnnotationDurations.parse(value, attribute);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage(), e.getCause());
        }
    }

    private Duration positive(Duration duration, String attribute) {
        if (duration != null && duration.isZero()) {
            throw invalid(attribute + " must be positive, was 0", null);
        }
        return duration;
    }

    private ResultType<Object> resultTypeOfMethod() {
        Type declared = method.getGenericReturnType();
        Type type = GenericTypeResolver.resolveType(declared, targetClass);
        if (type == void.class) {
            return null;
        }
        Class<?> raw = method.getReturnType();
        if (CompletionStage.class.isAssignableFrom(raw) || Future.class.isAssignableFrom(raw)
                || isAssignableTo(raw, PUBLISHER)) {
            throw invalid("returns " + declared.getTypeName() + ", an asynchronous result; the method must return its"
                    + " result (or void) when its work is done, so that the outcome can be stored", null);
        }
        if (namesTypeVariable(type)) {
            throw invalid("returns " + declared.getTypeName() + ", which names a type variable, so the stored result has no"
                    + " type to decode into; declare the concrete return type", null);
        }
        return ResultType.ofType(type);
    }

    private static boolean isAssignableTo(Class<?> type, String superTypeName) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(superTypeName)
                    || Stream.of(c.getInterfaces()).anyMatch(i -> isAssignableTo(i, superTypeName))) {
                return true;
            }
        }
        return false;
    }

    private static boolean namesTypeVariable(Type type) {
        if (type instanceof TypeVariable<?>) {
            return true;
        }
        if (type instanceof ParameterizedType parameterized) {
            return Stream.of(parameterized.getActualTypeArguments()).anyMatch(OperationMethod::namesTypeVariable);
        }
        if (type instanceof GenericArrayType array) {
            return namesTypeVariable(array.getGenericComponentType());
        }
        if (type instanceof WildcardType wildcard) {
            return Stream.concat(Stream.of(wildcard.getUpperBounds()), Stream.of(wildcard.getLowerBounds()))
                    .anyMatch(OperationMethod::namesTypeVariable);
        }
        return false;
    }

    private IllegalStateException invalid(String problem, Throwable cause) {
        return new IllegalStateException("@IdempotentOperation on " + name + ": " + problem, cause);
    }

    private IllegalArgumentException unusable(String attribute, String source, String problem, Throwable cause) {
        return new IllegalArgumentException("@IdempotentOperation on " + name + ": " + attribute + " = \"" + source
                + "\" " + problem + ", so the method did not run", cause);
    }

    @Override
    public String toString() {
        return "@IdempotentOperation on " + name;
    }
}
