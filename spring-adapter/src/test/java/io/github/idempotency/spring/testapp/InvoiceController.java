package io.github.idempotency.spring.testapp;

import org.springframework.web.bind.annotation.RestController;

/** Implements {@link InvoicesApi}: every mapping and annotation comes from the interface. */
@RestController
class InvoiceController implements InvoicesApi {

    @Override
    public String create(String invoice) {
        return "invoice " + invoice;
    }

    @Override
    public String payments(String id) {
        return "payments of " + id;
    }
}
