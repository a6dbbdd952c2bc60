package dev.tidewater.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What to extract from one source object: the projected columns (empty means all), predicates the
 * connector may push down, and the number of rows per Arrow batch.
 */
public record ExtractRequest(
    SourceObject object,
    List<String> columns,
    List<ColumnPredicate> predicates,
    int batchRows,
    RecordRejections rejections) {
  public static final int DEFAULT_BATCH_ROWS = 65_536;

  /** A request whose unreadable records fail the read. */
  public ExtractRequest(
      SourceObject object, List<String> columns, List<ColumnPredicate> predicates, int batchRows) {
    this(object, columns, predicates, batchRows, null);
  }

  /** The same request, handing unreadable records to {@code rejections} instead of failing. */
  public ExtractRequest withRejections(RecordRejections rejections) {
    return new ExtractRequest(object, columns, predicates, batchRows, rejections);
  }

  public ExtractRequest {
    requireNonNull(object, "object is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    predicates = List.copyOf(requireNonNull(predicates, "predicates is null"));
    if (batchRows <= 0) {
      throw new IllegalArgumentException("batchRows must be positive: " + batchRows);
    }
  }

  public static ExtractRequest all(SourceObject object) {
    return new ExtractRequest(object, List.of(), List.of(), DEFAULT_BATCH_ROWS);
  }
}
