package io.github.idempotency.core.protect;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.memory.InMemoryIdempotencyStore;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The protection contract on the in-memory store. What it holds is read by walking the store's
 * object graph (its own classes' fields, and the maps and collections they hold), so the check
 * does not depend on how the store names its fields: every byte array and string found is what
 * the store keeps.
 */
class InMemoryStoreProtectionTest extends StoreProtectionContract {

    private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();

    @Override
    protected IdempotencyStore createStore() {
        return store;
    }

    /** @return every byte array and string the store holds (of every entry: each test has a store of its own) */
    @Override
    protected byte[] rawEntry(EntryKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object value : reachable(store)) {
            byte[] bytes = value instanceof byte[] array ? array : ((String) value).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    @Override
    protected void flipStoredResponseByte(EntryKey key) {
        // The store keeps each record as one array that ends with the envelope, "IKE" and the ciphertext.
        List<byte[]> records = reachable(store).stream()
                .filter(v -> v instanceof byte[] b && envelopeAt(b) >= 0)
                .map(byte[].class::cast)
                .toList();
        assertThat(records).as("encrypted records the store holds").hasSize(1);
        byte[] record = records.get(0);
        int envelope = envelopeAt(record);
        record[envelope + (record.length - envelope) / 2] ^= 0x01;
    }

    /** @return where the envelope's magic bytes {@code IKE} start in {@code bytes}, or -1 */
    private static int envelopeAt(byte[] bytes) {
        for (int i = 0; i + 3 <= bytes.length; i++) {
            if (bytes[i] == 'I' && bytes[i + 1] == 'K' && bytes[i + 2] == 'E') {
                return i;
            }
        }
        return -1;
    }

    /** @return the byte arrays and strings reachable from {@code root} through the library's own objects */
    private static List<Object> reachable(Object root) {
        List<Object> found = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        walk(root, found, seen);
        return found;
    }

    private static void walk(Object value, List<Object> found, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof byte[] || value instanceof String) {
            found.add(value);
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                walk(k, found, seen);
                walk(v, found, seen);
            });
        } else if (value instanceof Iterable<?> iterable) {
            iterable.forEach(element -> walk(element, found, seen));
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                walk(element, found, seen);
            }
        } else if (value.getClass().getName().startsWith("io.github.idempotency.")) {
            for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                        continue;
                    }
                    field.setAccessible(true);
                    try {
                        walk(field.get(value), found, seen);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }
}
