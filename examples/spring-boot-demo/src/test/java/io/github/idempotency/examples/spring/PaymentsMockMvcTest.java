package io.github.idempotency.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.idempotency.spring.IdempotencyCaptureFilter;
import jakarta.servlet.Filter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The demo in MockMvc, the ways docs/testing.md shows: as Spring Boot's {@code @AutoConfigureMockMvc}
 * sets it up, and built by hand from the context, with and without the idempotency filter.
 */
class PaymentsMockMvcTest {

    private static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\"}";

    @Nested
    @SpringBootTest
    @AutoConfigureMockMvc
    class WithBootsMockMvc {

        @Autowired
        MockMvc mvc;

        @Test
        void aRetryIsReplayed() throws Exception {
            String key = UUID.randomUUID().toString();

            MvcResult first = mvc.perform(payment(key)).andExpect(status().isCreated()).andReturn();
            mvc.perform(payment(key))
                    .andExpect(status().isCreated())
                    .andExpect(header().string("Idempotent-Replayed", "true"))
                    .andExpect(content().string(first.getResponse().getContentAsString()));
        }

        @Test
        void theSameKeyWithAnotherAmountIs422() throws Exception {
            String key = UUID.randomUUID().toString();
            mvc.perform(payment(key)).andExpect(status().isCreated());

            mvc.perform(payment(key).content("{\"amount\": 99, \"currency\": \"EUR\"}"))
                    .andExpect(status().isUnprocessableEntity())
                    .andExpect(content().contentType("application/problem+json"));
        }
    }

    @Nested
    @SpringBootTest
    class BuiltFromTheContext {

        @Autowired
        WebApplicationContext context;

        @Test
        void withTheFiltersARetryIsReplayed() throws Exception {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context)
                    .addFilters(context.getBean("springSecurityFilterChain", Filter.class),
                            context.getBean(IdempotencyCaptureFilter.class))
                    .build();
            String key = UUID.randomUUID().toString();

            mvc.perform(payment(key)).andExpect(status().isCreated());
            mvc.perform(payment(key)).andExpect(header().string("Idempotent-Replayed", "true"));
        }

        @Test
        void withoutTheFilterARequestWithoutAKeyIsAnsweredAsUsual() throws Exception {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();

            mvc.perform(payment(null))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("https://idempotency.github.io/problems/missing-idempotency-key"));
        }

        @Test
        void withoutTheFilterARequestWithAKeyFailsNamingTheFilter() {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();

            assertThatThrownBy(() -> mvc.perform(payment(UUID.randomUUID().toString())))
                    .rootCause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs io.github.idempotency.spring.IdempotencyCaptureFilter")
                    .hasMessageContaining(".addFilters(");
        }
    }

    private static MockHttpServletRequestBuilder payment(String key) {
        MockHttpServletRequestBuilder request = post("/payments")
                .header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString("alice:alice-pass".getBytes(StandardCharsets.UTF_8)))
                .contentType(MediaType.APPLICATION_JSON)
                .content(PAYMENT);
        return key == null ? request : request.header("Idempotency-Key", key);
    }
}
