package io.github.idempotency.core.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.ResponseHeader;
import io.github.idempotency.core.store.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFieldRedactorTest {

    private static final EntryKey KEY = new EntryKey("s", "k");

    private static StoredResponse json(String contentType, String body) {
        return new StoredResponse(200, List.of(new ResponseHeader("Content-Type", contentType)),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static String redacted(ResponseRedactor redactor, String body) {
        return new String(redactor.redact(KEY, json("application/json", body)).body(), StandardCharsets.UTF_8);
    }

    @Test
    void replacesTheValueAtEachPathThroughObjectsArraysAndWildcards() {
        ResponseRedactor redactor = ResponseRedactor.jsonFields("card.number", "items.token", "secrets.*");

        assertThat(redacted(redactor, "{\"card\":{\"number\":\"4242\",\"brand\":\"visa\"},\"items\":[{\"token\":1},"
                + "{\"token\":{\"a\":1}},{\"other\":2}],\"secrets\":{\"a\":1,\"b\":[2]},\"amount\":12.50}"))
                .isEqualTo("{\"card\":{\"number\":\"[REDACTED]\",\"brand\":\"visa\"},\"items\":[{\"token\":\"[REDACTED]\"},"
                        + "{\"token\":\"[REDACTED]\"},{\"other\":2}],\"secrets\":{\"a\":\"[REDACTED]\",\"b\":\"[REDACTED]\"},"
                        + "\"amount\":12.50}");
        assertThat(redacted(redactor, "[{\"card\":{\"number\":1}}]")).isEqualTo("[{\"card\":{\"number\":\"[REDACTED]\"}}]");
    }

    @Test
    void removesInsteadWhenToldAndReplacesWithTheGivenText() {
        assertThat(redacted(JsonFieldRedactor.builder().paths("a.b").remove().build(), "{\"a\":{\"b\":1,\"c\":2}}"))
                .isEqualTo("{\"a\":{\"c\":2}}");
        assertThat(redacted(JsonFieldRedactor.builder().paths("a").replaceWith("***").build(), "{\"a\":1}"))
                .isEqualTo("{\"a\":\"***\"}");
    }

    @Test
    void aBodyWithNothingAtThePathsOrNotJsonIsTheSameResponse() {
        ResponseRedactor redactor = ResponseRedactor.jsonFields("card.number");
        StoredResponse noMatch = json("application/json", "{\"card\":\"x\"}");
        StoredResponse text = json("text/plain", "{\"card\":{\"number\":1}}");

        assertThat(redactor.redact(KEY, noMatch)).isSameAs(noMatch);
        assertThat(redactor.redact(KEY, text)).isSameAs(text);
        assertThat(redactor.redact(KEY, json("application/problem+json; charset=UTF-8", "{\"card\":{\"number\":1}}"))
                .body()).asString(StandardCharsets.UTF_8).contains("[REDACTED]");
    }

    @Test
    void aJsonBodyThatCannotBeParsedIsNotStored() {
        StoredResponse invalid = json("application/json", "{\"card\":{\"number\":\"4242\"");
        StoredResponse notUtf8 = new StoredResponse(200, List.of(new ResponseHeader("Content-Type", "application/json")),
                "{\"card\":{\"number\":\"Köln\"}}".getBytes(StandardCharsets.ISO_8859_1));
        StoredResponse unknownCharset = json("application/json;charset=x-unknown", "{\"card\":{\"number\":\"4242\"}}");

        for (StoredResponse response : List.of(invalid, notUtf8, unknownCharset)) {
            StoredResponse stored = ResponseRedactor.jsonFields("card.number").redact(KEY, response);
            assertThat(stored.body()).isEmpty();
            assertThat(stored.headerValues(IdempotencyEngine.BODY_OMITTED_HEADER))
                    .containsExactly(Integer.toString(response.body().length));
        }
    }

    @Test
    void aBodyInItsDeclaredCharsetIsWrittenBackInIt() {
        StoredResponse latin1 = new StoredResponse(200,
                List.of(new ResponseHeader("Content-Type", "application/json;charset=ISO-8859-1")),
                "{\"city\":\"Köln\",\"card\":{\"number\":\"4242\"}}".getBytes(StandardCharsets.ISO_8859_1));

        StoredResponse stored = ResponseRedactor.jsonFields("card.number").redact(KEY, latin1);

        assertThat(new String(stored.body(), StandardCharsets.ISO_8859_1))
                .isEqualTo("{\"city\":\"Köln\",\"card\":{\"number\":\"[REDACTED]\"}}");
    }

    @Test
    void aMalformedPathIsRefused() {
        assertThatThrownBy(() -> ResponseRedactor.jsonFields("card..number")).hasMessageContaining("card..number");
        assertThatThrownBy(() -> ResponseRedactor.jsonFields("")).hasMessageContaining("invalid JSON field path");
    }
}
