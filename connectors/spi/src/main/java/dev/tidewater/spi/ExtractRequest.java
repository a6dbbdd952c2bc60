package dev.tidewater.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * What to extract from one source object: the projected columns (empty means all), predicates the
 * connector may push down, the number of rows per Arrow batch, where unreadable records go (null:
 * they fail the read), and the columns the caller wants as text.
 *
 * <p>{@code textColumns}: connectors that parse text (CSV, JSON, HTTP) deliver these columns as
 * {@code Utf8} holding the value as the source wrote it, instead of the type they inferred, so that
 * the caller (a contract) decides what the value may become. Connectors with typed sources ignore
 * it. Names match ignoring case.
 *
 * <p>{@code rowLimit}: the caller needs at most this many rows (a query's {@code LIMIT} over
 * filters the connector has in full); -1 for all. A connector may read no more (a JDBC source puts
 * it into its query); one that ignores it reads on until the caller stops.
 */
public record ExtractRequest(
    SourceObject object,
    List<String> columns,
    List<ColumnPredicate> predicates,
    int batchRows,
    RecordRejections rejections,
    Set<String> textColumns,
    long rowLimit) {
  public static final int DEFAULT_BATCH_ROWS = 65_536;

  /** A request for all rows. */
  public ExtractRequest(
      SourceObject object,
      List<String> columns,
      List<ColumnPredicate> predicates,
      int batchRows,
      RecordRejections rejections,
      Set<String> textColumns) {
    this(object, columns, predicates, batchRows, rejections, textColumns, -1);
  }

  /** A request whose unreadable records fail the read. */
  public ExtractRequest(
      SourceObject object, List<String> columns, List<ColumnPredicate> predicates, int batchRows) {
    this(object, columns, predicates, batchRows, null, Set.of(), -1);
  }

  /** The same request, handing unreadable records to {@code rejections} instead of failing. */
  public ExtractRequest withRejections(RecordRejections rejections) {
    return new ExtractRequest(
        object, columns, predicates, batchRows, rejections, textColumns, rowLimit);
  }

  /** The same request, asking for {@code textColumns} as text. */
  public ExtractRequest withTextColumns(Set<String> textColumns) {
    return new ExtractRequest(
        object, columns, predicates, batchRows, rejections, textColumns, rowLimit);
  }

  /** The same request, for at most {@code rowLimit} rows (-1: all). */
  public ExtractRequest withRowLimit(long rowLimit) {
    return new ExtractRequest(
        object, columns, predicates, batchRows, rejections, textColumns, rowLimit);
  }

  public ExtractRequest {
    requireNonNull(object, "object is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    predicates = List.copyOf(requireNonNull(predicates, "predicates is null"));
    textColumns = Set.copyOf(requireNonNull(textColumns, "textColumns is null"));
    if (batchRows <= 0) {
      throw new IllegalArgumentException("batchRows must be positive: " + batchRows);
    }
    if (rowLimit < -1) {
      throw new IllegalArgumentException("rowLimit must be -1 or at least 0: " + rowLimit);
    }
  }

  public static ExtractRequest all(SourceObject object) {
    return new ExtractRequest(object, List.of(), List.of(), DEFAULT_BATCH_ROWS);
  }
}
