package io.github.idempotency.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata IDEs read, as the build generates it: every {@code idempotency.*}
 * property has a description and a default, and every enumerated one a hint for each value.
 */
class ConfigurationMetadataTest {

    @Test
    void everyPropertyIsDescribedWithItsDefaultAndEveryEnumeratedOneHintsAllItsValues() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = JsonMapper.builder().build().readTree(in);
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode property : metadata.get("properties")) {
            String name = property.get("name").asText();
            if (!name.startsWith("idempotency.")) {
                continue; // Actuator's own management.endpoint.idempotency.* properties of the admin endpoint
            }
            if (!property.hasNonNull("description")) {
                problems.add(name + " has no description");
            }
            if (!property.has("defaultValue")) {
                problems.add(name + " has no default");
            }
            Class<?> type = loadable(property.get("type").asText());
            if (type != null && type.isEnum()) {
                List<String> hinted = new ArrayList<>();
                for (JsonNode hint : metadata.path("hints")) {
                    if (hint.get("name").asText().equals(name)) {
                        hint.get("values").forEach(value -> {
                            hinted.add(value.get("value").asText());
                            if (!value.hasNonNull("description")) {
                                problems.add(name + "=" + value.get("value").asText() + " has no description");
                            }
                        });
                    }
                }
                List<String> values = Stream.of(type.getEnumConstants())
                        .map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
                if (!hinted.equals(values)) {
                    problems.add(name + " hints " + hinted + ", its values are " + values);
                }
            }
        }

        assertThat(metadata.get("properties")).hasSizeGreaterThan(25);
        assertThat(problems).isEmpty();
    }

    private static Class<?> loadable(String type) {
        try {
            return Class.forName(type);
        } catch (ClassNotFoundException e) {
            return null; // a generic type such as java.util.List<java.lang.String>
        }
    }
}
