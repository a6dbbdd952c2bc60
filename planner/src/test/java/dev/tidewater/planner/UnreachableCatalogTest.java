package dev.tidewater.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.metadata.MetadataStore;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configured catalog that cannot be reached fails only the statements that use it. */
class UnreachableCatalogTest {
  @TempDir Path temp;

  @Test
  void queriesOfOtherCatalogsKeepWorking() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    Path data = temp.resolve("data");
    Path csv = temp.resolve("t.csv");
    Files.writeString(csv, "id\n1\n2\n");
    try (BufferAllocator allocator = new RootAllocator();
        Engine engine =
            new Engine(
                new EngineConfig("iceberg", "default", 2, 100, System::getenv),
                MetadataStore.openSqlite(data),
                CatalogRegistry.create(
                    Map.of(
                        "iceberg",
                        CatalogRegistry.embeddedDefault(data),
                        "lake",
                        Map.of(
                            "type",
                            "rest",
                            "uri",
                            "http://127.0.0.1:" + deadPort,
                            "rest.client.max-retries",
                            "0"))),
                List.of(new FilesConnectorFactory()),
                allocator);
        Session session = engine.openSession("test")) {
      session
          .execute("CREATE SOURCE t TYPE FILES WITH (location = '" + csv + "')", allocator)
          .close();
      session.execute("LOAD t INTO app.t WITH DISPOSITION APPEND", allocator).close();
      try (ExecutionResult result = session.execute("SELECT count(*) FROM app.t", allocator)) {
        assertThat(result.rows().next()).isTrue();
        assertThat(((BigIntVector) result.rows().root().getVector(0)).get(0)).isEqualTo(2L);
      }
      assertThatThrownBy(() -> session.execute("SELECT * FROM lake.sales.t", allocator).close())
          .hasMessageContaining("lake");
    }
  }
}
