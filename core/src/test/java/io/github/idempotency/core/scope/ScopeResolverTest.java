package io.github.idempotency.core.scope;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.TestRequest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScopeResolverTest {

    private static final ScopeResolver DEFAULT = ScopeResolver.principalMethodRoute();

    @Test
    void scopeIsThePrincipalTheMethodAndTheRouteEachLengthPrefixed() {
        assertThat(DEFAULT.resolve(TestRequest.post("/payments").withPrincipal("alice"))).isEqualTo("p5:alice4:POST/payments");
        assertThat(DEFAULT.resolve(TestRequest.post("/payments"))).isEqualTo("a0:4:POST/payments");
    }

    @Test
    void theDefaultIsOneInstanceSoThatItCanBeToldFromAnApplicationsOwn() {
        assertThat(ScopeResolver.principalMethodRoute()).isSameAs(DEFAULT);
    }

    @Test
    void longRoutesAndMethodsAreKeptWhole() {
        String route = "/tenants/{tenant}/accounts/{account}/payments/{payment}/refunds";
        String method = "X-" + "M".repeat(60);

        assertThat(DEFAULT.resolve(TestRequest.post(route))).isEqualTo("a0:4:POST" + route);
        assertThat(DEFAULT.resolve(TestRequest.of(method, "/"))).isEqualTo("a0:62:" + method + "/");
    }

    @Test
    void noPrincipalNameImitatesAnotherScope() {
        TestRequest anonymous = TestRequest.post("/payments");

        assertThat(DEFAULT.resolve(anonymous.withPrincipal(""))).isNotEqualTo(DEFAULT.resolve(anonymous));
        assertThat(DEFAULT.resolve(anonymous.withPrincipal("a4:POST"))).isNotEqualTo(DEFAULT.resolve(anonymous));
        assertThat(DEFAULT.resolve(TestRequest.post("/b").withPrincipal("a")))
                .isNotEqualTo(DEFAULT.resolve(TestRequest.post("b").withPrincipal("a/")));
    }

    @Test
    void theScopeOfGivenPartsIsTheScopeOfARequestWithThem() {
        assertThat(ScopeResolver.principalMethodRouteScope(Optional.of("alice"), "POST", "/payments"))
                .isEqualTo(DEFAULT.resolve(TestRequest.post("/payments").withPrincipal("alice")))
                .isEqualTo("p5:alice4:POST/payments");
        assertThat(ScopeResolver.principalMethodRouteScope(Optional.empty(), "POST", "/payments"))
                .isEqualTo(DEFAULT.resolve(TestRequest.post("/payments")))
                .isEqualTo("a0:4:POST/payments");
    }

    @Test
    void theDefaultIsOneInstance() {
        assertThat(ScopeResolver.principalMethodRoute()).isSameAs(DEFAULT);
    }
}
