package io.github.idempotency.core.problem;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An RFC 9457 problem detail that the library answers with, as {@code application/problem+json}.
 *
 * @param kind which case this is; gives the status and title
 * @param type the type URI (the engine's problem base URI plus {@link ProblemType#slug()})
 * @param detail a human explanation of this occurrence, never a stack trace
 * @param retryAfter when present, the client may retry after this long ({@code Retry-After})
 */
public record Problem(ProblemType kind, URI type, String detail, Optional<Duration> retryAfter) {

    /** The media type of the body. */
    public static final String CONTENT_TYPE = "application/problem+json";

    private static final JsonFactory JSON = new JsonFactory();

    public Problem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** @return the HTTP status code */
    public int status() {
        return kind.status();
    }

    /** @return the short human title */
    public String title() {
        return kind.title();
    }

    /** @return the {@code Retry-After} header value in whole seconds (at least 1), if any */
    public Optional<String> retryAfterHeader() {
        return retryAfter.map(d -> Long.toString(Math.max(1, (d.toMillis() + 999) / 1000)));
    }

    /** @return the problem as UTF-8 JSON with {@code type}, {@code title}, {@code status}, {@code detail} */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type.toString());
            g.writeStringField("title", kind.title());
            g.writeNumberField("status", kind.status());
            g.writeStringField("detail", detail);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
