package io.github.idempotency.spring.operation.testapp;

/** The values the test beans take and return. */
public final class Orders {

    private Orders() {
    }

    /**
     * @param id the order's id, the operations' key
     * @param tenant whose order it is
     * @param amount in cents
     */
    public record Order(String id, String tenant, long amount) {
    }

    /**
     * @param orderId the order charged
     * @param amount in cents
     * @param run how often the method had run for the order, this run included
     */
    public record Receipt(String orderId, long amount, int run) {
    }

    /**
     * @param sku the item
     * @param quantity how many
     */
    public record Line(String sku, int quantity) {
    }

    /** @param orderId the order placed */
    public record OrderPlaced(String orderId) {
    }

    /** A failure the payment methods store as their outcome. */
    public static class CardDeclinedException extends Exception {
        /** @param message the message */
        public CardDeclinedException(String message) {
            super(message);
        }
    }

    /** A failure that releases the key. */
    public static class GatewayTimeoutException extends RuntimeException {
        /** @param message the message */
        public GatewayTimeoutException(String message) {
            super(message);
        }
    }
}
