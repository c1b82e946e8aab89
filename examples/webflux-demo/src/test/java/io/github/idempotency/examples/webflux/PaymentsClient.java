package io.github.idempotency.examples.webflux;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** A client of the demo contract over real HTTP, as any client of the example apps is: one instance's {@code /payments}. */
final class PaymentsClient {

    static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\"}";

    /** HTTP/1.1 without an h2c upgrade attempt: a connection per concurrent request. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI payments;

    PaymentsClient(int port) {
        this.payments = URI.create("http://127.0.0.1:" + port + "/payments");
    }

    URI uri() {
        return payments;
    }

    /** @return {@code user}'s JSON {@code POST}, authenticated with the demo password */
    HttpRequest.Builder post(String user, String body) {
        return authenticated(HttpRequest.newBuilder(payments), user)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** @return {@code user}'s JSON {@code POST} with {@code key} as its {@code Idempotency-Key} */
    HttpRequest.Builder post(String user, String body, String key) {
        return post(user, body).header("Idempotency-Key", key);
    }

    HttpRequest.Builder get(String user) {
        return authenticated(HttpRequest.newBuilder(payments), user).GET();
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static String key() {
        return UUID.randomUUID().toString();
    }

    /** @return the {@code id} of the payment in {@code response}'s JSON body */
    static String idOf(HttpResponse<String> response) {
        return response.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
    }

    private static HttpRequest.Builder authenticated(HttpRequest.Builder request, String user) {
        String credentials = user + ":" + user + "-pass";
        return request.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
}
