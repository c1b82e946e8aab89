package io.github.idempotency.spring.operation.internal;

import io.github.idempotency.core.Proceed;
import io.github.idempotency.core.store.EntryKey;
import java.util.Optional;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The HTTP request the calling thread serves, as Spring MVC binds it to the thread
 * ({@link RequestContextHolder}), and the entry key the HTTP adapter keeps in its
 * {@link Proceed#ENTRY_KEY_ATTRIBUTE} attribute while a guarded handler runs. Spring Web is
 * optional: without it no thread serves a request.
 */
final class HttpRequests {

    private static final boolean WEB = ClassUtils.isPresent(
            "org.springframework.web.context.request.RequestContextHolder", HttpRequests.class.getClassLoader());

    private HttpRequests() {
    }

    /** @return whether the calling thread serves an HTTP request */
    static boolean inRequest() {
        return WEB && Web.attributes() != null;
    }

    /** @return the entry key the request served by the calling thread claimed, if it holds a claim */
    static Optional<EntryKey> claimedEntryKey() {
        return WEB ? Web.claimedEntryKey() : Optional.empty();
    }

    /** Loaded only when Spring Web is on the class path. */
    private static final class Web {

        static RequestAttributes attributes() {
            return RequestContextHolder.getRequestAttributes();
        }

        static Optional<EntryKey> claimedEntryKey() {
            RequestAttributes attributes = attributes();
            return attributes == null
                    ? Optional.empty()
                    : Optional.ofNullable((EntryKey) attributes.getAttribute(Proceed.ENTRY_KEY_ATTRIBUTE,
                            RequestAttributes.SCOPE_REQUEST));
        }
    }
}
