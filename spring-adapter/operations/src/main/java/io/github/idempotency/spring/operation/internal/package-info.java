/** Internal: how annotated methods are read and their calls turned into operation requests. Not API. */
package io.github.idempotency.spring.operation.internal;
