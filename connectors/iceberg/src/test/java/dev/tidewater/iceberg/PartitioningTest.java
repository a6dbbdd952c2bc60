package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;

class PartitioningTest {
  private static final Schema SCHEMA = ArrowSchemas.toIceberg(AllTypes.SCHEMA);

  @Test
  void buildsEveryTransform() {
    PartitionSpec spec =
        Partitioning.spec(
            SCHEMA,
            List.of(
                PartitionTerm.identity("FLAG"),
                new PartitionTerm("year", "day", null),
                new PartitionTerm("month", "ts", null),
                new PartitionTerm("DAY", "tstz", null),
                new PartitionTerm("hour", "ts_millis", null),
                new PartitionTerm("bucket", "id", 16),
                new PartitionTerm("truncate", "name", 3),
                new PartitionTerm("void", "count", null)));

    assertThat(spec.fields())
        .extracting(PartitionField::name)
        .containsExactly(
            "flag",
            "day_year",
            "ts_month",
            "tstz_day",
            "ts_millis_hour",
            "id_bucket",
            "name_trunc",
            "count_null");
    assertThat(spec.fields().get(5).transform().toString()).isEqualTo("bucket[16]");
    assertThat(Partitioning.spec(SCHEMA, List.of()).isUnpartitioned()).isTrue();
  }

  @Test
  void rejectsUnknownColumnsTransformsAndBadArguments() {
    assertUserError(new PartitionTerm("day", "missing", null), "unknown column 'missing'");
    assertUserError(new PartitionTerm("week", "ts", null), "unknown transform 'week'");
    assertUserError(new PartitionTerm("bucket", "id", null), "bucket(16, id)");
    assertUserError(new PartitionTerm("day", "name", null), "[day(name)]");
  }

  private static void assertUserError(PartitionTerm term, String message) {
    assertThatThrownBy(() -> Partitioning.spec(SCHEMA, List.of(term)))
        .isInstanceOfSatisfying(
            TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
        .hasMessageContaining(message);
  }
}
