package io.github.idempotency.servlet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Servlet-style URL patterns, matched against the path within the application (servlet path
 * plus path info): exact ({@code /payments}), prefix ({@code /payments/*}, which also matches
 * {@code /payments}), extension ({@code *.json}), and {@code /*} or {@code /} for every path.
 * Immutable.
 */
final class PathPatterns {

    private final boolean all;
    private final Set<String> exact = new HashSet<>();
    private final List<String> prefixes = new ArrayList<>();
    private final Set<String> extensions = new HashSet<>();

    private PathPatterns(List<String> patterns) {
        boolean matchesAll = false;
        for (String pattern : patterns) {
            if (pattern.equals("/*") || pattern.equals("/")) {
                matchesAll = true;
            } else if (pattern.startsWith("*.") && pattern.length() > 2 && pattern.indexOf('/') < 0
                    && pattern.indexOf('*', 1) < 0) {
                extensions.add(pattern.substring(1));
            } else if (pattern.startsWith("/") && pattern.endsWith("/*") && pattern.indexOf('*') == pattern.length() - 1) {
                prefixes.add(pattern.substring(0, pattern.length() - 2));
            } else if (pattern.startsWith("/") && pattern.indexOf('*') < 0) {
                exact.add(pattern);
            } else {
                throw new IllegalArgumentException("invalid path pattern \"" + pattern + "\": use an exact path"
                        + " (/payments), a prefix (/payments/*), an extension (*.json) or /* for every path");
            }
        }
        this.all = matchesAll;
    }

    /**
     * @param patterns the patterns, at least one
     * @return the patterns
     * @throws IllegalArgumentException if there is none or one is not a servlet-style pattern
     */
    static PathPatterns of(List<String> patterns) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("at least one path pattern is needed; /* guards every path");
        }
        return new PathPatterns(patterns);
    }

    /**
     * @param path the path within the application, starting with {@code /}
     * @return whether a pattern matches it
     */
    boolean matches(String path) {
        if (all || exact.contains(path)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
                return true;
            }
        }
        if (!extensions.isEmpty()) {
            String lastSegment = path.substring(path.lastIndexOf('/') + 1);
            int dot = lastSegment.lastIndexOf('.');
            return dot >= 0 && extensions.contains(lastSegment.substring(dot));
        }
        return false;
    }
}
