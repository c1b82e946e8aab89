/** The binding for {@code java.net.http.HttpClient}: {@link io.github.idempotency.client.jdk.IdempotentHttpClient}. */
package io.github.idempotency.client.jdk;
