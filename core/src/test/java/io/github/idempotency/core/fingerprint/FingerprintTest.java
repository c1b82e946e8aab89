package io.github.idempotency.core.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void digestOfOneToSixtyFourBytesIsAccepted() {
        assertThat(Fingerprint.of(new byte[1]).bytes()).hasSize(1);
        assertThat(Fingerprint.of(new byte[64]).bytes()).hasSize(64);
    }

    @Test
    void emptyOrLongerDigestIsRejected() {
        assertThatThrownBy(() -> Fingerprint.of(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a fingerprint is 1 to 64 bytes, was 0");
        assertThatThrownBy(() -> Fingerprint.of(new byte[65]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a fingerprint is 1 to 64 bytes, was 65");
    }

    @Test
    void digestIsCopiedInAndOut() {
        byte[] digest = {1, 2, 3};
        Fingerprint fingerprint = Fingerprint.of(digest);
        digest[0] = 9;
        fingerprint.bytes()[1] = 9;

        assertThat(fingerprint.bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void aDigestInsideALargerArrayIsCopiedFromItsRange() {
        byte[] source = {9, 1, 2, 3, 9};

        assertThat(Fingerprint.of(source, 1, 3)).isEqualTo(Fingerprint.of(new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> Fingerprint.of(source, 3, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Fingerprint.of(source, 1, 0)).hasMessage("a fingerprint is 1 to 64 bytes, was 0");
    }

    @Test
    void hexIsLowercaseAndReadBackInEitherCase() {
        Fingerprint fingerprint = Fingerprint.of(new byte[] {0x0A, (byte) 0xFF, 0x10});

        assertThat(fingerprint.hex()).isEqualTo("0aff10");
        assertThat(Fingerprint.fromHex("0aff10")).isEqualTo(fingerprint);
        assertThat(Fingerprint.fromHex("0AFF10")).isEqualTo(fingerprint);
        assertThat(fingerprint).hasToString("Fingerprint[0aff10]");
    }

    @Test
    void invalidHexIsRejected() {
        assertThatThrownBy(() -> Fingerprint.fromHex("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprint.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprint.fromHex("zz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalityAndHashCodeAreByContent() {
        Fingerprint fingerprint = Fingerprint.of(new byte[] {1, 2, 3});

        assertThat(Fingerprint.of(new byte[] {1, 2, 3})).isEqualTo(fingerprint).hasSameHashCodeAs(fingerprint);
        assertThat(Fingerprint.of(new byte[] {1, 2, 4})).isNotEqualTo(fingerprint)
                .doesNotHaveSameHashCodeAs(fingerprint);
        assertThat(Fingerprint.of(new byte[] {1, 2})).isNotEqualTo(fingerprint);
        assertThat(fingerprint).isNotEqualTo("010203");
    }
}
