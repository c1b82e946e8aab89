package io.github.idempotency.spring.webflux.testapp;

import io.github.idempotency.spring.testapp.Executions;
import io.github.idempotency.spring.testapp.Gate;
import io.github.idempotency.spring.testapp.Gates;
import io.github.idempotency.spring.webflux.ReactiveIdempotencyGuard;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The WebFlux application the HTTP protocol checks run against, on Spring Boot 3.5 here and on 4.0
 * in {@code webflux-boot4-test}: the endpoints of the Spring MVC test application as reactive
 * handlers, plus reactive shapes and a functional route. Only APIs both Boot lines share.
 */
@SpringBootApplication
public class ReactiveProtocolTestApplication {

    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http
                .authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .build();
    }

    @Bean
    MapReactiveUserDetailsService users() {
        return new MapReactiveUserDetailsService(
                User.withUsername("alice").password("{noop}alice-pass").roles("USER").build(),
                User.withUsername("bob").password("{noop}bob-pass").roles("USER").build());
    }

    @Bean
    Executions executions() {
        return new Executions();
    }

    @Bean
    Gate gate() {
        return new Gate();
    }

    @Bean
    Gates gates() {
        return new Gates();
    }

    /** A functional endpoint guarded by the route filter. */
    @Bean
    RouterFunction<ServerResponse> routes(ReactiveIdempotencyGuard idempotency, Executions executions) {
        return RouterFunctions.route()
                .POST("/routes/orders/{kind}", request -> request.bodyToMono(String.class).flatMap(body -> {
                    int run = executions.record(body);
                    return ServerResponse.status(201).header("X-Kind", request.pathVariable("kind"))
                            .bodyValue("{\"body\":" + body + ",\"run\":" + run + "}");
                }))
                .filter(idempotency.routeFilter(idempotency.defaults().toBuilder().keyRequired(true).build()))
                .build();
    }
}
