package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tidewater.connector.text.FieldTypes;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFilesTest {
  @TempDir Path directory;

  private Path write(String name, String content) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void readsRecordsAtARecordsPathWithNestedObjectsAndArrays() throws IOException {
    Path file =
        write(
            "features.json",
            """
            {"type": "FeatureCollection",
             "meta": {"count": 3, "items": [1, 2]},
             "features": [
               {"id": 1, "name": "Pier", "properties": {"height": 2.5, "tags": ["a", "b"]},
                "points": [[1.0, 2.0], [3.0, 4.0]], "updated": "2024-05-01T10:00:00Z"},
               null,
               {"id": 2, "name": "Dock", "properties": {"height": 3, "owner": "city"},
                "points": [], "updated": "2024-05-02T11:30:00Z", "extra": true},
               {"id": 3, "properties": null, "points": null}
             ]}
            """);

    SourceReading reading =
        SourceReading.read(Map.of("location", file.toString(), "records_path", "$.features"));

    assertThat(reading.types())
        .containsExactly(
            entry("id", "BIGINT"),
            entry("name", "VARCHAR"),
            entry("properties", "ROW"),
            entry("points", "DOUBLE ARRAY ARRAY"),
            entry("updated", "TIMESTAMP WITH TIME ZONE"),
            entry("extra", "BOOLEAN"));
    Field properties = reading.schema.findField("properties");
    assertThat(properties.getChildren())
        .extracting(Field::getName)
        .containsExactly("height", "tags", "owner");
    assertThat(FieldTypes.sqlName(properties.getChildren().get(0))).isEqualTo("DOUBLE");
    assertThat(FieldTypes.sqlName(properties.getChildren().get(1))).isEqualTo("VARCHAR ARRAY");

    assertThat(reading.column("id")).containsExactly(1L, 2L, 3L);
    assertThat(reading.column("name")).containsExactly("Pier", "Dock", null);
    assertThat(reading.rows.get(0).get("properties"))
        .isEqualTo(Map.of("height", 2.5, "tags", List.of("a", "b")));
    assertThat(reading.rows.get(1).get("properties"))
        .isEqualTo(Map.of("height", 3.0, "owner", "city"));
    assertThat(reading.rows.get(2).get("properties")).isNull();
    assertThat(reading.column("points"))
        .containsExactly(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0)), List.of(), null);
    assertThat(reading.column("extra")).containsExactly(null, true, null);
    assertThat(reading.positions)
        .containsExactly(
            "features.json record 1", "features.json record 2", "features.json record 3");
  }

  @Test
  void followsADeeperRecordsPath() throws IOException {
    Path file =
        write("page.json", "{\"data\": {\"total\": 2, \"items\": [{\"a\": 1}, {\"a\": 2}]}}");

    SourceReading reading =
        SourceReading.read(Map.of("location", file.toString(), "records_path", "$.data.items"));

    assertThat(reading.column("a")).containsExactly(1L, 2L);
    assertThatThrownBy(
            () ->
                SourceReading.read(
                    Map.of("location", file.toString(), "records_path", "$.data.nothing")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("records_path '$.data.nothing'");
  }

  @Test
  void readsARootArrayOrASingleObject() throws IOException {
    Path array = write("array.json", "[{\"a\": 1}, {\"a\": 2, \"b\": \"x\"}]");
    Path single = write("single.json", "{\"a\": 1, \"b\": \"only\"}");

    assertThat(SourceReading.read(Map.of("location", array.toString())).rows)
        .containsExactly(mapOf("a", 1L, "b", null), mapOf("a", 2L, "b", "x"));
    assertThat(SourceReading.read(Map.of("location", single.toString())).rows)
        .containsExactly(mapOf("a", 1L, "b", "only"));
  }

  private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }

  @Test
  void readsJsonLinesWithTheirLineNumbers() throws IOException {
    Path file =
        write(
            "customers.jsonl",
            "{\"id\": 1, \"email\": \"a@example.com\", \"score\": 1.5, \"zip\": \"00501\"}\n"
                + "\n"
                + "{\"id\": 2, \"email\": \"b@example.com\", \"score\": 2, \"zip\": \"10001\"}\n"
                + "{\"id\": 3, \"email\": null, \"score\": null}\n");

    SourceReading reading = SourceReading.read(Map.of("location", file.toString()));

    assertThat(reading.types())
        .containsExactly(
            entry("id", "BIGINT"),
            entry("email", "VARCHAR"),
            entry("score", "DOUBLE"),
            entry("zip", "VARCHAR"));
    assertThat(reading.column("score")).containsExactly(1.5, 2.0, null);
    assertThat(reading.column("zip")).containsExactly("00501", "10001", null);
    assertThat(reading.positions)
        .containsExactly("customers.jsonl:1", "customers.jsonl:3", "customers.jsonl:4");
  }

  @Test
  void aMalformedLineNamesTheLine() throws IOException {
    Path file = write("broken.jsonl", "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3,, }\n{\"id\": 4}\n");

    assertThatThrownBy(() -> SourceReading.read(Map.of("location", file.toString())))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("broken.jsonl:3: malformed JSON:");
  }

  @Test
  void aMalformedLineBeyondTheSampleNamesTheLine() throws IOException {
    Path file = write("late.jsonl", "{\"id\": 1}\n{\"id\": 2}\n{\"id\": tru}\n");

    assertThatThrownBy(
            () -> SourceReading.read(Map.of("location", file.toString(), "sample_rows", "1")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("late.jsonl:3: malformed JSON:");
  }

  @Test
  void aLateValueOfTheWrongTypeNamesTheLineAndColumn() throws IOException {
    Path file =
        write(
            "typed.jsonl",
            "{\"id\": 1, \"address\": {\"zip\": 12345}}\n{\"id\": 2, \"address\": {\"zip\": \"x1\"}}\n");

    assertThatThrownBy(
            () -> SourceReading.read(Map.of("location", file.toString(), "sample_rows", "1")))
        .hasMessage("typed.jsonl:2: column 'address.zip': cannot read 'x1' as BIGINT");
  }

  @Test
  void fieldsMixingObjectsAndScalarsAreJsonText() throws IOException {
    Path file =
        write(
            "mixed.jsonl",
            "{\"v\": {\"a\": [1, 2]}, \"n\": 1, \"s\": \"12\"}\n"
                + "{\"v\": \"text\", \"n\": \"one\", \"s\": \"13\"}\n"
                + "{\"v\": [true], \"n\": 2.5}\n");

    SourceReading reading = SourceReading.read(Map.of("location", file.toString()));

    assertThat(reading.types())
        .containsExactly(entry("v", "VARCHAR"), entry("n", "VARCHAR"), entry("s", "VARCHAR"));
    assertThat(reading.column("v")).containsExactly("{\"a\":[1,2]}", "text", "[true]");
    assertThat(reading.column("n")).containsExactly("1", "one", "2.5");
  }

  @Test
  void projectsNestedColumnsAndSkipsTheRest() throws IOException {
    Path file =
        write(
            "p.jsonl",
            "{\"id\": 1, \"address\": {\"city\": \"Kiel\"}, \"tags\": [\"a\"]}\n"
                + "{\"id\": 2, \"address\": {\"city\": \"Bonn\"}, \"tags\": []}\n");

    SourceReading reading =
        SourceReading.read(Map.of("location", file.toString()), List.of("address"), 1);

    assertThat(reading.batchSizes).containsExactly(1, 1);
    assertThat(reading.rows)
        .containsExactly(
            Map.of("address", Map.of("city", "Kiel")), Map.of("address", Map.of("city", "Bonn")));
  }

  @Test
  void recordsPathIsForJsonOnly() throws IOException {
    Path file = write("x.jsonl", "{\"a\": 1}\n");

    assertThatThrownBy(
            () -> SourceReading.read(Map.of("location", file.toString(), "records_path", "$.a")))
        .hasMessageContaining("option 'records_path' applies to format json only");
  }

  @Test
  void readsManyRecordsWithListsOfObjects() throws IOException {
    StringBuilder content = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      content
          .append("{\"order\": ")
          .append(i)
          .append(", \"lines\": [{\"sku\": \"a-")
          .append(i)
          .append("\", \"qty\": 1}, null, {\"sku\": \"b\", \"qty\": ")
          .append(i % 3 == 0 ? "null" : "2")
          .append("}]}\n");
    }
    Path file = write("lines.jsonl", content.toString());

    SourceReading reading =
        SourceReading.read(Map.of("location", file.toString()), List.of(), 1024);

    assertThat(reading.types())
        .containsExactly(entry("order", "BIGINT"), entry("lines", "ROW ARRAY"));
    assertThat(reading.rows).hasSize(5000);
    // Arrow's struct getObject leaves out null fields
    assertThat(reading.rows.get(4998).get("lines"))
        .isEqualTo(
            java.util.Arrays.asList(Map.of("sku", "a-4998", "qty", 1L), null, Map.of("sku", "b")));
    assertThat(reading.rows.get(4997).get("lines"))
        .isEqualTo(
            java.util.Arrays.asList(
                Map.of("sku", "a-4997", "qty", 1L), null, Map.of("sku", "b", "qty", 2L)));
    assertThat(reading.positions.get(4999)).isEqualTo("lines.jsonl:5000");
  }

  @Test
  void anEmptyJsonFileIsRefusedNamingTheFile() throws IOException {
    Path file = write("empty.jsonl", "");

    // An empty file has nothing to infer columns from: an error naming the file (docs/loads.md).
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SourceReading.read(Map.of("location", file.toString())))
        .isInstanceOf(dev.tidewater.spi.TidewaterException.class)
        .hasMessageContaining("empty.jsonl: no columns");
  }
}
