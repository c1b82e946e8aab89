package io.github.idempotency.spring.boot;

import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;

/** The JDBC store on the DataSource of Spring Boot 3.5's auto-configuration. */
class Boot35JdbcStoreTest extends BootDataSourceJdbcStoreChecks {

    @Override
    protected Class<?> dataSourceAutoConfiguration() {
        return DataSourceAutoConfiguration.class;
    }
}
