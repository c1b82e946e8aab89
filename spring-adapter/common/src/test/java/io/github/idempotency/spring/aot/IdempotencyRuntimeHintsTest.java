package io.github.idempotency.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.spring.boot.IdempotencyStoreConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.ImportRuntimeHints;

/** The hints Spring AOT gets from the store configuration: the JDBC schema files of every dialect. */
class IdempotencyRuntimeHintsTest {

    @Test
    void theStoreConfigurationRegistersTheSchemaFilesOfEveryDialect() {
        RuntimeHints hints = new RuntimeHints();
        assertThat(IdempotencyStoreConfiguration.class.getAnnotation(ImportRuntimeHints.class).value())
                .containsExactly(IdempotencyRuntimeHints.class);

        new IdempotencyRuntimeHints().registerHints(hints, getClass().getClassLoader());

        for (String dialect : new String[] {"postgresql", "mysql", "h2"}) {
            assertThat(RuntimeHintsPredicates.resource().forResource("io/github/idempotency/store/jdbc/schema-" + dialect + ".sql"))
                    .accepts(hints);
        }
    }
}
