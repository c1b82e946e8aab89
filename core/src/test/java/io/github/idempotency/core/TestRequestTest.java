package io.github.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestRequestTest {

    @Test
    void readBodyPassesTheWholeBodyInChunksOfTheGivenSizes() throws IOException {
        TestRequest request = TestRequest.post("/p").withBody("abcdefghij").withChunkSizes(1, 3);
        List<String> chunks = new ArrayList<>();

        request.readBody(100, (bytes, offset, length) ->
                chunks.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));

        assertThat(chunks).containsExactly("a", "bcd", "e", "fgh", "i", "j");
    }

    @Test
    void readBodyPassesAtMostTheLimitAndThenThrows() {
        TestRequest request = TestRequest.post("/p").withBody("abcdefghij").withChunkSizes(4);
        ByteArrayOutputStream received = new ByteArrayOutputStream();

        assertThatThrownBy(() -> request.readBody(6, received::write))
                .isInstanceOfSatisfying(BodyTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(6));
        assertThat(received.toString(StandardCharsets.UTF_8)).isEqualTo("abcdef");
    }

    @Test
    void bodyOfExactlyTheLimitIsRead() throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();

        TestRequest.post("/p").withBody("abcdef").readBody(6, received::write);

        assertThat(received.toString(StandardCharsets.UTF_8)).isEqualTo("abcdef");
    }

    @Test
    void headersAreCaseInsensitiveAndKeepTheirOrder() {
        TestRequest request = TestRequest.post("/p").withHeader("X-A", "1").withHeader("x-a", "2")
                .withContentType("text/plain").withContentType("application/json");

        assertThat(request.headerValues("X-a")).containsExactly("1", "2");
        assertThat(request.contentType()).contains("application/json");
        assertThat(request.headerValues("content-type")).containsExactly("application/json");
        assertThat(request.headerValues("X-B")).isEmpty();
    }

    @Test
    void withMethodsLeaveTheOriginalUnchanged() {
        TestRequest original = TestRequest.post("/p");

        TestRequest changed = original.withRoute("/r").withQuery("a=1").withPrincipal("alice").withBody("x");

        assertThat(original.route()).isEqualTo("/p");
        assertThat(original.query()).isEmpty();
        assertThat(original.principal()).isEmpty();
        assertThat(original.body()).isEmpty();
        assertThat(changed.path()).isEqualTo("/p");
        assertThat(changed.route()).isEqualTo("/r");
        assertThat(changed.query()).contains("a=1");
        assertThat(changed.principal()).contains("alice");
    }
}
