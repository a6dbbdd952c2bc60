package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.iceberg.testing.RequiredService;
import dev.tidewater.server.testing.HiveMetastoreService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Hive Metastore catalog, from the Hive plugin, against a real metastore server. */
class HiveCatalogEndToEndTest {
  @RegisterExtension
  static final RequiredService<HiveMetastoreService> HIVE =
      RequiredService.of("the Hive Metastore", new HiveMetastoreService());

  @Test
  void loadsIntoAHiveCatalog(@TempDir Path temp) throws Exception {
    Path file = temp.resolve("tidewater.yaml");
    Files.writeString(
        file,
        """
        data-dir: %s
        catalogs:
          hms:
            type: hive
            uri: ${env:HMS_URI}
            warehouse: %s
        """
            .formatted(temp.resolve("data"), temp.resolve("hive-warehouse").toUri()));
    TidewaterConfig config =
        TidewaterConfig.load(file, Map.of("HMS_URI", HIVE.service().uri())::get);
    Path orders = temp.resolve("orders.csv");
    Files.writeString(orders, "order_id,amount,status\n1,12.50,new\n2,7.25,paid\n");
    try (TidewaterServerFixture server = new TidewaterServerFixture(config);
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE NAMESPACE hms.sales");
      statement.execute(
          "CREATE SOURCE orders_csv TYPE FILES WITH (location = '" + orders + "', format = 'csv')");
      statement.execute("LOAD orders_csv INTO hms.sales.orders WITH DISPOSITION APPEND");
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM hms.sales.orders")) {
        rows.next();
        assertThat(rows.getLong(1)).isEqualTo(2);
      }
    }
  }
}
