/**
 * Data protection for what a store keeps: {@link io.github.idempotency.core.protect.StoreProtection}
 * wraps any {@link io.github.idempotency.core.store.IdempotencyStore} so that every stored response
 * is encrypted with AES-GCM under the application's keys ({@link io.github.idempotency.core.protect.KeyProvider},
 * {@link io.github.idempotency.core.protect.EncryptionKeys}), the stored request fingerprint is an
 * HMAC, and chosen parts of a response are redacted before it is stored
 * ({@link io.github.idempotency.core.protect.ResponseRedactor}).
 */
package io.github.idempotency.core.protect;
