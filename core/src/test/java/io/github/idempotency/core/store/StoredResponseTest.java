package io.github.idempotency.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.idempotency.core.IdempotencyEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredResponseTest {

    private static final StoredResponse RESPONSE = new StoredResponse(201,
            List.of(new ResponseHeader("Link", "</a>; rel=a"), new ResponseHeader("Location", "/p/1"),
                    new ResponseHeader("link", "</b>; rel=b")),
            new byte[] {1, 2, 3});

    @Test
    void statusMustHaveThreeDigits() {
        assertThat(new StoredResponse(100, List.of(), new byte[0]).status()).isEqualTo(100);
        assertThat(new StoredResponse(999, List.of(), new byte[0]).status()).isEqualTo(999);
        assertThatThrownBy(() -> new StoredResponse(99, List.of(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("HTTP status must be a three-digit code, was 99");
        assertThatThrownBy(() -> new StoredResponse(1000, List.of(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoredResponse(200, List.of(), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void headersAreCopied() {
        List<ResponseHeader> headers = new ArrayList<>(List.of(new ResponseHeader("A", "1")));
        StoredResponse response = new StoredResponse(200, headers, new byte[0]);
        headers.add(new ResponseHeader("B", "2"));

        assertThat(response.headers()).containsExactly(new ResponseHeader("A", "1"));
    }

    @Test
    void headerValuesAreEveryValueOfTheNameIgnoringCaseInOrder() {
        assertThat(RESPONSE.headerValues("LINK")).containsExactly("</a>; rel=a", "</b>; rel=b");
        assertThat(RESPONSE.headerValues("location")).containsExactly("/p/1");
        assertThat(RESPONSE.headerValues("Content-Type")).isEmpty();
    }

    @Test
    void bodyOmittedKeepsStatusAndHeadersAndAddsTheBodyLength() {
        StoredResponse omitted = RESPONSE.withBodyOmitted(5_000_000_000L);

        assertThat(omitted.status()).isEqualTo(201);
        assertThat(omitted.headers()).hasSize(4).startsWith(RESPONSE.headers().toArray(ResponseHeader[]::new))
                .endsWith(new ResponseHeader(IdempotencyEngine.BODY_OMITTED_HEADER, "5000000000"));
        assertThat(omitted.body()).isEmpty();
    }

    @Test
    void bodyOmittedFromAResponseWithoutHeaders() {
        StoredResponse bare = new StoredResponse(200, List.of(), new byte[10]);

        assertThat(bare.withBodyOmitted(10)).isEqualTo(new StoredResponse(200,
                List.of(new ResponseHeader(IdempotencyEngine.BODY_OMITTED_HEADER, "10")), new byte[0]));
    }

    @Test
    void equalityIsByStatusHeadersAndBodyContent() {
        StoredResponse same = new StoredResponse(201, new ArrayList<>(RESPONSE.headers()), new byte[] {1, 2, 3});

        assertThat(same).isEqualTo(RESPONSE).hasSameHashCodeAs(RESPONSE);
        assertThat(RESPONSE).isNotEqualTo(new StoredResponse(200, RESPONSE.headers(), new byte[] {1, 2, 3}))
                .isNotEqualTo(new StoredResponse(201, RESPONSE.headers().subList(0, 2), new byte[] {1, 2, 3}))
                .isNotEqualTo(new StoredResponse(201, RESPONSE.headers(), new byte[] {1, 2, 4}))
                .isNotEqualTo("a string");
    }

    @Test
    void hashCodeDependsOnStatusHeadersAndBody() {
        int hash = RESPONSE.hashCode();

        assertThat(new StoredResponse(200, RESPONSE.headers(), RESPONSE.body()).hashCode()).isNotEqualTo(hash);
        assertThat(new StoredResponse(201, List.of(), RESPONSE.body()).hashCode()).isNotEqualTo(hash);
        assertThat(new StoredResponse(201, RESPONSE.headers(), new byte[] {1, 2, 4}).hashCode()).isNotEqualTo(hash);
        assertThat(new StoredResponse(200, List.of(), new byte[0]).hashCode())
                .isNotEqualTo(new StoredResponse(201, List.of(), new byte[0]).hashCode());
    }

    @Test
    void toStringShowsTheBodyLengthNotTheBody() {
        assertThat(RESPONSE).hasToString("StoredResponse[status=201, headers=" + RESPONSE.headers() + ", body=3 bytes]");
    }
}
