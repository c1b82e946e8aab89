package io.github.idempotency.spring.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.operation.internal.OperationExpressionRoot;
import io.github.idempotency.spring.operation.testapp.Orders.Order;
import io.github.idempotency.spring.operation.testapp.Orders.Receipt;
import io.github.idempotency.spring.operation.testapp.PaymentService;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

/**
 * Spring AOT's processing of a bean with {@code @IdempotentOperation} methods, as it runs on every
 * bean at build time: the arguments and results are registered for binding (Jackson and SpEL read
 * them by reflection in a native image), and so is the expressions' root object.
 */
class OperationRuntimeHintsTest {

    @Test
    void argumentAndResultTypesAreRegisteredForBindingAndTheExpressionRootForItsMethods() throws Exception {
        RuntimeHints hints = new RuntimeHints();

        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, PaymentService.class);

        assertThat(RuntimeHintsPredicates.reflection().onType(Order.class)
                .withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethod(Order.class.getMethod("id"))).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethod(Receipt.class.getMethod("orderId"))).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(OperationExpressionRoot.class)
                .withMemberCategories(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(hints);
    }
}
