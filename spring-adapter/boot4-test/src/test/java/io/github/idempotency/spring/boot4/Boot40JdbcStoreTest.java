package io.github.idempotency.spring.boot4;

import io.github.idempotency.spring.boot.BootDataSourceJdbcStoreChecks;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;

/**
 * The JDBC store on the DataSource of Spring Boot 4.0's auto-configuration, which lives in another
 * module and package than on 3.5.
 */
class Boot40JdbcStoreTest extends BootDataSourceJdbcStoreChecks {

    @Override
    protected Class<?> dataSourceAutoConfiguration() {
        return DataSourceAutoConfiguration.class;
    }
}
