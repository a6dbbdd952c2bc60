package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;

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
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ragged.csv:3", "4,5"),
            org.assertj.core.groups.Tuple.tuple("ragged.csv:4", "x,y,z,w"));
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
}
