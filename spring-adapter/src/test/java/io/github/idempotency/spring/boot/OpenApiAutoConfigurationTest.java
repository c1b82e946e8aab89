package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.scope.ScopeResolver;
import io.github.idempotency.spring.openapi.IdempotencyOpenApiCustomizer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** When the OpenAPI customizer is there: with springdoc, unless turned off or replaced. */
class OpenApiAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

    @Test
    void withSpringdocTheCustomizerIsRegistered() {
        runner.run(context -> assertThat(context).hasSingleBean(IdempotencyOpenApiCustomizer.class)
                .hasBean("idempotencyOpenApiCustomizer"));
    }

    @Test
    void withoutSpringdocThereIsNone() {
        runner.withClassLoader(new FilteredClassLoader("org.springdoc"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(IdempotencyOpenApiCustomizer.class));
    }

    @Test
    void thePropertyTurnsItOff() {
        runner.withPropertyValues("idempotency.openapi.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(IdempotencyOpenApiCustomizer.class));
    }

    @Test
    void aBeanOfTheSameNameReplacesIt() {
        Object own = new Object();
        runner.withBean("idempotencyOpenApiCustomizer", Object.class, () -> own)
                .run(context -> assertThat(context).doesNotHaveBean(IdempotencyOpenApiCustomizer.class)
                        .getBean("idempotencyOpenApiCustomizer").isSameAs(own));
    }

    @Test
    void anApplicationsScopeResolverIsNotDescribedAsPerCaller() {
        runner.withBean(ScopeResolver.class, () -> request -> "tenant")
                .run(context -> assertThat(context.getBean(IdempotencyOpenApiCustomizer.class))
                        .extracting("scopePerCaller").isEqualTo(false));
        runner.run(context -> assertThat(context.getBean(IdempotencyOpenApiCustomizer.class))
                .extracting("scopePerCaller").isEqualTo(true));
    }
}
