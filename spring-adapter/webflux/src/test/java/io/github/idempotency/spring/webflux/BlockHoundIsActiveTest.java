package io.github.idempotency.spring.webflux;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The guard over every test of this module: a blocking call on a non-blocking thread fails. */
class BlockHoundIsActiveTest {

    @Test
    void aSleepOnAParallelThreadFails() {
        Mono<Void> sleeping = Mono.<Void>fromRunnable(() -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).subscribeOn(Schedulers.parallel());

        assertThatThrownBy(() -> sleeping.block(Duration.ofSeconds(10)))
                .hasCauseInstanceOf(BlockingOperationError.class);
    }
}
