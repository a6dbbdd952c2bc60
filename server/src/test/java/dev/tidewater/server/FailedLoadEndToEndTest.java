package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LOAD that fails half-way, after its writers have started Parquet files, leaves nothing behind:
 * no commit, and no data file that no snapshot references.
 */
class FailedLoadEndToEndTest {
  /** More rows than one batch, so that writers hold files when the bad row comes. */
  private static final int ROWS_PER_FILE = 40_000;

  private static final int BAD_ROW = 39_990;

  @TempDir Path temp;

  @Test
  void aLoadThatFailsHalfWayLeavesNoFilesAndNoCommit() throws Exception {
    Path dataDir = temp.resolve("data");
    Path good = temp.resolve("good.csv");
    Files.writeString(good, "id,qty\n1,5\n2,6\n3,7\n");
    Path landing = Files.createDirectories(temp.resolve("landing"));
    writeRows(landing.resolve("part-1.csv"), 0, -1);
    writeRows(landing.resolve("part-2.csv"), ROWS_PER_FILE, BAD_ROW);

    try (TidewaterServerFixture server = new TidewaterServerFixture(dataDir);
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE good TYPE FILES WITH (location = '" + good + "')");
      statement.executeQuery("LOAD good INTO iceberg.fail.target WITH DISPOSITION APPEND").close();
      Catalog catalog = server.tidewater().engine().catalogs().catalog("iceberg");
      long before =
          catalog.loadTable(TableIdentifier.of("fail", "target")).currentSnapshot().snapshotId();

      statement.execute(
          "CREATE SOURCE landing TYPE FILES WITH (location = '" + landing + "/*.csv')");
      // The second file's bad row is its line BAD_ROW + 2 (after the header).
      String badLine = "part-2.csv:" + (BAD_ROW + 2);
      Path dataFiles =
          localPath(catalog.loadTable(TableIdentifier.of("fail", "target")).location())
              .resolve("data");
      List<Path> started;
      try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
        dataFiles.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        assertThatThrownBy(
                () ->
                    statement.executeQuery(
                        "LOAD landing INTO iceberg.fail.target WITH DISPOSITION APPEND"))
            .hasMessageContaining(badLine)
            .hasMessageContaining("qty");
        started = createdParquetFiles(watcher, dataFiles);
      }
      // The load had begun writing before the bad row, and removed what it wrote.
      assertThat(started).isNotEmpty().noneMatch(Files::exists);
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD landing INTO iceberg.fail.fresh WITH DISPOSITION REPLACE"))
          .hasMessageContaining(badLine);

      // The table is as before: same snapshot, same rows; the new table was never created.
      Table target = catalog.loadTable(TableIdentifier.of("fail", "target"));
      assertThat(target.currentSnapshot().snapshotId()).isEqualTo(before);
      assertThat(rows(statement.executeQuery("SELECT count(*), sum(qty) FROM fail.target")))
          .containsExactly(List.of(3L, 18L));
      assertThat(catalog.tableExists(TableIdentifier.of("fail", "fresh"))).isFalse();
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT status, rows_read FROM system.loads"
                          + " WHERE target = 'iceberg.fail.target' ORDER BY started_at")))
          .extracting(row -> row.get(0))
          .containsExactly("SUCCEEDED", "FAILED");

      // Every Parquet file under the data directory belongs to a snapshot of a table.
      Set<Path> referenced = referencedFiles(catalog);
      assertThat(referenced).hasSize(1);
      assertThat(parquetFiles(dataDir)).containsExactlyInAnyOrderElementsOf(referenced);
    }
  }

  /** Rows {@code first..first + ROWS_PER_FILE}; the row at index {@code bad} has text for qty. */
  private static void writeRows(Path file, int first, int bad) throws IOException {
    try (Writer out = Files.newBufferedWriter(file)) {
      out.write("id,qty\n");
      for (int i = 0; i < ROWS_PER_FILE; i++) {
        out.write(Integer.toString(first + i));
        out.write(i == bad ? ",many\n" : "," + (i % 100) + "\n");
      }
    }
  }

  /** The Parquet files whose creation the watcher saw (inotify queues the events). */
  private static List<Path> createdParquetFiles(WatchService watcher, Path dir)
      throws InterruptedException {
    List<Path> created = new ArrayList<>();
    WatchKey key = watcher.poll(5, TimeUnit.SECONDS);
    while (key != null) {
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.context() instanceof Path name && name.toString().endsWith(".parquet")) {
          created.add(dir.resolve(name));
        }
      }
      key.reset();
      key = watcher.poll();
    }
    return created;
  }

  private static Set<Path> parquetFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(path -> path.getFileName().toString().endsWith(".parquet"))
          .map(path -> path.toAbsolutePath().normalize())
          .collect(Collectors.toSet());
    }
  }

  /** The data and delete files of every snapshot of every table in the catalog. */
  private static Set<Path> referencedFiles(Catalog catalog) throws IOException {
    Set<Path> files = new HashSet<>();
    for (Namespace namespace : ((SupportsNamespaces) catalog).listNamespaces()) {
      for (TableIdentifier id : catalog.listTables(namespace)) {
        Table table = catalog.loadTable(id);
        for (Snapshot snapshot : table.snapshots()) {
          for (ManifestFile manifest : snapshot.allManifests(table.io())) {
            try (ManifestReader<? extends ContentFile<?>> reader =
                manifest.content() == ManifestContent.DATA
                    ? ManifestFiles.read(manifest, table.io(), table.specs())
                    : ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
              for (ContentFile<?> file : reader) {
                files.add(localPath(file.location()));
              }
            }
          }
        }
      }
    }
    return files;
  }

  private static Path localPath(String location) {
    try {
      return (location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location))
          .toAbsolutePath()
          .normalize();
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException(new IOException("not a local file: " + location, e));
    }
  }
}
