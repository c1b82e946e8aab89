package io.github.idempotency.spring.testapp;

import io.github.idempotency.spring.IdempotencyHandlerInterceptor;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The application the HTTP protocol checks run against, on Spring Boot 3.5 here and on 4.0 in
 * {@code boot4-test}: only APIs that both lines share.
 */
@SpringBootApplication
public class ProtocolTestApplication {

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/error").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(
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

    @Bean
    FilterRegistrationBean<BodyReadingFilter> bodyReadingFilter() {
        FilterRegistrationBean<BodyReadingFilter> registration = new FilterRegistrationBean<>(new BodyReadingFilter());
        registration.setOrder(BodyReadingFilter.ORDER);
        return registration;
    }

    /** The library's interceptor a second time for {@code /orders/twice}: the inner one must pass the request on. */
    @Bean
    WebMvcConfigurer interceptorRegisteredTwice(IdempotencyHandlerInterceptor interceptor) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor).addPathPatterns("/orders/twice");
            }
        };
    }
}
