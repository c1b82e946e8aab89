package io.github.idempotency.spring.testapp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts how often handlers ran, per item name, so that each test uses its own counter. */
public class Executions {

    private final ConcurrentMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /**
     * @param item the item a handler runs for
     * @return how often a handler ran for it, this run included
     */
    public int record(String item) {
        return counts.computeIfAbsent(item, i -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * @param item the item name a test sent
     * @return how often a handler ran for it
     */
    public int of(String item) {
        AtomicInteger count = counts.get(item);
        return count == null ? 0 : count.get();
    }
}
