package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.testing.RequiredService;
import dev.tidewater.iceberg.testing.RestCatalogService;
import dev.tidewater.server.testing.HiveMetastoreService;
import dev.tidewater.server.testing.TcpRelay;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same end-to-end script — create, merge incrementally, time travel, load at a branch and
 * publish it — on every catalog that runs here, all configured in one server: Iceberg's REST
 * catalog server, the JDBC catalog on a real PostgreSQL, and the Hive Metastore (a real metastore
 * server, the catalog from the Hive plugin); then one query joining tables of two catalogs.
 */
class CatalogsEndToEndTest {
  @RegisterExtension
  static final RequiredService<RestCatalogService> REST =
      RequiredService.of("the Iceberg REST catalog server", new RestCatalogService());

  @RegisterExtension
  static final RequiredService<HiveMetastoreService> HIVE =
      RequiredService.of("the Hive Metastore", new HiveMetastoreService());

  private static EmbeddedPostgres postgres;

  @TempDir static Path temp;

  @BeforeAll
  static void startPostgres() {
    postgres = RequiredService.start("embedded PostgreSQL", () -> EmbeddedPostgres.start());
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void theSameScriptPassesOnEveryCatalog() throws Exception {
    Path file = temp.resolve("tidewater.yaml");
    Files.writeString(
        file,
        """
        data-dir: %s
        catalogs:
          rest_lake:
            type: rest
            uri: ${env:REST_URI}
          pg_lake:
            type: jdbc
            uri: ${env:PG_URI}
            jdbc.user: postgres
            jdbc.password: postgres
            jdbc.schema-version: V1
            warehouse: %s
          hive_lake:
            type: hive
            uri: ${env:HMS_URI}
            warehouse: %s
        """
            .formatted(
                temp.resolve("data"),
                temp.resolve("pg-warehouse").toUri(),
                temp.resolve("hive-warehouse").toUri()));
    // The server reaches the metastore through a relay that can cut the connection and restore it.
    URI metastore = URI.create(HIVE.service().uri());
    TcpRelay relay = new TcpRelay(metastore.getHost(), metastore.getPort());
    TidewaterConfig config =
        TidewaterConfig.load(
            file,
            Map.of(
                    "REST_URI", REST.service().uri(),
                    "PG_URI", postgres.getJdbcUrl("postgres", "postgres"),
                    "HMS_URI", "thrift://127.0.0.1:" + relay.port())
                ::get);
    Path events = temp.resolve("events.csv");
    try (relay;
        TidewaterServerFixture server = new TidewaterServerFixture(config);
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE SOURCE events TYPE FILES WITH (location = '" + events + "', format = 'csv')");
      for (String catalog : List.of("rest_lake", "pg_lake", "hive_lake")) {
        script(statement, events, catalog);
      }
      // Several catalogs in one query.
      assertThat(
              count(
                  statement,
                  "SELECT count(*) FROM rest_lake.ns.events r JOIN hive_lake.ns.events h"
                      + " ON r.seq = h.seq JOIN pg_lake.ns.events p ON p.seq = h.seq"))
          .isEqualTo(20);
      metastoreDownAndBack(statement, relay);
    }
  }

  /**
   * The metastore goes away (the connection is cut) and comes back at the same address: while it is
   * away a statement on its catalog fails with an error naming the catalog and the other catalogs
   * keep serving; once it is back the same statement works without a restart. Then the metastore
   * dies for good: the same clear error.
   */
  private static void metastoreDownAndBack(Statement statement, TcpRelay relay) throws Exception {
    relay.cut();
    assertThatThrownBy(() -> statement.executeQuery("SELECT count(*) FROM hive_lake.ns.events"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("hive_lake");
    assertThat(count(statement, "SELECT count(*) FROM rest_lake.ns.events")).isEqualTo(20);
    assertThat(count(statement, "SELECT count(*) FROM pg_lake.ns.events")).isEqualTo(20);
    relay.restore();
    assertThat(count(statement, "SELECT count(*) FROM hive_lake.ns.events")).isEqualTo(20);
    HIVE.service().stop();
    assertThatThrownBy(() -> statement.executeQuery("SELECT count(*) FROM hive_lake.ns.events"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("hive_lake");
    assertThat(count(statement, "SELECT count(*) FROM pg_lake.ns.events")).isEqualTo(20);
  }

  private static void script(Statement statement, Path events, String catalog) throws Exception {
    String table = catalog + ".ns.events";
    String load =
        "LOAD events INTO " + table + " WITH DISPOSITION MERGE ON (seq) INCREMENTAL ON seq";
    statement.execute("CREATE NAMESPACE IF NOT EXISTS " + catalog + ".ns");
    write(events, 10, "v1");
    long first = (Long) rows(statement.executeQuery(load)).get(0).get(5);
    write(events, 15, "v1");
    statement.execute(load);
    assertThat(count(statement, "SELECT count(*) FROM " + table)).as(catalog).isEqualTo(15);
    assertThat(count(statement, "SELECT count(*) FROM " + table + " FOR VERSION AS OF " + first))
        .as(catalog)
        .isEqualTo(10);
    write(events, 20, "v2");
    statement.execute(load + " AT BRANCH 'audit'");
    assertThat(count(statement, "SELECT count(*) FROM " + table)).as(catalog).isEqualTo(15);
    assertThat(count(statement, "SELECT count(*) FROM " + table + " FOR VERSION AS OF 'audit'"))
        .as(catalog)
        .isEqualTo(20);
    statement.execute("PUBLISH BRANCH 'audit' OF " + table);
    assertThat(count(statement, "SELECT count(*) FROM " + table)).as(catalog).isEqualTo(20);
    assertThat(rows(statement.executeQuery("SHOW BRANCHES OF " + table)))
        .as(catalog)
        .extracting(row -> row.get(0) + " " + row.get(2))
        .containsExactly("audit events=20", "main events=20");
  }

  private static long count(Statement statement, String sql) throws SQLException {
    return (Long) rows(statement.executeQuery(sql)).get(0).get(0);
  }

  private static void write(Path file, int rows, String label) throws Exception {
    StringBuilder csv = new StringBuilder("seq,label\n");
    for (int seq = 1; seq <= rows; seq++) {
      csv.append(seq).append(',').append(label).append('\n');
    }
    Files.writeString(file, csv);
  }
}
