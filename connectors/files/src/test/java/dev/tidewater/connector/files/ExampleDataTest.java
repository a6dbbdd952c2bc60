package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The quickstart's sample files (examples/data) read with the types the quickstart expects. */
class ExampleDataTest {
  private static final Path DATA = Path.of("../../examples/data").toAbsolutePath().normalize();

  @Test
  void orders() {
    SourceReading reading =
        SourceReading.read(Map.of("location", DATA.resolve("orders*.csv").toString()));

    assertThat(reading.types())
        .containsExactly(
            entry("order_id", "BIGINT"),
            entry("customer", "BIGINT"),
            entry("amount", "DECIMAL(18,2)"),
            entry("status", "VARCHAR"),
            entry("zip", "VARCHAR"),
            entry("ordered_at", "TIMESTAMP WITH TIME ZONE"));
    assertThat(reading.rows).hasSize(25);
    assertThat(reading.column("status")).containsOnly("new", "paid", "void");
    assertThat(reading.rows.get(2))
        .containsEntry("zip", "00501")
        .containsEntry("amount", new BigDecimal("15.50"));
    assertThat(reading.positions.get(20)).isEqualTo("orders_update.csv:2");
  }

  @Test
  void customers() {
    SourceReading reading =
        SourceReading.read(Map.of("location", DATA.resolve("customers.jsonl").toString()));

    assertThat(reading.types())
        .containsExactly(
            entry("id", "BIGINT"),
            entry("name", "VARCHAR"),
            entry("email", "VARCHAR"),
            entry("address", "ROW"),
            entry("tags", "VARCHAR ARRAY"),
            entry("signed_up", "TIMESTAMP WITH TIME ZONE"));
    assertThat(reading.rows).hasSize(10);
    assertThat(reading.rows.get(2).get("address"))
        .isEqualTo(
            Map.of(
                "street", "1 Holtsville Rd", "city", "Holtsville", "state", "NY", "zip", "00501"));
    assertThat(reading.rows.get(2).get("tags")).isEqualTo(List.of());
  }
}
