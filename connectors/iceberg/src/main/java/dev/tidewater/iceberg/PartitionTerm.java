package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

/**
 * One term of {@code PARTITIONED BY}: a transform ({@code identity | year | month | day | hour |
 * bucket | truncate | void}) of a column, with the bucket count or truncate width as argument.
 */
public record PartitionTerm(String transform, String column, Integer argument) {
  public PartitionTerm {
    requireNonNull(transform, "transform is null");
    requireNonNull(column, "column is null");
  }

  public static PartitionTerm identity(String column) {
    return new PartitionTerm("identity", column, null);
  }

  @Override
  public String toString() {
    if (transform.equalsIgnoreCase("identity")) {
      return column;
    }
    return argument == null
        ? transform + "(" + column + ")"
        : transform + "(" + argument + ", " + column + ")";
  }
}
