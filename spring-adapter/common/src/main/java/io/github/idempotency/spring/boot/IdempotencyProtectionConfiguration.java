package io.github.idempotency.spring.boot;

import io.github.idempotency.core.protect.EncryptionKeys;
import io.github.idempotency.core.protect.JsonFieldRedactor;
import io.github.idempotency.core.protect.KeyProvider;
import io.github.idempotency.core.protect.ResponseRedactor;
import io.github.idempotency.core.protect.StoreProtection;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Data protection of the store ({@link StoreProtection}) from {@code idempotency.encryption.*} and
 * {@code idempotency.redaction.*}: an {@link IdempotencyStoreDecorator} applied first, right on the
 * store, so that every other decorator sees what the engine sees. A {@link KeyProvider} bean
 * supplies the keys instead of the properties, a {@link ResponseRedactor} bean redacts instead of
 * the JSON paths. Misconfiguration fails startup with an {@link IdempotencyConfigurationException}
 * naming the property; no message shows key material. Imported by {@link IdempotencyStoreConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public class IdempotencyProtectionConfiguration {

    /** Name of the decorator bean; an application bean of that name replaces it. */
    public static final String DECORATOR_BEAN = "idempotencyProtection";

    private static final String PREFIX = "idempotency.encryption.";

    @Bean(DECORATOR_BEAN)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    @ConditionalOnMissingBean(name = DECORATOR_BEAN)
    IdempotencyStoreDecorator idempotencyProtection(IdempotencyProperties properties, ObjectProvider<KeyProvider> keyProviders,
            ObjectProvider<ResponseRedactor> redactors) {
        StoreProtection protection = storeProtection(properties, keyProviders.getIfUnique(), redactors.getIfUnique());
        return protection == null ? store -> store : protection::protect;
    }

    /**
     * @param properties the bound properties
     * @param keyProvider the application's {@link KeyProvider} bean, or {@code null}
     * @param redactor the application's {@link ResponseRedactor} bean, or {@code null}
     * @return the protection the properties and beans configure; {@code null} when they configure none
     * @throws IdempotencyConfigurationException if they are inconsistent or a key is malformed
     */
    static StoreProtection storeProtection(IdempotencyProperties properties, KeyProvider keyProvider,
            ResponseRedactor redactor) {
        IdempotencyProperties.Encryption encryption = properties.getEncryption();
        IdempotencyProperties.Redaction redaction = properties.getRedaction();
        if (!encryption.isEnabled() && keyProvider != null) {
            throw new IdempotencyConfigurationException("The application defines a KeyProvider bean, but "
                    + PREFIX + "enabled is false, so nothing would be encrypted: set " + PREFIX + "enabled=true, or"
                    + " remove the bean");
        }
        ResponseRedactor redacting = redactor != null ? redactor : jsonRedactor(redaction);
        if (!encryption.isEnabled() && redacting == null) {
            return null;
        }
        StoreProtection.Builder builder = StoreProtection.builder()
                .redactor(redacting == null ? ResponseRedactor.none() : redacting)
                .acceptUnencryptedRecords(encryption.isAcceptUnencryptedRecords());
        if (encryption.isEnabled()) {
            builder.encryption(keyProvider != null ? keyProvider : keys(encryption));
        }
        return builder.build();
    }

    private static ResponseRedactor jsonRedactor(IdempotencyProperties.Redaction redaction) {
        if (redaction.getJsonPaths().isEmpty()) {
            return null;
        }
        try {
            JsonFieldRedactor.Builder builder = JsonFieldRedactor.builder()
                    .paths(redaction.getJsonPaths().toArray(String[]::new));
            return (redaction.isRemove() ? builder.remove() : builder.replaceWith(redaction.getReplacement())).build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IdempotencyConfigurationException("Invalid idempotency.redaction.* properties: " + e.getMessage(), e);
        }
    }

    private static EncryptionKeys keys(IdempotencyProperties.Encryption encryption) {
        String generate = " (openssl rand -base64 32), or define a KeyProvider bean";
        if (encryption.getKeys().isEmpty()) {
            throw new IdempotencyConfigurationException(PREFIX + "enabled is true, but " + PREFIX + "keys is empty: add"
                    + " " + PREFIX + "keys.<key id>=<base64 of 32 random bytes>" + generate);
        }
        if (encryption.getFingerprintKey().isBlank()) {
            throw new IdempotencyConfigurationException(PREFIX + "enabled is true, but " + PREFIX + "fingerprint-key is"
                    + " empty: set it to a secret of its own, base64 of 32 random bytes" + generate);
        }
        if (encryption.getCurrentKeyId().isBlank() && encryption.getKeys().size() > 1) {
            throw new IdempotencyConfigurationException(PREFIX + "keys has " + encryption.getKeys().size() + " keys "
                    + encryption.getKeys().keySet() + ": set " + PREFIX + "current-key-id to the one new records are"
                    + " encrypted under");
        }
        try {
            EncryptionKeys.Builder builder = EncryptionKeys.builder();
            for (Map.Entry<String, String> key : encryption.getKeys().entrySet()) {
                builder.key(key.getKey(), EncryptionKeys.decodeBase64(PREFIX + "keys." + key.getKey(), key.getValue()));
            }
            if (!encryption.getCurrentKeyId().isBlank()) {
                builder.currentKeyId(encryption.getCurrentKeyId().trim());
            }
            builder.fingerprintKey(EncryptionKeys.decodeBase64(PREFIX + "fingerprint-key", encryption.getFingerprintKey()));
            int i = 0;
            for (String previous : encryption.getPreviousFingerprintKeys()) {
                builder.fingerprintKey(EncryptionKeys.decodeBase64(PREFIX + "previous-fingerprint-keys[" + i++ + "]", previous));
            }
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new IdempotencyConfigurationException("Invalid " + PREFIX + "* properties: " + e.getMessage(), e);
        }
    }
}
