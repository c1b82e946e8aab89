package io.github.idempotency.examples.servlet;

/**
 * One payment, as the API returns it.
 *
 * @param id the payment's id
 * @param amount the amount in minor units (cents)
 * @param currency the ISO 4217 currency code
 */
public record Payment(String id, long amount, String currency) {
}
