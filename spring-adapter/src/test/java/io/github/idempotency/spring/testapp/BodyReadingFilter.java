package io.github.idempotency.spring.testapp;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads a request parameter of every {@code /shapes} request before the handler, as Spring
 * Security's CSRF filter reads {@code _csrf}: for a form or multipart {@code POST} that makes the
 * container parse the body, ahead of the library's interceptor.
 */
class BodyReadingFilter extends OncePerRequestFilter {

    /** Between the library's filter and Spring Security's. */
    static final int ORDER = -200;

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/shapes/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        request.getParameter("_csrf");
        chain.doFilter(request, response);
    }
}
