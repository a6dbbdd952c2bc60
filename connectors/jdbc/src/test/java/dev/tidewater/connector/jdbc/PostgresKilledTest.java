package dev.tidewater.connector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.TidewaterException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A PostgreSQL server that stops in the middle of a streamed read, through COPY or a cursor. */
class PostgresKilledTest {
  @ParameterizedTest(name = "binary_copy = {0}")
  @ValueSource(strings = {"true", "false"})
  void aServerThatDiesMidReadFailsTheReadNamingSourceTableAndRow(String binaryCopy)
      throws Exception {
    EmbeddedPostgres postgres = Services.start("embedded PostgreSQL", EmbeddedPostgres::start);
    try {
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        // 100 MB: more than the socket buffers can hold once COPY streams without a round trip
        statement.execute(
            "CREATE TABLE big AS SELECT g AS id, repeat('x', 500) AS pad"
                + " FROM generate_series(1, 200000) g");
      }
      SourceObject big = new SourceObject(List.of("public", "big"));
      try (BufferAllocator allocator = new RootAllocator();
          Connector connector =
              new JdbcConnectorFactory(null)
                  .create(
                      "shop_db",
                      Map.of(
                          "url",
                          postgres.getJdbcUrl("postgres", "postgres"),
                          "fetch_size",
                          "1000",
                          "binary_copy",
                          binaryCopy))) {
        ExtractRequest request = new ExtractRequest(big, List.of(), List.of(), 1000);
        try (BatchReader reader =
            connector.open(connector.plan(request).get(0), request, allocator)) {
          assertThat(reader.next()).isTrue();
          postgres.close();
          assertThatThrownBy(
                  () -> {
                    while (reader.next()) {
                      // the server is gone: some fetch fails
                    }
                  })
              .isInstanceOf(TidewaterException.class)
              .satisfies(
                  e -> assertThat(((TidewaterException) e).kind()).isEqualTo(ErrorKind.EXTERNAL))
              .hasMessageContaining("source 'shop_db': reading shop_db.public.big at row");
        }
      }
    } finally {
      postgres.close();
    }
  }
}
