package io.github.idempotency.spring.openapi;

import io.github.idempotency.core.EndpointPolicy;
import io.github.idempotency.core.problem.ProblemType;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.internal.EndpointPolicies;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springframework.web.method.HandlerMethod;

/**
 * Documents the idempotency of every guarded operation in the application's OpenAPI document
 * (springdoc): the key header parameter, the problem responses the library answers on its own,
 * the {@code Idempotent-Replayed} header of the successful responses, and the TTL and scope of
 * keys in the operation's description. An operation is guarded when its handler has
 * {@link Idempotent} (on the method, else on the class, interfaces included) and the handler's
 * effective policy guards the operation's HTTP method; every other operation is left as it is.
 * What the application documented itself is kept: a header parameter of the same name, a response
 * of the same status, a description (the library's text is appended to it).
 *
 * <p>Works in two steps, because springdoc gives an operation customizer the handler but not the
 * HTTP method: as an operation customizer it notes the handler's policy on the operation, and as
 * an OpenAPI customizer, once every path is built, it documents the operations whose method the
 * noted policy guards. Both are global customizers, so grouped APIs ({@code GroupedOpenApi}) get
 * them too. Thread-safe.
 */
public class IdempotencyOpenApiCustomizer implements GlobalOperationCustomizer, GlobalOpenApiCustomizer {

    /** The problem schema added to the document's components unless the application has one of that name. */
    private static final String PROBLEM_SCHEMA = "Problem";
    private static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** Where the first step notes the policy; an extension name, since the model keeps only those. */
    private static final String POLICY_NOTE = "x-idempotency-policy-note";
    private static final String PROBLEM_JSON = "application/problem+json";

    private final EndpointPolicies policies;
    private final String keyHeader;
    private final URI problemBase;
    private final boolean scopePerCaller;
    private final boolean failsClosed;

    /**
     * @param defaults the policy of an {@link Idempotent} handler whose annotation sets no attribute
     * @param keyHeader the name of the key header
     * @param problemBase the base URI of the problem types
     * @param scopePerCaller whether keys are scoped by the default scope resolver (per caller,
     *     method and route); {@code false} says they are scoped as the application decides
     * @param failsClosed whether the engine answers {@code 503} when the store cannot be reached
     */
    public IdempotencyOpenApiCustomizer(EndpointPolicy defaults, String keyHeader, URI problemBase,
            boolean scopePerCaller, boolean failsClosed) {
        this.policies = new EndpointPolicies(defaults);
        this.keyHeader = keyHeader;
        this.problemBase = problemBase;
        this.scopePerCaller = scopePerCaller;
        this.failsClosed = failsClosed;
    }

