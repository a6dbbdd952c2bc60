package dev.tidewater.planner.load;

import static java.util.Objects.requireNonNull;

import dev.tidewater.planner.result.Rows;
import org.apache.arrow.vector.types.pojo.Schema;

/** The one row a LOAD answers. */
public record LoadOutcome(
    String loadId,
    String status,
    long rowsRead,
    long rowsWritten,
    long rowsRejected,
    Long snapshotId,
    double seconds) {
  public static final Schema SCHEMA =
      new Schema(
          java.util.List.of(
              Rows.varchar("load_id"),
              Rows.varchar("status"),
              Rows.bigint("rows_read"),
              Rows.bigint("rows_written"),
              Rows.bigint("rows_rejected"),
              Rows.bigint("snapshot_id"),
              Rows.doubleField("seconds")));

  public LoadOutcome {
    requireNonNull(loadId, "loadId is null");
    requireNonNull(status, "status is null");
  }

  public Rows toRows() {
    return Rows.of(SCHEMA)
        .add(loadId, status, rowsRead, rowsWritten, rowsRejected, snapshotId, seconds);
  }
}
