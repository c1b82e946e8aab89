package io.github.idempotency.spring.webflux.testapp;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns a handler's exception into an error body, as applications do. */
@RestControllerAdvice
class ReactiveOrderAdvice {

    @ExceptionHandler
    ResponseEntity<String> outOfStock(ReactiveOrderController.OutOfStockException e) {
        return ResponseEntity.status(HttpStatus.GONE)
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-Stock", "none")
                .body("{\"error\":\"out of stock\",\"item\":\"" + e.item + "\",\"run\":" + e.run + "}");
    }
}
