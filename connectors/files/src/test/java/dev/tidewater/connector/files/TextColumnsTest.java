package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.tidewater.connector.files.SourceReading.RejectionsMode;
import dev.tidewater.connector.text.FieldTypes;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Columns a request names in textColumns come as VARCHAR holding the value as the file wrote it.
 */
class TextColumnsTest {
  @TempDir Path directory;

  private Path write(String name, String content) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static SourceReading read(Path file, Set<String> textColumns, String... options) {
    Map<String, String> map = new HashMap<>();
    map.put("location", file.toString());
    for (int i = 0; i < options.length; i += 2) {
      map.put(options[i], options[i + 1]);
    }
    ExtractRequest request = ExtractRequest.all(SourceObject.SELF).withTextColumns(textColumns);
    return SourceReading.read(map, request, RejectionsMode.COLLECT);
  }

  /** The discovered schema with the named fields replaced by nullable VARCHAR, in place. */
  private static Schema textual(Schema discovered, String... names) {
    List<Field> fields = new ArrayList<>();
    for (Field field : discovered.getFields()) {
      boolean text = List.of(names).contains(field.getName());
      fields.add(
          text
              ? new Field(field.getName(), FieldType.nullable(ArrowType.Utf8.INSTANCE), null)
              : field);
    }
    return new Schema(fields);
  }

  @Test
  void csvTextColumnsHoldTheFieldTextAndNeverReject() throws IOException {
    StringBuilder content = new StringBuilder("id,qty,amount,day,note\n");
    for (int i = 1; i <= 5; i++) {
      content.append(i).append(',').append(i).append(",1.50,2024-01-0").append(i).append(",x\n");
    }
    content.append("6,abc,007,not a date,y\n7,,+3.1e2,2024-02-30,\n");
    Path file = write("orders.csv", content.toString());

    SourceReading reading = read(file, Set.of("QTY", "Amount", "day", "nope"), "sample_rows", "5");

    Map<String, String> discovered = new LinkedHashMap<>();
    discovered.put("id", "BIGINT");
    discovered.put("qty", "BIGINT");
    discovered.put("amount", "DECIMAL(18,2)");
    discovered.put("day", "DATE");
    discovered.put("note", "VARCHAR");
    assertThat(reading.types()).containsExactlyEntriesOf(discovered);
    assertThat(reading.readSchema).isEqualTo(textual(reading.schema, "qty", "amount", "day"));
    assertThat(reading.rejections).isEmpty();
    assertThat(reading.column("qty")).containsExactly("1", "2", "3", "4", "5", "abc", null);
    assertThat(reading.column("amount"))
        .containsExactly("1.50", "1.50", "1.50", "1.50", "1.50", "007", "+3.1e2");
    assertThat(reading.column("day").subList(5, 7)).containsExactly("not a date", "2024-02-30");
    assertThat(reading.column("id")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void csvTextColumnsWorkWithProjectionAndTheEscapeParser() throws IOException {
    Path file = write("p.csv", "a,b,c\n1,2,3\n4,\"x\\\"y\",6\n");
    Map<String, String> options = new HashMap<>();
    options.put("location", file.toString());
    options.put("escape", "\\");
    options.put("sample_rows", "1");

    SourceReading reading =
        SourceReading.read(
            options,
            new ExtractRequest(SourceObject.SELF, List.of("c", "b"), List.of(), 10)
                .withTextColumns(Set.of("b")),
            RejectionsMode.COLLECT);

    assertThat(reading.readSchema.getFields())
        .extracting(Field::getName, field -> FieldTypes.sqlName(field))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("c", "BIGINT"),
            org.assertj.core.groups.Tuple.tuple("b", "VARCHAR"));
    assertThat(reading.column("b")).containsExactly("2", "x\"y");
    assertThat(reading.rejections).isEmpty();
  }

  @Test
  void jsonTextColumnsHoldStringsLiteralsAndJsonText() throws IOException {
    Path file =
        write(
            "mixed.jsonl",
            "{\"id\": 1, \"n\": 1.50, \"flag\": true, \"obj\": {\"a\": [1, 2.50e1]}, \"s\": \"x\"}\n"
                + "{\"id\": 2, \"n\": 1e3, \"flag\": false, \"obj\": {\"a\": []}, \"s\": \"y\"}\n"
                + "{\"id\": 3, \"n\": \"text\", \"flag\": \"maybe\", \"obj\": [true, null],"
                + " \"s\": 12}\n"
                + "{\"id\": 4, \"n\": null, \"flag\": null, \"obj\": null, \"s\": -0}\n");

    SourceReading reading = read(file, Set.of("n", "flag", "obj", "S"), "sample_rows", "2");

    assertThat(reading.types())
        .containsExactly(
            entry("id", "BIGINT"),
            entry("n", "DOUBLE"),
            entry("flag", "BOOLEAN"),
            entry("obj", "ROW"),
            entry("s", "VARCHAR"));
    assertThat(reading.readSchema).isEqualTo(textual(reading.schema, "n", "flag", "obj", "s"));
    assertThat(reading.rejections).isEmpty();
    assertThat(reading.column("n")).containsExactly("1.50", "1e3", "text", null);
    assertThat(reading.column("flag")).containsExactly("true", "false", "maybe", null);
    assertThat(reading.column("obj"))
        .containsExactly("{\"a\":[1,2.50e1]}", "{\"a\":[]}", "[true,null]", null);
    assertThat(reading.column("s")).containsExactly("x", "y", "12", "-0");
  }
}
