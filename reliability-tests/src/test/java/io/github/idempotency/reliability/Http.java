package io.github.idempotency.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** Requests to the test application through the JDK client (HTTP/1.1), each bounded in time. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    /** {@code POST} with an {@code Idempotency-Key} and a fresh {@code X-Request-Id}. */
    static HttpResponse<String> post(URI uri, String key, String body) throws IOException, InterruptedException {
        return post(uri, key, body, UUID.randomUUID().toString());
    }

    /** {@code POST} with an {@code Idempotency-Key} and the given {@code X-Request-Id}. */
    static HttpResponse<String> post(URI uri, String key, String body, String requestId)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri)
                .header("Idempotency-Key", key)
                .header(CountingServlet.REQUEST_ID, requestId)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Sends the request; no answer within 30 s fails the test. */
    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return whether the response is a replay ({@code Idempotent-Replayed: true}) */
    static boolean replayed(HttpResponse<?> response) {
        return response.headers().firstValue("Idempotent-Replayed").filter("true"::equals).isPresent();
    }
}
