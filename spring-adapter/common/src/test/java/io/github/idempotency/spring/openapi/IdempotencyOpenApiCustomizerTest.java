package io.github.idempotency.spring.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.IdempotencyEngine;
import io.github.idempotency.spring.Idempotent;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.web.method.HandlerMethod;

/** The customizer on documents built by hand, as springdoc hands them over: each operation, then the whole. */
class IdempotencyOpenApiCustomizerTest {

    private final IdempotencyOpenApiCustomizer perCaller = customizer(true, true);

    @Test
    void aScopeOfTheApplicationsAndAStoreFailingOpenAreDescribedSo() throws Exception {
        Operation operation = new Operation().responses(new ApiResponses().addApiResponse("201", new ApiResponse()));

        document(customizer(false, false), "optional", PathItem.HttpMethod.POST, operation, new OpenAPI());

        assertThat(operation.getDescription()).contains("Keys are scoped per the application's scope.")
                .doesNotContain("per caller");
        assertThat(operation.getResponses()).containsOnlyKeys("201", "400", "409", "413", "422");
        assertThat(operation.getResponses().get("400").getDescription()).doesNotContain("missing-idempotency-key");
        assertThat(operation.getParameters()).singleElement()
                .satisfies(key -> assertThat(key.getRequired()).isFalse());
    }

    @Test
    void whatTheApplicationDocumentedIsKeptAndTheLibrarysDescriptionFollowsItsOwn() throws Exception {
        Operation operation = new Operation()
                .description("Creates a payment.")
                .addParametersItem(new HeaderParameter().name("idempotency-key").description("The application's own"))
                .responses(new ApiResponses()
                        .addApiResponse("200", new ApiResponse().$ref("#/components/responses/Payment"))
                        .addApiResponse("422", new ApiResponse().description("Invalid payment")));
        Schema<?> applicationsProblem = new ObjectSchema().description("The application's problem");
        OpenAPI openApi = new OpenAPI().components(new Components().addSchemas("Problem", applicationsProblem));

        document(perCaller, "create", PathItem.HttpMethod.POST, operation, openApi);

        assertThat(operation.getDescription()).startsWith("Creates a payment.\n\n**Idempotent** (`Idempotency-Key` header,"
                + " required): a retry with the same key within 48h gets the first response replayed");
        assertThat(operation.getParameters()).singleElement().extracting("description").isEqualTo("The application's own");
        assertThat(operation.getResponses().get("422").getDescription()).isEqualTo("Invalid payment");
        assertThat(operation.getResponses().get("200").getHeaders()).as("a reference is not changed").isNull();
        assertThat(openApi.getComponents().getSchemas().get("Problem")).isSameAs(applicationsProblem);
    }

    @Test
    void aMethodTheHandlersPolicyDoesNotGuardIsLeftAsItIsAndTheNoteIsRemoved() throws Exception {
        Operation operation = new Operation().responses(new ApiResponses().addApiResponse("200", new ApiResponse()));

        OpenAPI openApi = new OpenAPI();

        document(perCaller, "create", PathItem.HttpMethod.GET, operation, openApi);

        assertThat(operation).isEqualTo(new Operation().responses(new ApiResponses().addApiResponse("200", new ApiResponse())));
        assertThat(openApi.getComponents()).isNull();
    }

    @Test
    void aHandlerWithoutTheAnnotationIsLeftAsItIs() throws Exception {
        Operation operation = new Operation();

        document(perCaller, "plain", PathItem.HttpMethod.POST, operation, new OpenAPI());

        assertThat(operation).isEqualTo(new Operation());
    }

    @Test
    void theTtlIsNamedInItsLargestWholeUnit() {
        assertThat(IdempotencyOpenApiCustomizer.format(Duration.ofHours(24))).isEqualTo("24h");
        assertThat(IdempotencyOpenApiCustomizer.format(Duration.ofDays(7))).isEqualTo("168h");
        assertThat(IdempotencyOpenApiCustomizer.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(IdempotencyOpenApiCustomizer.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(IdempotencyOpenApiCustomizer.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    private static IdempotencyOpenApiCustomizer customizer(boolean scopePerCaller, boolean failsClosed) {
        return new IdempotencyOpenApiCustomizer(EndpointPolicy.defaults(), "Idempotency-Key",
                IdempotencyEngine.DEFAULT_PROBLEM_BASE, scopePerCaller, failsClosed);
    }

    /** As springdoc does: the operation customizer on the handler's operation, then the OpenAPI customizer. */
    private static void document(IdempotencyOpenApiCustomizer customizer, String handler, PathItem.HttpMethod method,
            Operation operation, OpenAPI openApi) throws NoSuchMethodException {
        Payments payments = new Payments();
        customizer.customize(operation, new HandlerMethod(payments, Payments.class.getDeclaredMethod(handler)));
        PathItem path = new PathItem();
        path.operation(method, operation);
        customizer.customise(openApi.paths(new Paths().addPathItem("/payments", path)));
    }

    static class Payments {
        @Idempotent(keyRequired = true, ttl = "48h")
        void create() {
        }

        @Idempotent
        void optional() {
        }

        void plain() {
        }
    }
}
