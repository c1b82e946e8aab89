package io.github.idempotency.spring.webflux.testapp;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.testapp.Executions;
import io.github.idempotency.spring.testapp.Gates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One guarded handler per reactive response shape. Each counts its run and waits at the gate named
 * in {@code X-Hold} (off the event loop) before it produces its response, so that a test can send
 * a duplicate while it runs.
 */
@RestController
@RequestMapping("/shapes")
@Idempotent
class ReactiveShapeController {

    static final int LARGE = 2 * 1024 * 1024;
    static final int HUGE_CHUNKS = 2048;
    static final int CHUNK = 8 * 1024;

    private final Executions executions;
    private final Gates gates;

    ReactiveShapeController(Executions executions, Gates gates) {
        this.executions = executions;
        this.gates = gates;
    }

    record Item(String item) {
    }

    record Line(String item, int run, int n) {
    }

    /** Counts the run and waits at the gate, on a thread that may block. */
    private Mono<Integer> work(String item, String hold) {
        return Mono.fromCallable(() -> {
            int run = executions.record(item);
            gates.pass(hold);
            return run;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static String json(String item, int run) {
        return "{\"item\":\"" + item + "\",\"run\":" + run + "}";
    }

    @PostMapping(value = "/mono", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<String> mono(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        return work(body.item(), hold).map(run -> json(body.item(), run));
    }

    /** Completes 2 s after its work. */
    @PostMapping(value = "/delayed", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<String> delayed(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        return work(body.item(), hold).delayElement(Duration.ofSeconds(2)).map(run -> json(body.item(), run));
    }

    /** A JSON array of 1,000 elements, encoded as they come. */
    @PostMapping(value = "/flux", produces = MediaType.APPLICATION_JSON_VALUE)
    Flux<Line> flux(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        return work(body.item(), hold).flatMapMany(run -> Flux.range(0, 1000).map(n -> new Line(body.item(), run, n)));
    }

    @PostMapping(value = "/sse", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> sse(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        return work(body.item(), hold).flatMapMany(run -> Flux.range(0, 3)
                .map(n -> ServerSentEvent.builder(json(body.item(), run)).id(Integer.toString(n)).build()));
    }

    /** 2 MiB, over the stored-body limit of 1 MiB. */
    @PostMapping("/large")
    Mono<ResponseEntity<byte[]>> large(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        return work(body.item(), hold).map(run -> {
            byte[] bytes = new byte[LARGE];
            Arrays.fill(bytes, (byte) 'x');
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header("X-Large", "yes").body(bytes);
        });
    }

    @PostMapping(value = "/form", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<String> form(ServerWebExchange exchange, @RequestHeader(name = "X-Hold", required = false) String hold) {
        return exchange.getFormData().flatMap(form -> {
            String item = form.getFirst("item");
            return work(item, hold).map(run -> json(item, run).replace("}", ",\"quantity\":\"" + form.getFirst("quantity") + "\"}"));
        });
    }

    @PostMapping(value = "/multipart", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<String> multipart(@RequestPart("item") String item, @RequestPart("file") FilePart file,
            @RequestHeader(name = "X-Hold", required = false) String hold) {
        return DataBufferUtils.join(file.content()).flatMap(content -> {
            byte[] bytes = new byte[content.readableByteCount()];
            content.read(bytes);
            DataBufferUtils.release(content);
            return work(item, hold).map(run -> json(item, run) + " file=" + file.filename() + ":" + bytes.length + ":"
                    + Arrays.hashCode(bytes));
        });
    }

    /** 16 MiB in 8 KiB chunks, one every 2 ms: long enough for a client to give up in the middle. */
    @PostMapping(value = "/huge", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    Flux<DataBuffer> huge(@RequestBody Item body) {
        executions.record(body.item());
        byte[] chunk = ("{\"item\":\"" + body.item() + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(chunk, CHUNK);
        return Flux.range(0, HUGE_CHUNKS).delayElements(Duration.ofMillis(2))
                .map(n -> DefaultDataBufferFactory.sharedInstance.wrap(padded));
    }
}
