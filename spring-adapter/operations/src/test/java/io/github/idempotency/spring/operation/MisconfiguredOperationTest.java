package io.github.idempotency.spring.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.spring.operation.boot.IdempotentOperationsAutoConfiguration;
import io.github.idempotency.spring.operation.testapp.Orders.Order;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Annotations that cannot work fail the bean's creation, and calls whose arguments give no key fail
 * before the method runs; each message names the method and the attribute.
 */
class MisconfiguredOperationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotentOperationsAutoConfiguration.class));

    @Test
    void anExpressionThatDoesNotParseFailsStartupNamingTheMethodAndTheExpression() {
        runner.withBean(UnparsableKey.class).run(context -> assertThat(startupProblem(context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("@IdempotentOperation on " + UnparsableKey.class.getName() + ".handle: key ="
                        + " \"#order.id +\" is not a valid SpEL expression"));
        runner.withBean(UnparsableScope.class).run(context -> assertThat(startupProblem(context))
                .hasMessageStartingWith("@IdempotentOperation on " + UnparsableScope.class.getName() + ".handle: scope ="
                        + " \"orders.#{#order.\" is not a valid SpEL expression"));
    }

    @Test
    void aDurationThatIsNotOneFailsStartup() {
        runner.withBean(UnreadableTtl.class).run(context -> assertThat(startupProblem(context))
                .hasMessage("@IdempotentOperation on " + UnreadableTtl.class.getName() + ".handle: ttl = \"tomorrow\" is"
                        + " not a duration; write it as 500ms, 30s, 10m, 24h, 7d or in ISO-8601 (PT10M)"));
        runner.withBean(ZeroLease.class).run(context -> assertThat(startupProblem(context))
                .hasMessage("@IdempotentOperation on " + ZeroLease.class.getName() + ".handle: lease must be positive,"
                        + " was 0"));
    }

    @Test
    void anAsynchronousOrTypeVariableResultFailsStartup() {
        runner.withBean(AsynchronousResult.class).run(context -> assertThat(startupProblem(context))
                .hasMessageContaining(AsynchronousResult.class.getName() + ".handle: returns"
                        + " java.util.concurrent.CompletableFuture<java.lang.String>, an asynchronous result"));
        runner.withBean(TypeVariableResult.class).run(context -> assertThat(startupProblem(context))
                .hasMessageContaining(TypeVariableResult.class.getName() + ".handle: returns java.util.List<T>, which"
                        + " names a type variable"));
    }

    @Test
    void aNullKeyFailsTheCallNamingTheMethodAndTheExpressionAndTheMethodDoesNotRun() {
        runner.withBean(NullableKey.class).run(context -> {
            NullableKey bean = context.getBean(NullableKey.class);

            assertThatThrownBy(() -> bean.handle(new Order(null, "acme", 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("@IdempotentOperation on " + NullableKey.class.getName() + ".handle: key = \"#order.id\""
                            + " gave null for these arguments, so the method did not run");
            assertThatThrownBy(() -> bean.handle(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("@IdempotentOperation on " + NullableKey.class.getName() + ".handle: key ="
                            + " \"#order.id\" cannot be evaluated for these arguments");
            assertThat(bean.runs()).isZero();
        });
    }

    @Test
    void aKeyThatIsNotAValidKeyOrHasNoTextOfItsOwnFailsTheCall() {
        runner.withBean(ObjectKey.class).run(context -> {
            ObjectKey bean = context.getBean(ObjectKey.class);

            assertThatThrownBy(() -> bean.handle("line\nbreak", new Object()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("@IdempotentOperation on " + ObjectKey.class.getName() + ".handle: key ="
                            + " \"#p0\" gave a key that is not valid: an operation key is visible ASCII");
            assertThatThrownBy(() -> bean.handleObject(new Object()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("gave a java.lang.Object, which has no toString() of its own");
            assertThat(bean.runs()).isZero();
        });
    }

    private static Throwable startupProblem(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable problem = context.getStartupFailure();
        while (problem.getCause() != null && !(problem instanceof IllegalStateException)) {
            problem = problem.getCause();
        }
        return problem;
    }

    static class UnparsableKey {
        @IdempotentOperation(key = "#order.id +")
        public void handle(Order order) {
        }
    }

    static class UnparsableScope {
        @IdempotentOperation(key = "#order.id", scope = "orders.#{#order.")
        public void handle(Order order) {
        }
    }

    static class UnreadableTtl {
        @IdempotentOperation(key = "#order.id", ttl = "tomorrow")
        public void handle(Order order) {
        }
    }

    static class ZeroLease {
        @IdempotentOperation(key = "#order.id", lease = "0s")
        public void handle(Order order) {
        }
    }

    static class AsynchronousResult {
        @IdempotentOperation(key = "#order.id")
        public CompletableFuture<String> handle(Order order) {
            return CompletableFuture.completedFuture(order.id());
        }
    }

    static class TypeVariableResult {
        @IdempotentOperation(key = "#order.id")
        public <T> List<T> handle(Order order) {
            return List.of();
        }
    }

    static class NullableKey {
        private int runs;

        public int runs() {
            return runs;
        }

        @IdempotentOperation(key = "#order.id")
        public void handle(Order order) {
            runs++;
        }
    }

    static class ObjectKey {
        private int runs;

        public int runs() {
            return runs;
        }

        @IdempotentOperation(key = "#p0", inputs = "#p1.class.name")
        public void handle(String key, Object payload) {
            runs++;
        }

        @IdempotentOperation(key = "#p0", inputs = "'same'")
        public void handleObject(Object key) {
            runs++;
        }
    }
}
