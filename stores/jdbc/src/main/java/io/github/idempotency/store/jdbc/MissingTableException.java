package io.github.idempotency.store.jdbc;

import java.sql.SQLException;

/**
 * The database answered that the entries table, or one of its columns, does not exist or cannot be
 * read ({@link JdbcIdempotencyStore#checkTable()}). The message names the table and the dialect's
 * schema file, and a way to have the table created; a framework that creates it its own way says
 * so with {@link #withRemedy(String)}.
 */
public final class MissingTableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String tableName;
    private final String schemaResource;

    MissingTableException(String tableName, String schemaResource, SQLException cause) {
        this(tableName, schemaResource, cause,
                "let the store create it with JdbcIdempotencyStore.Builder.createTableIfMissing(true)");
    }

    private MissingTableException(String tableName, String schemaResource, Throwable cause, String remedy) {
        super("The idempotency entries table " + tableName + " is missing or lacks columns (" + cause.getMessage()
                + "): create it with " + schemaResource + " (in idempotency-store-jdbc's jar), or " + remedy, cause);
        this.tableName = tableName;
        this.schemaResource = schemaResource;
    }

    /**
     * @param remedy how else the table gets created, completing "create it with the schema file,
     *     or ..." ({@code set idempotency.store.jdbc.initialize-schema=always})
     * @return the same failure, its message naming {@code remedy}
     */
    public MissingTableException withRemedy(String remedy) {
        return new MissingTableException(tableName, schemaResource, getCause(), remedy);
    }

    /** @return the name of the table that is missing */
    public String tableName() {
        return tableName;
    }

    /** @return the class path resource of the dialect's schema file */
    public String schemaResource() {
        return schemaResource;
    }
}
