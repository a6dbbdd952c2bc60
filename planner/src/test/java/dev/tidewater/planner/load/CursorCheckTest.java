package dev.tidewater.planner.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.iceberg.TableCommitters;
import dev.tidewater.iceberg.WriteResult;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cursor's compare-and-set inside Iceberg's commit: a load whose transaction started from
 * cursor 20 loses the race to a load that committed cursor 40 — Iceberg retries its commit on the
 * new table state, the check runs again there, and nothing is committed.
 */
class CursorCheckTest {
  private static final TableIdentifier ID = TableIdentifier.of("app", "events");

  @TempDir Path temp;

  @Test
  void aCommitRetriedAfterAnotherLoadMovedTheCursorFails() {
    try (CatalogRegistry catalogs =
        CatalogRegistry.create(Map.of("iceberg", CatalogRegistry.embeddedDefault(temp)))) {
      Catalog catalog = catalogs.catalog("iceberg");
      ((SupportsNamespaces) catalog).createNamespace(Namespace.of("app"));
      Table table =
          catalog.createTable(
              ID, new Schema(Types.NestedField.optional(1, "seq", Types.LongType.get())));
      String key = Cursors.summaryKey("events");
      TableCommitters.append().commit(table, WriteResult.EMPTY, Map.of(key, "20"));

      CursorWindow window =
          new CursorWindow(
              "seq", CursorType.BIGINT, 20L, false, null, 20L, CursorWindow.Movement.MOVES);
      Transaction late = catalog.loadTable(ID).newTransaction();
      // Another load commits cursor 40 after this one started.
      TableCommitters.append().commit(catalog.loadTable(ID), WriteResult.EMPTY, Map.of(key, "40"));

      CursorCheck check = new CursorCheck("events", window);
      assertThatThrownBy(
              () ->
                  TableCommitters.append()
                      .commit(late, WriteResult.EMPTY, Map.of(key, "30"), check))
          .isInstanceOf(TidewaterException.class);
      assertThat(check.failed()).isTrue();
      assertThat(check.found()).isEqualTo("40");
      assertThat(Cursors.last(catalog.loadTable(ID), "events")).contains("40");

      // From the cursor the table has now, the same kind of commit goes through.
      CursorWindow current =
          new CursorWindow(
              "seq", CursorType.BIGINT, 40L, false, null, 40L, CursorWindow.Movement.MOVES);
      TableCommitters.append()
          .commit(
              catalog.loadTable(ID).newTransaction(),
              WriteResult.EMPTY,
              Map.of(key, "50"),
              new CursorCheck("events", current));
      assertThat(Cursors.last(catalog.loadTable(ID), "events")).contains("50");
    }
  }
}
