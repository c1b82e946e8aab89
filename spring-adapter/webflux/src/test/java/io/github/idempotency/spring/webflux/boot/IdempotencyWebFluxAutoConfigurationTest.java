package io.github.idempotency.spring.webflux.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import io.github.idempotency.spring.webflux.IdempotencyHttpHandlerDecorator;
import io.github.idempotency.spring.webflux.IdempotencyWebFilter;
import io.github.idempotency.spring.webflux.ReactiveIdempotencyGuard;
import io.github.idempotency.store.jdbc.JdbcIdempotencyStore;
import io.github.idempotency.spring.Idempotent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.reactive.WebFluxAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@ExtendWith(OutputCaptureExtension.class)
class IdempotencyWebFluxAutoConfigurationTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, IdempotencyWebFluxAutoConfiguration.class));

    @Test
    void aReactiveApplicationGetsTheGuardTheFilterAndTheDecoratorOnTheSharedEngine() {
        runner.withPropertyValues("idempotency.header-name=X-Request-Key", "idempotency.key-required=true").run(context -> {
            assertThat(context).hasSingleBean(ReactiveIdempotencyGuard.class);
            assertThat(context).hasSingleBean(IdempotencyWebFilter.class);
            assertThat(context).getBeans(HttpHandlerDecoratorFactory.class).hasSize(1)
                    .allSatisfy((name, bean) -> assertThat(bean).isInstanceOf(IdempotencyHttpHandlerDecorator.class));
            assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
            assertThat(context.getBean(IdempotencyEngine.class).keyHeader()).isEqualTo("X-Request-Key");
            assertThat(context.getBean(ReactiveIdempotencyGuard.class).defaults())
                    .isSameAs(context.getBean(EndpointPolicy.class))
                    .satisfies(policy -> assertThat(policy.keyRequired()).isTrue());
            assertThat(context.getBean(IdempotencyWebFilter.class).getOrder()).isGreaterThan(-100);
        });
    }

    @Test
    void oneInfoLineNamesTheStoreAndTheGuardedHandlers(CapturedOutput output) {
        runner.withUserConfiguration(Guarded.class).run(context -> assertThat(output.getOut().lines()
                .filter(line -> line.contains("Idempotency-Key guards")))
                .singleElement().asString()
                .contains("Idempotency-Key guards 1 handler on InMemoryIdempotencyStore[", "{POST /payments}"));
    }

    @RestController
    static class Guarded {

        @PostMapping("/payments")
        @Idempotent
        Mono<String> create() {
            return Mono.just("created");
        }

        @PostMapping("/refunds")
        Mono<String> refund() {
            return Mono.just("refunded");
        }
    }

    @Test
    void disabledCreatesNothing() {
        runner.withPropertyValues("idempotency.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(IdempotencyEngine.class);
            assertThat(context).doesNotHaveBean(ReactiveIdempotencyGuard.class);
            assertThat(context).doesNotHaveBean(IdempotencyWebFilter.class);
        });
    }

    @Test
    void aNonWebApplicationGetsNothing() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IdempotencyWebFluxAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(IdempotencyEngine.class));
    }

    @Test
    void theJdbcStoreGetsItsExecutorSizeFromTheProperties() {
        runner.withBean(javax.sql.DataSource.class, () -> {
                    org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
                    dataSource.setUrl("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
                    return dataSource;
                })
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.dialect=postgresql",
                        "idempotency.store.jdbc.async-threads=0")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("Invalid idempotency.store.jdbc.async-threads"));
        runner.withBean(javax.sql.DataSource.class, () -> {
                    org.postgresql.ds.PGSimpleDataSource unreachable = new org.postgresql.ds.PGSimpleDataSource();
                    unreachable.setUrl("jdbc:postgresql://127.0.0.1:1/test"); // the named dialect needs no connection
                    return unreachable;
                })
                .withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.dialect=postgresql",
                        "idempotency.store.jdbc.async-threads=3")
                .run(context -> assertThat(context).hasSingleBean(JdbcIdempotencyStore.class));
    }

    @Test
    void theWebFluxClassPathHasNoServletApi() {
        assertThatThrownBy(() -> Class.forName("jakarta.servlet.Servlet")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.github.idempotency.servlet.CapturingResponse"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
