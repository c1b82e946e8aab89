package io.github.idempotency.spring.testapp;

import io.github.idempotency.spring.Idempotent;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * An interface as OpenAPI Generator writes it ({@code interfaceOnly}), with {@link Idempotent} on
 * the methods whose operations carry {@code x-operation-extra-annotation}; {@link InvoiceController}
 * implements it.
 */
interface InvoicesApi {

    @PostMapping("/invoices")
    @Idempotent(ttl = "48h")
    String create(@RequestBody String invoice);

    /** Guarded on {@code POST} only, the configured methods; {@code GET} passes through. */
    @RequestMapping(path = "/invoices/{id}/payments", method = {RequestMethod.GET, RequestMethod.POST})
    @Idempotent(keyRequired = true)
    @ApiResponse(responseCode = "200", description = "The invoice's payments")
    @ApiResponse(responseCode = "409", description = "The invoice is already paid")
    String payments(@PathVariable("id") String id);
}
