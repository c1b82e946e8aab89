package io.github.idempotency.spring.testapp;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A catch-all exception handler, as many applications have, for the handler-shape endpoints. */
@RestControllerAdvice(assignableTypes = ShapeController.class)
class ShapeAdvice {

    @ExceptionHandler
    ResponseEntity<String> anything(Exception e) {
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(MediaType.APPLICATION_JSON)
                .body("{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
    }
}
