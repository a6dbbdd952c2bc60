package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.types.Types.NestedField;

/** Builds Iceberg partition specs from {@code PARTITIONED BY} terms. */
public final class Partitioning {
  private Partitioning() {}

  /**
   * The partition spec of {@code terms} over {@code schema}; a user error for an unknown column or
   * transform, a missing argument, or a transform the column's type does not support.
   */
  public static PartitionSpec spec(Schema schema, List<PartitionTerm> terms) {
    if (terms.isEmpty()) {
      return PartitionSpec.unpartitioned();
    }
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (PartitionTerm term : terms) {
      NestedField field = schema.caseInsensitiveFindField(term.column());
      TidewaterException.check(
          field != null,
          "partition term %s: unknown column '%s' (columns: %s)",
          term,
          term.column(),
          String.join(", ", schema.columns().stream().map(NestedField::name).toList()));
      String column = schema.findColumnName(field.fieldId());
      try {
        add(builder, term, column);
      } catch (IllegalArgumentException | ValidationException e) {
        throw TidewaterException.user("partition term %s: %s", term, e.getMessage());
      }
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException | ValidationException e) {
      throw TidewaterException.user("PARTITIONED BY %s: %s", terms, e.getMessage());
    }
  }

  private static void add(PartitionSpec.Builder builder, PartitionTerm term, String column) {
    String transform = term.transform().toLowerCase(Locale.ROOT);
    switch (transform) {
      case "identity" -> builder.identity(column);
      case "year", "years" -> builder.year(column);
      case "month", "months" -> builder.month(column);
      case "day", "days" -> builder.day(column);
      case "hour", "hours" -> builder.hour(column);
      case "bucket" -> builder.bucket(column, argument(term, "the number of buckets"));
      case "truncate" -> builder.truncate(column, argument(term, "the width"));
      case "void" -> builder.alwaysNull(column);
      default ->
          throw TidewaterException.user(
              "partition term %s: unknown transform '%s' (transforms: identity, year, month, day,"
                  + " hour, bucket, truncate, void)",
              term, term.transform());
    }
  }

  private static int argument(PartitionTerm term, String what) {
    TidewaterException.check(
        term.argument() != null && term.argument() > 0,
        "partition term %s: %s needs %s as a positive integer, e.g. %s(16, %s)",
        term,
        term.transform(),
        what,
        term.transform(),
        term.column());
    return term.argument();
  }
}
