package dev.tidewater.planner.statement;

import dev.tidewater.planner.result.Rows;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/** The fixed result schemas of Tidewater's own statements. */
final class ResultSchemas {
  static final Schema SOURCES =
      new Schema(
          List.of(
              Rows.varchar("source_name"),
              Rows.varchar("type"),
              Rows.varchar("options"),
              Rows.timestamp("created_at")));
  static final Schema CATALOGS = new Schema(List.of(Rows.varchar("catalog_name")));
  static final Schema NAMESPACES =
      new Schema(List.of(Rows.varchar("catalog_name"), Rows.varchar("namespace_name")));
  static final Schema TABLES =
      new Schema(
          List.of(
              Rows.varchar("catalog_name"),
              Rows.varchar("namespace_name"),
              Rows.varchar("table_name")));
  static final Schema LOADS =
      new Schema(
          List.of(
              Rows.varchar("load_id"),
              Rows.varchar("source"),
              Rows.varchar("target"),
              Rows.varchar("disposition"),
              Rows.varchar("status"),
              Rows.bigint("rows_read"),
              Rows.bigint("rows_written"),
              Rows.bigint("rows_rejected"),
              Rows.bigint("snapshot_id"),
              Rows.varchar("cursor_before"),
              Rows.varchar("cursor_after"),
              Rows.timestamp("started_at"),
              Rows.doubleField("seconds"),
              Rows.varchar("error"),
              Rows.varchar("contract")));
  static final Schema COLUMNS =
      new Schema(
          List.of(
              Rows.varchar("column_name"),
              Rows.varchar("data_type"),
              Rows.bool("nullable"),
              Rows.varchar("comment")));
  static final Schema PLAN = new Schema(List.of(Rows.varchar("plan")));

  private ResultSchemas() {}
}
