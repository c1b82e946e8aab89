package io.github.idempotency.core;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The engine's framework-free view of one HTTP request. An adapter (servlet filter, Spring
 * interceptor, ...) implements it over its own request type.
 */
public interface RequestView {

    /** @return the HTTP method, upper case as sent ({@code POST}) */
    String method();

    /**
     * @return the route the request matched: a route template such as {@code /payments/{id}} where
     *     the framework knows it, else the request path
     */
    String route();

    /** @return the request path without the query string, as sent (still percent-encoded) */
    String path();

    /** @return the raw query string without {@code ?}, if any */
    Optional<String> query();

    /** @return the {@code Content-Type} header value, if any */
    Optional<String> contentType();

    /**
     * @param name a header name, case-insensitive
     * @return the value of every header line with that name, in order; empty when absent. Values
     *     are not split at commas.
     */
    List<String> headerValues(String name);

    /** @return the authenticated principal's name; empty when the request is anonymous */
    Optional<String> principal();

    /**
     * Reads the whole request body once, in order, passing every chunk to {@code sink} as it
     * arrives, and keeps it so that the application can still read it afterwards.
     *
     * @param maxBytes the most bytes the body may have
     * @param sink receives the body bytes in order
     * @throws BodyTooLargeException if the body has more than {@code maxBytes} bytes
     * @throws IOException if the body cannot be read
     */
    void readBody(long maxBytes, BodySink sink) throws IOException;

    /** Receives request body bytes as they are read. */
    @FunctionalInterface
    interface BodySink {
        /**
         * @param bytes a buffer
         * @param offset start of the chunk in {@code bytes}
         * @param length length of the chunk
         */
        void update(byte[] bytes, int offset, int length);
    }
}
