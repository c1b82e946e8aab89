package io.github.idempotency.spring.aot;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What the library loads at run time that a native image or Spring AOT must know of: the JDBC
 * store's schema files, read as class path resources when it creates its table. Nothing else is
 * loaded reflectively by the library itself: stored responses, keys and fingerprints are encoded
 * without reflection. Imported by the store configuration.
 */
public class IdempotencyRuntimeHints implements RuntimeHintsRegistrar {

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        hints.resources().registerPattern("io/github/idempotency/store/jdbc/schema-*.sql");
    }
}
