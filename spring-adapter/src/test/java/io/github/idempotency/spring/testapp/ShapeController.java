package io.github.idempotency.spring.testapp;

import io.github.idempotency.spring.Idempotent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * One guarded handler per shape a Spring MVC handler can have. Each counts its run for the item it
 * was given and, with {@code X-Hold}, waits at that gate where its work runs (on the asynchronous
 * thread for the asynchronous shapes).
 */
@RestController
@RequestMapping("/shapes")
@Idempotent(keyRequired = true)
class ShapeController {

    /** Over the default stored-body limit of 1 MiB. */
    static final int LARGE_BODY = 2 * 1024 * 1024;
    /** Larger than the socket buffers of client and server together. */
    static final int HUGE_BODY = 16 * 1024 * 1024;

    private final Executions executions;
    private final Gates gates;
    private final ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "shape-worker");
        thread.setDaemon(true);
        return thread;
    });

    ShapeController(Executions executions, Gates gates) {
        this.executions = executions;
        this.gates = gates;
    }

    record Item(String item) {
    }

    private String run(String item, String hold) {
        int run = executions.record(item);
        gates.pass(hold);
        return "{\"item\":\"" + item + "\",\"run\":" + run + "}";
    }

    @PostMapping("/sync")
    String sync(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        return run(body.item(), hold);
    }

    @PostMapping("/callable")
    Callable<String> callable(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        return () -> run(body.item(), hold);
    }

    @PostMapping("/deferred-result")
    DeferredResult<String> deferredResult(@RequestBody Item body,
            @RequestHeader(name = "X-Hold", required = false) String hold) {
        DeferredResult<String> result = new DeferredResult<>();
        pool.execute(() -> result.setResult(run(body.item(), hold)));
        return result;
    }

    @PostMapping("/completable-future")
    CompletableFuture<String> completableFuture(@RequestBody Item body,
            @RequestHeader(name = "X-Hold", required = false) String hold) {
        return CompletableFuture.supplyAsync(() -> run(body.item(), hold), pool);
    }

    @PostMapping("/web-async-task")
    WebAsyncTask<String> webAsyncTask(@RequestBody Item body,
            @RequestHeader(name = "X-Hold", required = false) String hold) {
        return new WebAsyncTask<>(30_000, () -> run(body.item(), hold));
    }

    @PostMapping("/large")
    ResponseEntity<byte[]> large(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        byte[] bytes = new byte[LARGE_BODY];
        Arrays.fill(bytes, (byte) ('a' + run(body.item(), hold).length() % 26));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).header("X-Large", "yes").body(bytes);
    }

    @PostMapping("/huge")
    @Idempotent(keyRequired = true, maxWait = "60s")
    ResponseEntity<byte[]> huge(@RequestBody Item body) {
        run(body.item(), null);
        byte[] bytes = new byte[HUGE_BODY];
        Arrays.fill(bytes, (byte) 'h');
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(bytes);
    }

    @PostMapping(path = "/multipart", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    String multipart(@RequestParam String item, @RequestPart("file") MultipartFile file,
            @RequestHeader(name = "X-Hold", required = false) String hold) throws IOException {
        return run(item, hold) + " file=" + file.getOriginalFilename() + ":" + file.getSize() + ":"
                + Arrays.hashCode(file.getBytes());
    }

    @PostMapping(path = "/form", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    String formPost(@RequestParam String item, @RequestParam int quantity,
            @RequestHeader(name = "X-Hold", required = false) String hold) {
        return run(item, hold) + " quantity=" + quantity;
    }

    @PatchMapping(path = "/form", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    String formPatch(@RequestParam String item, @RequestParam int quantity,
            @RequestHeader(name = "X-Hold", required = false) String hold) {
        return run(item, hold) + " quantity=" + quantity;
    }

    @PostMapping(path = "/reader", consumes = MediaType.TEXT_PLAIN_VALUE)
    String reader(BufferedReader reader, @RequestHeader(name = "X-Hold", required = false) String hold)
            throws IOException {
        String item = reader.readLine();
        return run(item, hold) + " rest=" + reader.readLine();
    }

    @PostMapping("/sse")
    SseEmitter sse(@RequestBody Item body, @RequestHeader(name = "X-Hold", required = false) String hold) {
        SseEmitter emitter = new SseEmitter(30_000L);
        pool.execute(() -> {
            try {
                String result = run(body.item(), hold);
                emitter.send(SseEmitter.event().name("accepted").data(result));
                emitter.send(SseEmitter.event().name("done").data("bye"));
                emitter.complete();
            } catch (IOException e) {
                emitter.completeWithError(e);
            }
        });
        return emitter;
    }

    @PostMapping("/streaming")
    StreamingResponseBody streaming(@RequestBody Item body,
            @RequestHeader(name = "X-Hold", required = false) String hold) {
        return out -> {
            String result = run(body.item(), hold);
            out.write(result.getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.write(" streamed".getBytes(StandardCharsets.UTF_8));
        };
    }
}
