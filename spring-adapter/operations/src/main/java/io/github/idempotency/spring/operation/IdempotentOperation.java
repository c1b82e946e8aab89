package io.github.idempotency.spring.operation;

import io.github.idempotency.spring.operation.internal.OperationReflectionHints;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Runs a Spring bean method once per key: the first call with a key runs the method and stores what
 * it returned; every later call with that key gets the stored result, decoded into the method's
 * return type, without running the method, until the record's TTL ends. For any bean method a proxy
 * can intercept: service methods, {@code @KafkaListener}, {@code @RabbitListener},
 * {@code @JmsListener}, {@code @EventListener} and {@code @Scheduled} methods.
 *
 * <pre>{@code
 * @KafkaListener(topics = "payments")
 * @IdempotentOperation(key = "#message.id", inputs = "#message.payment")
 * public Receipt onPayment(PaymentMessage message) {
 *     return gateway.charge(message.payment());
 * }
 * }</pre>
 *
 * <p>Without a {@link #key()}, the key is the one of the HTTP request the method serves: service code
 * called from an {@code @Idempotent} handler records its outcome in its own transaction, so that a
 * retry that runs the handler again after a crash finds it.
 *
 * <pre>{@code
 * @Transactional
 * @IdempotentOperation(scope = "payments.create")
 * public Payment create(String user, PaymentRequest request) {
 *     return ledger.insert(user, request); // the row and the record commit together
 * }
 * }</pre>
 *
 * <p>Each call is an {@link io.github.idempotency.core.operation.IdempotentOperations} run, with
 * its semantics: the inputs are fingerprinted and a call with the key and other inputs throws
 * {@link io.github.idempotency.core.operation.OperationKeyReusedException}; a call while another
 * with the key still runs throws
 * {@link io.github.idempotency.core.operation.OperationInProgressException} or waits
 * ({@link #maxWait()}); an exception of the method releases the key and reaches the caller, unless
 * {@link #storeFailuresOf()} makes it the stored outcome. The method does not run when any of these
 * is thrown.
 *
 * <p>The call must go through the bean's proxy, as for {@code @Transactional}: a call from another
 * method of the same object ({@code this.charge(...)}) is not intercepted. Inside a
 * {@code @Transactional} method the operation runs within the transaction by default (see
 * {@code idempotency.operations.order}); with the JDBC store on the transaction's data source, its
 * claim and record are written in that transaction and commit or roll back with the method's writes
 * ({@link io.github.idempotency.spring.operation.jdbc.TransactionalOperations}).
 *
 * <p>The expressions are SpEL over the method's arguments, parsed once per method: by name
 * ({@code #event}, with the {@code -parameters} compiler flag, which Spring Boot's build plugins
 * set), by position ({@code #p0}, {@code #a0}) or through the root object ({@code #root.args[0]},
 * {@code #root.method}, {@code #root.target}); {@code @beanName} refers to a bean. An expression
 * that does not parse, a duration that is not one, or a return type that names no concrete type
 * fails the creation of the bean with an {@link IllegalStateException} naming the method and the
 * attribute. Durations are written as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h},
 * {@code 7d} or in ISO-8601 ({@code PT10M}); empty takes the {@code idempotency.operations.*}
 * property.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(OperationReflectionHints.class)
public @interface IdempotentOperation {

    /**
     * @return SpEL giving the idempotency key from the arguments, for example {@code #event.id},
     *     {@code #p0} or {@code #root.args[0].headers['message-id']}: the same value on every
     *     delivery or retry of the same operation. The value's {@code toString()} is the key, so it
     *     is a string, a number, a UUID or another value with a {@code toString()} of its own; 1 to
     *     255 characters of visible ASCII. A call whose key cannot be evaluated, is {@code null}
     *     or is not valid throws {@link IllegalArgumentException} naming the method and the
     *     expression, and the method does not run.
     *
     *     <p>Empty (the default) takes the {@code Idempotency-Key} of the HTTP request the method is
     *     called for: a method called on the thread of a Spring MVC handler guarded by
     *     {@code @Idempotent} runs once per key of that request, in a scope that is the annotation's
     *     scope joined with the request's (its principal, method and route, by default), through
     *     {@link io.github.idempotency.core.operation.OperationKey#forRequest}. With the JDBC
     *     store's transactional mode the method's writes and its record then commit together, so a
     *     retry whose handler runs again (its first attempt's process died after the commit, before
     *     the response was stored) gets the stored result instead of writing twice. Called on a
     *     thread that serves no such request, the method does not run and the call throws
     *     {@link IllegalStateException} saying why.
     */
    String key() default "";

    /**
     * @return the scope of the key, a string that may hold SpEL in {@code #{...}}
     *     ({@code payments.charge}, {@code payments.#{#order.tenant}}); two methods with the same
     *     scope share their keys. Empty (the default) is the bean's class and the method's name,
     *     {@code OrderConsumer.handle}: name the scope when overloads of a method, or classes of the
     *     same simple name, must not share keys, and keep it when the class is renamed.
     */
    String scope() default "";

    /**
     * @return SpEL giving what the method depends on, fingerprinted so that a call with the key and
     *     other inputs is rejected, for example {@code #message.payment}. Empty (the default) is the
     *     list of all arguments; name the inputs when an argument changes between deliveries of the
     *     same message (a delivery tag, an {@code Acknowledgment}, a channel, a timestamp) or
     *     cannot be encoded by the codec. A value of {@code null} throws
     *     {@link IllegalArgumentException}, as for the key.
     */
    String inputs() default "";

    /**
     * @return how long the claim lives without renewal (renewed every third of it while the method
     *     runs, and how long a key stays blocked after a crash); empty (the default) takes
     *     {@code idempotency.operations.lease} (30 s unless configured)
     */
    String lease() default "";

    /**
     * @return how long the outcome is kept and returned to later calls; empty (the default) takes
     *     {@code idempotency.operations.ttl} (24 h unless configured)
     */
    String ttl() default "";

    /**
     * @return how long a call made while another call with the key still runs waits for that
     *     call's outcome: {@code 0s} throws {@link io.github.idempotency.core.operation.OperationInProgressException}
     *     at once; a positive duration waits up to that long, then returns the result (or runs the
     *     method, when the first call failed and released the key) or throws. Empty (the default)
     *     takes {@code idempotency.operations.max-wait} ({@code 0s} unless configured).
     */
    String maxWait() default "";

    /**
     * @return exception classes (their subclasses too) whose throwing is the operation's final
     *     outcome: stored and rethrown, and every later call with the key gets a
     *     {@link io.github.idempotency.core.operation.ReplayedFailureException} without running the
     *     method. Empty (the default) takes the failure policy of the
     *     {@code IdempotentOperations} bean, which by default stores none: every exception releases
     *     the key, so that a retry runs the method again.
     */
    Class<? extends Exception>[] storeFailuresOf() default {};
}
