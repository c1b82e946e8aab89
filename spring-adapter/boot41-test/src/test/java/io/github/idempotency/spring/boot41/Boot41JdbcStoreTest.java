package io.github.idempotency.spring.boot41;

import io.github.idempotency.spring.boot.BootDataSourceJdbcStoreChecks;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;

/** The JDBC store on the DataSource of Spring Boot 4.1's auto-configuration. */
class Boot41JdbcStoreTest extends BootDataSourceJdbcStoreChecks {

    @Override
    protected Class<?> dataSourceAutoConfiguration() {
        return DataSourceAutoConfiguration.class;
    }
}
