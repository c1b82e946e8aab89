package io.github.idempotency.store.jdbc;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL a {@link JdbcIdempotencyStore} speaks. Each dialect claims with its database's own atomic
 * upsert; complete, release and renew are one conditional {@code UPDATE} or {@code DELETE} with the
 * fencing token in the {@code WHERE} clause on every dialect.
 *
 * <p>Statements per claim: {@link #POSTGRESQL} and {@link #MARIADB} one; {@link #MYSQL} two (an
 * upsert, then a select of the row); {@link #H2} one when the claim is acquired and two when the
 * entry is held or completed. A claim that races with a concurrent change to the same entry may
 * take one or two statements more.
 */
public enum JdbcDialect {

    /**
     * PostgreSQL 9.5 or later: {@code INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE <expired>}
     * inside a common table expression that also returns the existing row when it was not taken.
     */
    POSTGRESQL("schema-postgresql.sql"),

    /**
     * MariaDB 10.5 or later: {@code INSERT ... ON DUPLICATE KEY UPDATE} with conditional assignments
     * and {@code RETURNING}, which returns the row as it is after the statement.
     */
    MARIADB("schema-mysql.sql"),

    /**
     * MySQL 8 (and MariaDB before 10.5): {@code INSERT ... ON DUPLICATE KEY UPDATE} with conditional
     * assignments, then a {@code SELECT} of the row, as MySQL has no {@code RETURNING}.
     */
    MYSQL("schema-mysql.sql"),

    /** H2 2.x: {@code MERGE INTO ... USING ... WHEN MATCHED AND <expired>} read through {@code FINAL TABLE}. */
    H2("schema-h2.sql");

    private static final Pattern MARIADB_VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.\\d+-MariaDB");

    private final String schemaFile;

    JdbcDialect(String schemaFile) {
        this.schemaFile = schemaFile;
    }

    /**
     * @return the class path resource holding this dialect's schema (a plain SQL script creating the
     *     table {@code idempotency_entries} and its index), for example
     *     {@code io/github/idempotency/store/jdbc/schema-postgresql.sql}
     */
    public String schemaResource() {
        return "io/github/idempotency/store/jdbc/" + schemaFile;
    }

    /**
     * Picks the dialect from what the driver reports in {@link java.sql.DatabaseMetaData}.
     *
     * @param productName {@code getDatabaseProductName()}
     * @param productVersion {@code getDatabaseProductVersion()}
     * @param majorVersion {@code getDatabaseMajorVersion()}
     * @param minorVersion {@code getDatabaseMinorVersion()}
     * @return the dialect
     * @throws IllegalArgumentException if the database is not one of PostgreSQL, MySQL, MariaDB, H2
     */
    static JdbcDialect detect(String productName, String productVersion, int majorVersion, int minorVersion) {
        String name = productName.toLowerCase(Locale.ROOT);
        if (name.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (name.equals("h2")) {
            return H2;
        }
        if (name.contains("mariadb")) {
            return atLeast105(majorVersion, minorVersion) ? MARIADB : MYSQL;
        }
        if (name.contains("mysql")) {
            // MySQL drivers connected to MariaDB report "MySQL" and a version such as 5.5.5-10.11.6-MariaDB.
            Matcher mariaDb = MARIADB_VERSION.matcher(productVersion);
            if (mariaDb.find()) {
                int major = Integer.parseInt(mariaDb.group(1));
                int minor = Integer.parseInt(mariaDb.group(2));
                return atLeast105(major, minor) ? MARIADB : MYSQL;
            }
            return MYSQL;
        }
        throw new IllegalArgumentException("The JDBC idempotency store supports PostgreSQL, MySQL, MariaDB and H2; "
                + "the DataSource connects to '" + productName + " " + productVersion + "'");
    }

    private static boolean atLeast105(int major, int minor) {
        return major > 10 || (major == 10 && minor >= 5);
    }
}
