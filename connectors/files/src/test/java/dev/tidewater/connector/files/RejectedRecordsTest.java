package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.tidewater.connector.files.SourceReading.Rejection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records a reader cannot read go to the request's RecordRejections with their source text. */
class RejectedRecordsTest {
  @TempDir Path directory;

  private Path write(String name, String content) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static Map<String, String> options(Path location, String... keysAndValues) {
    Map<String, String> options = new HashMap<>();
    options.put("location", location.toString());
    for (int i = 0; i < keysAndValues.length; i += 2) {
      options.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return options;
  }

  @Test
  void csvRejectionsCarryTheRecordAsTheFileHoldsIt() throws IOException {
    Path file =
        write(
            "orders.csv",
            "id,qty,note\n"
                + "1,5,plain\n"
                + "2,abc,\"say \"\"hi\"\"\"\n"
                + "3,6,\"two\r\nlines\"\n"
                + "4,x,\"multi\nline, \"\"quoted\"\"\"\r\n"
                + "5,7\n"
                + "6,8,ok,extra\n"
                + "7,9,last");

    SourceReading reading = SourceReading.readRejecting(options(file, "sample_rows", "1"));

    assertThat(reading.column("id")).containsExactly(1L, 3L, 7L);
    assertThat(reading.column("note")).containsExactly("plain", "two\r\nlines", "last");
    assertThat(reading.positions).containsExactly("orders.csv:2", "orders.csv:4", "orders.csv:10");
    assertThat(reading.rejections)
        .containsExactly(
            new Rejection(
                "orders.csv:3",
                "column 'qty': cannot read 'abc' as BIGINT",
                "2,abc,\"say \"\"hi\"\"\""),
            new Rejection(
                "orders.csv:6",
                "column 'qty': cannot read 'x' as BIGINT",
                "4,x,\"multi\nline, \"\"quoted\"\"\""),
            new Rejection(
                "orders.csv:8", "expected 3 fields (as in the header) but found 2", "5,7"),
            new Rejection(
                "orders.csv:9",
                "expected 3 fields (as in the header) but found 4",
                "6,8,ok,extra"));
  }

  @Test
  void csvRejectionsWithAnEscapeCharacterCarryTheRecordToo() throws IOException {
    Path file =
        write(
            "escaped.csv",
            "id,qty,note\n"
                + "1,5,\"a \\\"b\\\"\"\n"
                + "2,abc,\"c \\\"d\\\"\nmore\"\n"
                + "3,6,line\\\nbreak\n"
                + "4,y,e\\\\\n"
                + "5,7,ok");

    SourceReading reading =
        SourceReading.readRejecting(options(file, "escape", "\\", "sample_rows", "1"));

    assertThat(reading.column("id")).containsExactly(1L, 3L, 5L);
    assertThat(reading.positions)
        .containsExactly("escaped.csv:2", "escaped.csv:5", "escaped.csv:8");
    assertThat(reading.rejections)
        .containsExactly(
            new Rejection(
                "escaped.csv:3",
                "column 'qty': cannot read 'abc' as BIGINT",
                "2,abc,\"c \\\"d\\\"\nmore\""),
            new Rejection("escaped.csv:7", "column 'qty': cannot read 'y' as BIGINT", "4,y,e\\\\"));
  }

  @Test
  void aRaggedRowInTheSampleIsLeftOutOfInferenceAndRejectedWhenRead() throws IOException {
    Path file = write("ragged.csv", "a,b,c\n1,2,3\n4,5\nx,y,z,w\n6,7,8\n");

    SourceReading reading = SourceReading.readRejecting(options(file));

    assertThat(reading.types())
        .containsEntry("a", "BIGINT")
        .containsEntry("b", "BIGINT")
        .containsEntry("c", "BIGINT");
    assertThat(reading.column("a")).containsExactly(1L, 6L);
    assertThat(reading.rejections)
        .extracting(Rejection::position, Rejection::record)
        .containsExactly(tuple("ragged.csv:3", "4,5"), tuple("ragged.csv:4", "x,y,z,w"));
  }

  /**
   * Many records of random length around the parsers' 8 KiB reads, some rejected: each rejection
   * carries exactly the record's text, wherever the record lies in the parser's buffer.
   */
  @Test
  void recordTextIsExactAcrossTheParsersBuffers() throws IOException {
    for (String escape : new String[] {null, "\\"}) {
      Random random = new Random(42);
      StringBuilder content = new StringBuilder("id,qty,note\n");
      List<Rejection> expected = new ArrayList<>();
      List<Object> ids = new ArrayList<>();
      int line = 2;
      for (int id = 1; id <= 3000; id++) {
        boolean bad = id > 1 && random.nextInt(7) == 0;
        StringBuilder note = new StringBuilder("\"");
        int lines = 0;
        for (int i = random.nextInt(escape == null ? 120 : 60); i > 0; i--) {
          int kind = random.nextInt(20);
          if (kind == 0) {
            note.append("\"\"");
          } else if (kind == 1) {
            note.append('\n');
            lines++;
          } else if (kind == 2) {
            note.append(',');
          } else if (kind == 3 && escape != null) {
            note.append("\\\"");
          } else {
            note.append((char) ('a' + random.nextInt(26)));
          }
        }
        note.append('"');
        String record = id + "," + (bad ? "q" + id : String.valueOf(id % 100)) + "," + note;
        content.append(record).append(random.nextBoolean() ? "\n" : "\r\n");
        if (bad) {
          expected.add(
              new Rejection(
                  "big.csv:" + line, "column 'qty': cannot read 'q" + id + "' as BIGINT", record));
        } else {
          ids.add((long) id);
        }
        line += 1 + lines;
      }
      Path file = write("big.csv", content.toString());
      Map<String, String> options = options(file, "sample_rows", "1");
      if (escape != null) {
        options.put("escape", escape);
      }

      SourceReading reading = SourceReading.readRejecting(options);

      assertThat(reading.column("id")).as("escape %s", escape).isEqualTo(ids);
      assertThat(reading.rejections).as("escape %s", escape).isEqualTo(expected);
    }
  }

  @Test
  void aHugeRejectedRecordIsCutWithAMarker() throws IOException {
    for (String escape : new String[] {null, "\\"}) {
      int[] sizes = {70_000, 1_500_000};
      StringBuilder content = new StringBuilder("id,qty,note\n0,1,first\n");
      for (int size : sizes) {
        content.append("1,bad,\"");
        for (int i = 0; i < size; i++) {
          content.append(i % 1000 == 999 ? '\n' : (char) ('a' + i % 26));
        }
        content.append("\"\n");
      }
      content.append("2,also bad,short\n3,4,fine\n");
      Path file = write("huge.csv", content.toString());
      Map<String, String> options = options(file, "sample_rows", "1");
      if (escape != null) {
        options.put("escape", escape);
      }

      SourceReading reading = SourceReading.readRejecting(options);

      assertThat(reading.column("id")).containsExactly(0L, 3L);
      assertThat(reading.rejections).hasSize(3);
      for (int i = 0; i < 2; i++) {
        String record = reading.rejections.get(i).record();
        assertThat(record).hasSizeLessThanOrEqualTo(InputHistory.TEXT_LIMIT);
        assertThat(record).startsWith("1,bad,\"abcdefghij").endsWith(InputHistory.TRUNCATED);
      }
      // lines are counted through huge records
      assertThat(reading.rejections.get(2))
          .isEqualTo(
              new Rejection(
                  "huge.csv:" + (3 + 70 + 1 + 1500 + 1),
                  "column 'qty': cannot read 'also bad' as BIGINT",
                  "2,also bad,short"));
      assertThat(reading.positions)
          .containsExactly("huge.csv:2", "huge.csv:" + (3 + 70 + 1 + 1500 + 2));
    }
  }

  @Test
  void malformedAndNonObjectJsonLinesAreRejectedAndReadingGoesOn() throws IOException {
    Path file =
        write(
            "events.jsonl",
            "{\"id\": 1, \"n\": 5}\n"
                + "{\"id\": 2,, \"n\": 6}\n"
                + "tru\n"
                + "[1, 2]\r\n"
                + "\"text\"\n"
                + "{\"id\": 3, \"n\": \"x\"}\n"
                + "{\"id\": 4, \"n\": 7\n"
                + "{\"id\": 5, \"n\": 8}\n"
                + "{\"id\": 6, \"n\": {\"a\": [1, }\n"
                + "{\"id\": 7, \"n\": 9}\n"
                + "{\"id\": 8, \"n\"");

    SourceReading reading = SourceReading.readRejecting(options(file, "sample_rows", "1"));

    assertThat(reading.column("id")).containsExactly(1L, 5L, 7L);
    assertThat(reading.positions)
        .containsExactly("events.jsonl:1", "events.jsonl:8", "events.jsonl:10");
    assertThat(reading.rejections)
        .extracting(Rejection::position, Rejection::record)
        .containsExactly(
            tuple("events.jsonl:2", "{\"id\": 2,, \"n\": 6}"),
            tuple("events.jsonl:3", "tru"),
            tuple("events.jsonl:4", "[1, 2]"),
            tuple("events.jsonl:5", "\"text\""),
            tuple("events.jsonl:6", "{\"id\": 3, \"n\": \"x\"}"),
            tuple("events.jsonl:7", "{\"id\": 4, \"n\": 7"),
            tuple("events.jsonl:9", "{\"id\": 6, \"n\": {\"a\": [1, }"),
            tuple("events.jsonl:11", "{\"id\": 8, \"n\""));
    assertThat(reading.rejections.get(0).reason())
        .startsWith("malformed JSON: Unexpected character (','");
    assertThat(reading.rejections.get(1).reason())
        .startsWith("malformed JSON: Unrecognized token 'tru'");
    assertThat(reading.rejections.get(2).reason())
        .isEqualTo("expected a JSON object as a record but found an array");
    assertThat(reading.rejections.get(3).reason())
        .isEqualTo("expected a JSON object as a record but found a string");
    assertThat(reading.rejections.get(4).reason())
        .isEqualTo("column 'n': cannot read 'x' as BIGINT");
    assertThat(reading.rejections.get(7).reason())
        .startsWith("malformed JSON: Unexpected end-of-input");
  }

  @Test
  void aJsonLineThatIsNotUtf8IsRejected() throws IOException {
    Path file = directory.resolve("latin.jsonl");
    byte[] good = "{\"name\": \"a\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = "{\"name\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] content = new byte[good.length * 2 + bad.length];
    System.arraycopy(good, 0, content, 0, good.length);
    System.arraycopy(bad, 0, content, good.length, bad.length);
    System.arraycopy(good, 0, content, good.length + bad.length, good.length);
    Files.write(file, content);

    SourceReading reading = SourceReading.readRejecting(options(file));

    assertThat(reading.column("name")).containsExactly("a", "a");
    assertThat(reading.positions).containsExactly("latin.jsonl:1", "latin.jsonl:3");
    assertThat(reading.rejections)
        .singleElement()
        .satisfies(
            rejection -> {
              assertThat(rejection.position()).isEqualTo("latin.jsonl:2");
              assertThat(rejection.reason()).startsWith("malformed JSON: Invalid UTF-8");
              assertThat(rejection.record()).isEqualTo("{\"name\": \"caf\ufffd\"}");
            });
  }

  @Test
  void malformedJsonLinesAreLeftOutOfInference() throws IOException {
    Path file = write("sample.jsonl", "{\"id\": 1}\n{\"id\": x}\n{\"id\": 2, \"name\": \"b\"}\n");

    SourceReading reading = SourceReading.readRejecting(options(file));

    assertThat(reading.types()).containsExactly(entry("id", "BIGINT"), entry("name", "VARCHAR"));
    assertThat(reading.column("id")).containsExactly(1L, 2L);
    assertThat(reading.rejections)
        .extracting(Rejection::position, Rejection::record)
        .containsExactly(tuple("sample.jsonl:2", "{\"id\": x}"));
  }

  @Test
  void jsonLinesRejectionsAreExactAcrossTheParsersBuffers() throws IOException {
    for (String encoding : new String[] {"UTF-8", "ISO-8859-1"}) {
      Random random = new Random(7);
      StringBuilder content = new StringBuilder();
      List<Object> ids = new ArrayList<>();
      List<Rejection> expected = new ArrayList<>();
      for (int id = 1; id <= 3000; id++) {
        StringBuilder name = new StringBuilder();
        for (int i = random.nextInt(200); i > 0; i--) {
          name.append(i % 17 == 0 ? '\u00e9' : (char) ('a' + random.nextInt(26)));
        }
        int kind = id == 1 ? 0 : random.nextInt(10);
        String line;
        if (kind == 1) {
          line = "{\"id\": " + id + ", \"name\": \"" + name + "\", }";
          expected.add(
              new Rejection(
                  "lines.jsonl:" + id,
                  "malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote"
                      + " to start field name",
                  line));
        } else if (kind == 2) {
          line = "{\"id\": \"x" + id + "\", \"name\": \"" + name + "\"}";
          expected.add(
              new Rejection(
                  "lines.jsonl:" + id, "column 'id': cannot read 'x" + id + "' as BIGINT", line));
        } else {
          line = "{\"id\": " + id + ", \"name\": \"" + name + "\"}";
          ids.add((long) id);
        }
        content.append(line).append('\n');
      }
      Path file = directory.resolve("lines.jsonl");
      Files.write(file, content.toString().getBytes(java.nio.charset.Charset.forName(encoding)));

      SourceReading reading =
          SourceReading.readRejecting(options(file, "sample_rows", "1", "encoding", encoding));

      assertThat(reading.column("id")).as(encoding).isEqualTo(ids);
      assertThat(reading.rejections)
          .as(encoding)
          .usingElementComparator(
              (a, b) ->
                  a.position().equals(b.position())
                          && a.record().equals(b.record())
                          && a.reason().startsWith(b.reason())
                      ? 0
                      : 1)
          .isEqualTo(expected);
    }
  }

  @Test
  void aHugeJsonLineIsCutWithAMarker() throws IOException {
    StringBuilder content = new StringBuilder("{\"id\": 1, \"s\": \"a\"}\n");
    for (int size : new int[] {100_000, 3_000_000}) {
      content.append("{\"id\": 2, \"s\": \"").append("x".repeat(size)).append("\",, }\n");
    }
    content.append("{\"id\": \"bad\"}\n{\"id\": 3, \"s\": \"b\"}\n");
    Path file = write("huge.jsonl", content.toString());

    SourceReading reading = SourceReading.readRejecting(options(file, "sample_rows", "1"));

    assertThat(reading.column("id")).containsExactly(1L, 3L);
    assertThat(reading.positions).containsExactly("huge.jsonl:1", "huge.jsonl:5");
    assertThat(reading.rejections).hasSize(3);
    for (int i = 0; i < 2; i++) {
      String record = reading.rejections.get(i).record();
      assertThat(record).hasSizeLessThanOrEqualTo(InputHistory.TEXT_LIMIT);
      assertThat(record).startsWith("{\"id\": 2, \"s\": \"xxx").endsWith(InputHistory.TRUNCATED);
      assertThat(reading.rejections.get(i).position()).isEqualTo("huge.jsonl:" + (i + 2));
    }
    assertThat(reading.rejections.get(2).record()).isEqualTo("{\"id\": \"bad\"}");
  }

  @Test
  void jsonDocumentRejectionsCarryTheRecordsJsonText() throws IOException {
    Path file =
        write(
            "page.json",
            "{\"data\": [\n"
                + "  {\"id\": 1, \"tags\": [\"a\"], \"address\": {\"city\": \"Kiel\", \"zip\": 1}},\n"
                + "  {\"id\": 2,\n   \"address\": {\"city\": \"Bonn\", \"zip\": \"x\"}, \"tags\": [\"b\", 1.50]},\n"
                + "  42,\n"
                + "  [1, 2],\n"
                + "  {\"id\": 3, \"address\": {\"zip\": 3}}\n"
                + "]}");

    SourceReading reading =
        SourceReading.readRejecting(options(file, "records_path", "$.data", "sample_rows", "1"));

    assertThat(reading.column("id")).containsExactly(1L, 3L);
    // the rejected record's nested values do not show through in the record after it
    assertThat(reading.rows.get(1).get("address")).isEqualTo(Map.of("zip", 3L));
    assertThat(reading.rows.get(1).get("tags")).isNull();
    assertThat(reading.positions).containsExactly("page.json record 1", "page.json record 5");
    assertThat(reading.rejections)
        .containsExactly(
            new Rejection(
                "page.json record 2",
                "column 'address.zip': cannot read 'x' as BIGINT",
                "{\"id\": 2,\n   \"address\": {\"city\": \"Bonn\", \"zip\": \"x\"}, \"tags\": [\"b\", 1.50]}"),
            new Rejection(
                "page.json record 3",
                "expected a JSON object as a record but found a number",
                "42"),
            new Rejection(
                "page.json record 4",
                "expected a JSON object as a record but found an array",
                "[1, 2]"));
  }

  @Test
  void aSyntaxErrorInAJsonDocumentStaysFatalAndNamesLineAndColumn() throws IOException {
    Path file =
        write("broken.json", "[\n  {\"id\": 1},\n  {\"id\": 2,, \"x\": 1},\n  {\"id\": 3}\n]");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SourceReading.readRejecting(options(file)))
        .isInstanceOf(dev.tidewater.spi.TidewaterException.class)
        .hasMessageStartingWith("broken.json:3: malformed JSON: Unexpected character (','")
        .hasMessageEndingWith("(column 12)");
  }
}
