package io.github.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoragePolicyTest {

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 204, 301, 400, 404, 409, 422, 499})
    void defaultsStoreSuccessesRedirectsAndMostClientErrors(int status) {
        assertThat(StoragePolicy.defaults().shouldStore(status)).isTrue();
        assertThat(StoragePolicy.storeAll().shouldStore(status)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 425, 429, 500, 502, 503, 599})
    void defaultsDoNotStoreWhatAClientIsExpectedToRetry(int status) {
        assertThat(StoragePolicy.defaults().shouldStore(status)).isFalse();
        assertThat(StoragePolicy.storeAll().shouldStore(status)).isTrue();
    }
}