    /** Notes the policy of a guarded handler on its operation, for {@link #customise(OpenAPI)}. */
    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        if (handler != null) {
            policies.policyOf(handler).ifPresent(policy -> operation.addExtension(POLICY_NOTE, policy));
        }
        return operation;
    }

    /** Documents every operation whose noted policy guards its HTTP method, and removes the notes. */
    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        boolean documented = false;
        for (PathItem path : openApi.getPaths().values()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.readOperationsMap().entrySet()) {
                Operation operation = entry.getValue();
                if (operation.getExtensions() == null
                        || !(operation.getExtensions().remove(POLICY_NOTE) instanceof EndpointPolicy policy)) {
                    continue;
                }
                if (operation.getExtensions().isEmpty()) {
                    operation.setExtensions(null);
                }
                if (policy.guards(entry.getKey().name())) {
                    document(operation, policy);
                    documented = true;
                }
            }
        }
        if (documented) {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            if (openApi.getComponents().getSchemas() == null
                    || !openApi.getComponents().getSchemas().containsKey(PROBLEM_SCHEMA)) {
                openApi.getComponents().addSchemas(PROBLEM_SCHEMA, problemSchema());
            }
        }
    }

    private void document(Operation operation, EndpointPolicy policy) {
        boolean keyDocumented = operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(parameter -> "header".equals(parameter.getIn()) && keyHeader.equalsIgnoreCase(parameter.getName()));
        if (!keyDocumented) {
            operation.addParametersItem(keyParameter(policy.keyRequired()));
        }

        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        ApiResponses responses = operation.getResponses();
        responses.forEach((status, response) -> {
            if (status.startsWith("2") && response.get$ref() == null
                    && (response.getHeaders() == null || !response.getHeaders().containsKey(REPLAYED_HEADER))) {
                response.addHeaderObject(REPLAYED_HEADER, new Header()
                        .description("`true` on a response replayed to a retry with the same key; absent otherwise")
                        .schema(new StringSchema()._enum(List.of("true"))));
            }
        });
        problemResponses(policy.keyRequired()).forEach(responses::putIfAbsent);

        String text = description(policy);
        String existing = operation.getDescription();
        if (existing == null || existing.isBlank()) {
            operation.setDescription(text);
        } else {
            operation.setDescription(existing + "\n\n" + text);
        }
    }

    private Parameter keyParameter(boolean required) {
        return new HeaderParameter()
                .name(keyHeader)
                .required(required)
                .description((required ? "Required. " : "Optional; without it the request is not deduplicated. ")
                        + "A unique key per operation the client means to perform once, such as a UUID, sent again"
                        + " unchanged on every retry: 1 to 255 visible ASCII characters, as a token or a quoted string.")
                .schema(new StringSchema().minLength(1).maxLength(255));
    }

    private Map<String, ApiResponse> problemResponses(boolean keyRequired) {
        Map<String, ApiResponse> responses = new LinkedHashMap<>();
        Stream.of(ProblemType.values())
                .filter(type -> type != ProblemType.MISSING_KEY || keyRequired)
                .filter(type -> type != ProblemType.STORE_UNAVAILABLE || failsClosed)
                // A server fault (an undecryptable record), listed no more than any other 500.
                .filter(type -> type != ProblemType.UNREADABLE_RECORD)
                .collect(Collectors.groupingBy(ProblemType::status, TreeMap::new, Collectors.toList()))
                .forEach((status, types) -> responses.put(String.valueOf(status), problemResponse(types)));
        return responses;
    }

    private ApiResponse problemResponse(List<ProblemType> types) {
        ApiResponse response = new ApiResponse()
                .description(types.stream()
                        .map(type -> type.title() + " (" + problemBase.resolve(type.slug()) + ")")
                        .collect(Collectors.joining("; or ")))
                .content(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA))));
        if (types.contains(ProblemType.IN_FLIGHT) || types.contains(ProblemType.STORE_UNAVAILABLE)) {
            response.addHeaderObject("Retry-After", new Header()
                    .description("Seconds to wait before retrying with the same key")
                    .schema(new IntegerSchema()));
        }
        return response;
    }

    private String description(EndpointPolicy policy) {
        return "**Idempotent** (`" + keyHeader + "` header, " + (policy.keyRequired() ? "required" : "optional")
                + "): a retry with the same key within " + format(policy.ttl())
                + " gets the first response replayed, with `" + REPLAYED_HEADER + ": true`, and the operation does not"
                + " run again; the same key with a different request is answered 422. Keys are "
                + (scopePerCaller ? "per caller: another user's key, or the same key sent to another operation, is"
                        + " another key." : "scoped per the application's scope.");
    }

    /** {@code 24h}, {@code 90m}, {@code 30s}, {@code 1500ms}: the largest whole unit. */
    static String format(Duration duration) {
        if (duration.toMillis() % 3_600_000 == 0) {
            return duration.toHours() + "h";
        }
        if (duration.toMillis() % 60_000 == 0) {
            return duration.toMinutes() + "m";
        }
        if (duration.toMillis() % 1_000 == 0) {
            return duration.toSeconds() + "s";
        }
        return duration.toMillis() + "ms";
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("An RFC 9457 problem detail")
                .addProperty("type", new StringSchema().format("uri").description("The problem type"))
                .addProperty("title", new StringSchema().description("The problem type's short, stable title"))
                .addProperty("status", new IntegerSchema().description("The HTTP status code"))
                .addProperty("detail", new StringSchema().description("What went wrong with this request"))
                .required(new ArrayList<>(List.of("type", "title", "status", "detail")));
    }
}
