package io.github.idempotency.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EntryKeyTest {

    /**
     * The digest names rows and Redis keys that outlive one version of the library, so it is pinned
     * to a fixed value: SHA-256 of "5:scope" followed by "3:key".
     */
    @Test
    void digestIsTheLowercaseHexSha256OfTheLengthPrefixedScopeAndKey() {
        assertThat(new EntryKey("scope", "key").digest())
                .isEqualTo("4af3dd6e9acda245b2eef47db655bd1699d6e0a24b664a5d48176382db503eb6");
    }

    @Test
    void lengthsArePrefixedInUtf8Bytes() throws Exception {
        String scope = "p5:alice4:POST/payments";
        String key = "caf\u00e9";

        byte[] input = ("23:" + scope + "5:" + key).getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));

        assertThat(new EntryKey(scope, key).digest()).isEqualTo(expected)
                .isEqualTo("a6569ca47c1c52863319fdb77d81a78f9698e07058d40d8d04b24c3053b8513a");
    }

    @Test
    void lengthPrefixesOfEveryNumberOfDigitsAreTheDecimalLength() throws Exception {
        for (int length : new int[] {0, 1, 9, 10, 11, 99, 100, 999, 1000, 10_000, 123_456}) {
            String scope = "s".repeat(length);
            String key = "k".repeat(length / 7);
            byte[] input = (length + ":" + scope + key.length() + ":" + key).getBytes(StandardCharsets.UTF_8);
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));

            assertThat(new EntryKey(scope, key).digest()).as("scope of %d bytes", length).isEqualTo(expected);
        }
    }

    @Test
    void digestIsSixtyFourLowercaseHexCharactersForAnyInput() {
        assertThat(new EntryKey("", "").digest()).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(new EntryKey("s".repeat(10_000), "\uD83D\uDE00").digest()).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void theBoundaryBetweenScopeAndKeyCannotBeMoved() {
        assertThat(new EntryKey("ab", "c").digest()).isNotEqualTo(new EntryKey("a", "bc").digest());
        assertThat(new EntryKey("a1:", "b").digest()).isNotEqualTo(new EntryKey("a", "1:b").digest());
    }

    @Test
    void scopeAndKeyBothCount() {
        EntryKey key = new EntryKey("scope", "key");

        assertThat(key.digest()).isEqualTo(new EntryKey("scope", "key").digest())
                .isNotEqualTo(new EntryKey("scope", "kez").digest())
                .isNotEqualTo(new EntryKey("scopf", "key").digest());
    }

    @Test
    void nullPartsAreRejected() {
        assertThatThrownBy(() -> new EntryKey(null, "k")).isInstanceOf(NullPointerException.class).hasMessage("scope");
        assertThatThrownBy(() -> new EntryKey("s", null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    }
}
