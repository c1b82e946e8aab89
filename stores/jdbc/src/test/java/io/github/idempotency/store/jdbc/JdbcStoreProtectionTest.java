package io.github.idempotency.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.idempotency.core.protect.StoreProtectionContract;
import io.github.idempotency.core.store.EntryKey;
import io.github.idempotency.core.store.IdempotencyStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The protection contract on one database: the entry's row is read with a plain {@code SELECT}
 * of every column, past the library, and altered with an {@code UPDATE}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreProtectionTest extends StoreProtectionContract {

    private final DialectUnderTest target;
    private final ContractTable table;
    private String tableName;

    JdbcStoreProtectionTest(DialectUnderTest target) {
        this.target = target;
        this.table = new ContractTable(target, TimeSource.CLOCK);
    }

    @AfterAll
    void dropTable() {
        table.dropTable();
    }

    @Override
    protected IdempotencyStore createStore() {
        JdbcIdempotencyStore store = table.createStore();
        tableName = store.tableName();
        return store;
    }

    @Override
    protected byte[] rawEntry(EntryKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection connection = target.database.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT * FROM " + tableName + " WHERE id = ?")) {
            select.setString(1, key.digest());
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("the entry's row").isTrue();
                for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                    byte[] value = row.getMetaData().getColumnType(column) == java.sql.Types.BINARY
                            || isBinary(row.getMetaData().getColumnTypeName(column))
                            ? row.getBytes(column)
                            : bytesOf(row.getString(column));
                    out.writeBytes(value == null ? new byte[0] : value);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static boolean isBinary(String typeName) {
        String type = typeName.toUpperCase(java.util.Locale.ROOT);
        return type.contains("BYTEA") || type.contains("BLOB") || type.contains("BINARY");
    }

    private static byte[] bytesOf(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void flipStoredResponseByte(EntryKey key) {
        try (Connection connection = target.database.dataSource().getConnection()) {
            byte[] response;
            try (PreparedStatement select = connection.prepareStatement("SELECT response FROM " + tableName + " WHERE id = ?")) {
                select.setString(1, key.digest());
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).as("the entry's row").isTrue();
                    response = row.getBytes(1);
                }
            }
            response[response.length / 2] ^= 0x01;
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + tableName + " SET response = ? WHERE id = ?")) {
                update.setBytes(1, response);
                update.setString(2, key.digest());
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
