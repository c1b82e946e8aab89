package io.github.idempotency.store.jdbc;

/** A dialect and the database it runs on in the tests; MySQL's dialect runs on MariaDB. */
enum DialectUnderTest {

    POSTGRESQL(TestDatabase.POSTGRESQL, JdbcDialect.POSTGRESQL),
    MARIADB(TestDatabase.MARIADB, JdbcDialect.MARIADB),
    MYSQL_ON_MARIADB(TestDatabase.MARIADB, JdbcDialect.MYSQL),
    H2(TestDatabase.H2, JdbcDialect.H2);

    final TestDatabase database;
    final JdbcDialect dialect;

    DialectUnderTest(TestDatabase database, JdbcDialect dialect) {
        this.database = database;
        this.dialect = dialect;
    }

    /** Creates a fresh table for this dialect and returns its name. */
    String createTable() {
        String table = database.newTableName();
        JdbcIdempotencyStore.builder(database.dataSource())
                .dialect(dialect)
                .tableName(table)
                .createTableIfMissing(true)
                .build();
        return table;
    }
}
