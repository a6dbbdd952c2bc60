package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFilesTest {
  @TempDir Path directory;

  private Path write(String name, String content) throws IOException {
    Path file = directory.resolve(name);
    Files.createDirectories(file.getParent());
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
  void readsQuotesEscapedQuotesAndEmbeddedNewlinesWithTheirLineNumbers() throws IOException {
    Path file =
        write(
            "notes.csv",
            "id,note\n"
                + "1,plain\n"
                + "2,\"with, comma\"\n"
                + "3,\"say \"\"hi\"\"\"\n"
                + "4,\"two\nlines\"\n"
                + "5,\"three\r\nlines\r\nhere\"\n"
                + "6,after\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.types()).containsExactly(entry("id", "BIGINT"), entry("note", "VARCHAR"));
    assertThat(reading.column("note"))
        .containsExactly(
            "plain", "with, comma", "say \"hi\"", "two\nlines", "three\r\nlines\r\nhere", "after");
    assertThat(reading.positions)
        .containsExactly(
            "notes.csv:2",
            "notes.csv:3",
            "notes.csv:4",
            "notes.csv:5",
            "notes.csv:7",
            "notes.csv:10");
  }

  @Test
  void readsABackslashEscapeCharacter() throws IOException {
    Path file =
        write("escaped.csv", "id,note\n1,\"say \\\"hi\\\"\"\n2,\"multi\nline \\\\ x\"\n3,z\n");

    SourceReading reading = SourceReading.read(options(file, "escape", "\\"));

    assertThat(reading.column("note")).containsExactly("say \"hi\"", "multi\nline \\ x", "z");
    assertThat(reading.positions)
        .containsExactly("escaped.csv:2", "escaped.csv:3", "escaped.csv:5");
  }

  @Test
  void withAnEscapeCharacterKeepsBomQuotesLineBreaksAndLineNumbers() throws IOException {
    Path file = directory.resolve("escaped.csv");
    String text =
        "id,note\r\n"
            + "1,\"a\\\"b\"\r\n"
            + "\r\n"
            + "2,\"x\r\ny\"\r\n"
            + "3,line\\\nbreak\r\n"
            + "4,\"\"\"q\"\"\"\r\n"
            + "5,\r\n"
            + "6,last";
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[bom.length + content.length];
    System.arraycopy(bom, 0, withBom, 0, bom.length);
    System.arraycopy(content, 0, withBom, bom.length, content.length);
    Files.write(file, withBom);

    SourceReading reading = SourceReading.read(options(file, "escape", "\\"));

    assertThat(reading.types()).containsExactly(entry("id", "BIGINT"), entry("note", "VARCHAR"));
    assertThat(reading.column("note"))
        .containsExactly("a\"b", "x\r\ny", "line\nbreak", "\"q\"", null, "last");
    // the escaped line feed after 'line' is a line of the file too
    assertThat(reading.positions)
        .containsExactly(
            "escaped.csv:2",
            "escaped.csv:4",
            "escaped.csv:6",
            "escaped.csv:8",
            "escaped.csv:9",
            "escaped.csv:10");
  }

  @Test
  void anEscapeCharacterReadsCStyleEscapesAsJacksonDoes() throws IOException {
    Path file = write("c-style.csv", "a,b\n\"x\\ty\",p\\,q\n\"\\n\\0\\r\\z\",plain\n");

    SourceReading reading = SourceReading.read(options(file, "escape", "\\"));

    assertThat(reading.column("a")).containsExactly("x\ty", "\n\0\rz");
    assertThat(reading.column("b")).containsExactly("p,q", "plain");
  }

  @Test
  void aQuoteNeverClosedIsAnErrorNamingTheLineItOpenedOn() throws IOException {
    Path open = write("open.csv", "a,b\n1,2\n3,\"never\nclosed\n4,5\n");
    // an earlier quoted value of the record spans lines: the quote opens on line 3, not 2
    Path later = write("later.csv", "a,b,c\r\n1,\"two\r\nlines\",\"open\r\n2,x,y\r\n");
    Path header = write("header.csv", "a,\"b\n1,2\n");

    assertThatThrownBy(() -> SourceReading.read(options(open)))
        .isInstanceOf(TidewaterException.class)
        .hasMessage(
            "open.csv:3: malformed CSV: the quote opened on line 3 is never closed; a quoted"
                + " value ends with a quote (a quote inside it is doubled)");
    assertThatThrownBy(() -> SourceReading.read(options(later)))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith(
            "later.csv:3: malformed CSV: the quote opened on line 3 is never closed (in the"
                + " record starting on line 2);");
    assertThatThrownBy(() -> SourceReading.read(options(header)))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("header.csv:1: malformed CSV: the quote opened on line 1");
    // reading past the sample (DESCRIBE infers from the first row only): the same error
    assertThatThrownBy(() -> SourceReading.read(options(open, "sample_rows", "1")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("open.csv:3: malformed CSV: the quote opened on line 3");
  }

  @Test
  void aQuotedValueOverTheFieldLimitNamesTheLineItStartsOn() throws IOException {
    Path file = write("long.csv", "a,b\n1,2\n3,\"" + "x".repeat(17 * 1024 * 1024) + "\n4,5\n");

    assertThatThrownBy(() -> SourceReading.read(options(file)))
        .isInstanceOf(TidewaterException.class)
        .hasMessage(
            "long.csv:3: malformed CSV: the value starting on line 3 is longer than 16,777,216"
                + " characters; most likely a quote opened there is never closed");
  }

  @Test
  void withAnEscapeCharacterBadInputNamesFileAndLine() throws IOException {
    Path quoting = write("bad.csv", "a,b\n1,2\n1,\"x\"y\n");
    Path unclosed = write("open.csv", "a,b\n1,2\n3,\"never\nclosed\n");
    Path ragged = write("ragged.csv", "a,b\n1,\"x\ny\"\n2,3,4\n");

    assertThatThrownBy(() -> SourceReading.read(options(quoting, "escape", "\\")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("bad.csv:3: malformed CSV:")
        .hasMessageContaining("Expected column separator");
    assertThatThrownBy(() -> SourceReading.read(options(unclosed, "escape", "\\")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("open.csv:3: malformed CSV:")
        .hasMessageContaining("closing quote");
    assertThatThrownBy(() -> SourceReading.read(options(ragged, "escape", "\\")))
        .isInstanceOf(TidewaterException.class)
        .hasMessage("ragged.csv:4: expected 2 fields (as in the header) but found 3");
  }

  @Test
  void skipsAUtf8ByteOrderMark() throws IOException {
    Path file = directory.resolve("bom.csv");
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] text = "id,name\n1,a\n".getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[bom.length + text.length];
    System.arraycopy(bom, 0, content, 0, bom.length);
    System.arraycopy(text, 0, content, bom.length, text.length);
    Files.write(file, content);

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.types()).containsOnlyKeys("id", "name");
    assertThat(reading.rows).containsExactly(Map.of("id", 1L, "name", "a"));
  }

  @Test
  void anEmptyFileIsRefusedNamingTheFile() throws IOException {
    Path file = write("empty.csv", "");

    // An empty file has nothing to infer columns from: an error naming the file (docs/loads.md).
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SourceReading.read(options(file)))
        .isInstanceOf(dev.tidewater.spi.TidewaterException.class)
        .hasMessageContaining("empty.csv: no columns");
  }

  @Test
  void aHeaderOnlyFileHasVarcharColumnsAndNoRows() throws IOException {
    Path file = write("header.csv", "id,name,amount\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.types())
        .containsExactly(
            entry("id", "VARCHAR"), entry("name", "VARCHAR"), entry("amount", "VARCHAR"));
    assertThat(reading.rows).isEmpty();
    assertThat(reading.batchSizes).isEmpty();
  }

  @Test
  void readsWideRows() throws IOException {
    StringBuilder content = new StringBuilder();
    for (int column = 0; column < 500; column++) {
      content.append(column == 0 ? "" : ",").append("c").append(column);
    }
    content.append('\n');
    for (int row = 0; row < 20; row++) {
      for (int column = 0; column < 500; column++) {
        content.append(column == 0 ? "" : ",").append(row * 1000 + column);
      }
      content.append('\n');
    }
    Path file = write("wide.csv", content.toString());

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.schema.getFields()).hasSize(500);
    assertThat(reading.rows).hasSize(20);
    assertThat(reading.rows.get(19).get("c499")).isEqualTo(19_499L);
  }

  @Test
  void keepsUnicodeText() throws IOException {
    Path file =
        write("unicode.csv", "city,greeting\nZürich,grüezi\n東京,こんにちは\nParis,\"🙂 salut, ça va\"\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.column("city")).containsExactly("Zürich", "東京", "Paris");
    assertThat(reading.column("greeting")).containsExactly("grüezi", "こんにちは", "🙂 salut, ça va");
  }

  @Test
  void readsTabDelimitedFiles() throws IOException {
    Path file = write("data.tsv", "id\tname\n1\ta,b\n2\tc\n");

    SourceReading escaped = SourceReading.read(options(file, "delimiter", "\\t"));
    SourceReading named = SourceReading.read(options(file, "delimiter", "tab"));
    SourceReading literal = SourceReading.read(options(file, "delimiter", "\t"));

    assertThat(escaped.column("name")).containsExactly("a,b", "c");
    assertThat(named.rows).isEqualTo(escaped.rows);
    assertThat(literal.rows).isEqualTo(escaped.rows);
  }

  @Test
  void readsTheNullValueAsNull() throws IOException {
    Path file = write("nulls.csv", "id,qty,name\n1,NA,NA\n2,5,\n3,,x\n");

    SourceReading reading = SourceReading.read(options(file, "null_value", "NA"));

    assertThat(reading.types())
        .containsExactly(entry("id", "BIGINT"), entry("qty", "BIGINT"), entry("name", "VARCHAR"));
    assertThat(reading.column("qty")).containsExactly(null, 5L, null);
    // with null_value 'NA' an empty text value is an empty string
    assertThat(reading.column("name")).containsExactly(null, "", "x");
  }

  @Test
  void emptyValuesAreNullByDefault() throws IOException {
    Path file = write("empty-values.csv", "a,b\n1,\n,x\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.column("a")).containsExactly(1L, null);
    assertThat(reading.column("b")).containsExactly(null, "x");
  }

  @Test
  void keepsLeadingZerosAsText() throws IOException {
    Path file = write("zips.csv", "zip,count\n00501,0\n10001,12\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.types()).containsExactly(entry("zip", "VARCHAR"), entry("count", "BIGINT"));
    assertThat(reading.column("zip")).containsExactly("00501", "10001");
    assertThat(reading.column("count")).containsExactly(0L, 12L);
  }

  @Test
  void aColumnMixingNumbersAndTextIsVarchar() throws IOException {
    Path file = write("mixed.csv", "code,flag\n12,true\nA7,FALSE\n3.5,true\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.types()).containsExactly(entry("code", "VARCHAR"), entry("flag", "BOOLEAN"));
    assertThat(reading.column("code")).containsExactly("12", "A7", "3.5");
    assertThat(reading.column("flag")).containsExactly(true, false, true);
  }

  @Test
  void decimalsKeepTheirScaleAndOtherNumbersWiden() throws IOException {
    Path file =
        write(
            "amounts.csv",
            "amount,ratio,count,big\n12.50,0.5,1,123456789012345678901234\n-3.00,2.25,2,1\n7,1e3,3,2\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.types())
        .containsExactly(
            entry("amount", "DECIMAL(18,2)"),
            entry("ratio", "DOUBLE"),
            entry("count", "BIGINT"),
            entry("big", "DECIMAL(28,0)"));
    assertThat(reading.column("amount"))
        .containsExactly(new BigDecimal("12.50"), new BigDecimal("-3.00"), new BigDecimal("7.00"));
    assertThat(reading.column("ratio")).containsExactly(0.5, 2.25, 1000.0);
    assertThat(reading.column("big"))
        .containsExactly(
            new BigDecimal("123456789012345678901234"), new BigDecimal("1"), new BigDecimal("2"));
  }

  @Test
  void readsTimestampsWithAndWithoutZoneAndDates() throws IOException {
    Path file =
        write(
            "times.csv",
            "local,zoned,day\n"
                + "2024-01-02 03:04:05,2024-01-02T03:04:05Z,2024-02-29\n"
                + "2024-01-02T03:04:05.123456,2024-01-02T05:04:05.5+02:00,1999-12-31\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.types())
        .containsExactly(
            entry("local", "TIMESTAMP"),
            entry("zoned", "TIMESTAMP WITH TIME ZONE"),
            entry("day", "DATE"));
    assertThat(reading.column("local"))
        .containsExactly(
            LocalDateTime.of(2024, 1, 2, 3, 4, 5),
            LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000));
    long utcMicros = 1_704_164_645L * 1_000_000L; // 2024-01-02T03:04:05Z
    assertThat(reading.column("zoned")).containsExactly(utcMicros, utcMicros + 500_000L);
    assertThat(reading.column("day"))
        .containsExactly(
            (int) java.time.LocalDate.of(2024, 2, 29).toEpochDay(),
            (int) java.time.LocalDate.of(1999, 12, 31).toEpochDay());
  }

  @Test
  void aMixOfZonedAndLocalTimestampsIsVarchar() throws IOException {
    Path file = write("times.csv", "at\n2024-01-02 03:04:05\n2024-01-02 03:04:05+01:00\n");

    assertThat(SourceReading.read(options(file)).types()).containsExactly(entry("at", "VARCHAR"));
  }

  @Test
  void readsEveryFileOfADirectoryOrGlobInOrder() throws IOException {
    write("landing/b.csv", "id,name\n3,c\n");
    write("landing/a.csv", "id,name\n1,a\n2,b\n");
    write("landing/notes.md", "not data");
    write("landing/.hidden.csv", "id,name\n9,x\n");
    write("landing/2024/c.csv", "name,id\nd,4\n");

    SourceReading glob = SourceReading.read(options(directory.resolve("landing").resolve("*.csv")));
    SourceReading recursive =
        SourceReading.read(options(directory.resolve("landing").resolve("**").resolve("*.csv")));
    Path onlyCsv = directory.resolve("csv-only");
    write("csv-only/x.csv", "id\n1\n");
    write("csv-only/y.csv", "id\n2\n");
    SourceReading folder = SourceReading.read(options(onlyCsv));

    assertThat(glob.column("id")).containsExactly(1L, 2L, 3L);
    assertThat(glob.positions).containsExactly("a.csv:2", "a.csv:3", "b.csv:2");
    assertThat(recursive.column("id")).containsExactly(4L, 1L, 2L, 3L);
    assertThat(recursive.column("name")).containsExactly("d", "a", "b", "c");
    assertThat(recursive.positions.get(0)).isEqualTo("2024/c.csv:2");
    assertThat(folder.column("id")).containsExactly(1L, 2L);
  }

  @Test
  void matchesHeadersOfLaterFilesByNameIgnoringCase() throws IOException {
    write("parts/a.csv", "id,name\n1,a\n");
    write("parts/b.csv", "Name,ID\nb,2\n");
    write("parts/c.csv", "id\n3\n");

    SourceReading reading = SourceReading.read(options(directory.resolve("parts")));

    assertThat(reading.types()).containsExactly(entry("id", "BIGINT"), entry("name", "VARCHAR"));
    assertThat(reading.column("id")).containsExactly(1L, 2L, 3L);
    assertThat(reading.column("name")).containsExactly("a", "b", null);
  }

  @Test
  void aColumnBeyondTheSampledFilesIsAUserError() throws IOException {
    write("later/a.csv", "id\n1\n2\n");
    write("later/b.csv", "id,extra\n3,x\n");

    assertThatThrownBy(
            () -> SourceReading.read(options(directory.resolve("later"), "sample_rows", "2")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("b.csv: column 'extra' is not in the source's schema");
  }

  @Test
  void acceptsFileUris() throws IOException {
    Path file = write("uri.csv", "id\n1\n");

    SourceReading reading = SourceReading.read(Map.of("location", file.toUri().toString()));

    assertThat(reading.column("id")).containsExactly(1L);
  }

  @Test
  void readsGzippedFiles() throws IOException {
    Path file = directory.resolve("orders.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("id,name\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
    }

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.column("name")).containsExactly("a", "b");
    assertThat(reading.bytesRead).isEqualTo(Files.size(file));
  }

  @Test
  void projectsToTheRequestedColumnsInTheirOrder() throws IOException {
    Path file = write("orders.csv", "id,name,amount\n1,a,1.5\n2,b,2.25\n");

    SourceReading reading =
        SourceReading.read(
            options(file), List.of("amount", "ID"), ExtractRequest.DEFAULT_BATCH_ROWS);

    assertThat(reading.rows)
        .containsExactly(Map.of("amount", 1.5, "id", 1L), Map.of("amount", 2.25, "id", 2L));
    assertThat(reading.rows.get(0).keySet()).containsExactly("amount", "id");
  }

  @Test
  void batchesHoldAtMostBatchRowsRows() throws IOException {
    StringBuilder content = new StringBuilder("n\n");
    for (int i = 1; i <= 10; i++) {
      content.append(i).append('\n');
    }
    Path file = write("ten.csv", content.toString());

    SourceReading reading = SourceReading.read(options(file), List.of(), 3);

    assertThat(reading.batchSizes).containsExactly(3, 3, 3, 1);
    assertThat(reading.column("n")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(reading.positions.get(9)).isEqualTo("ten.csv:11");
  }

  @Test
  void aValueBeyondTheSampleThatDoesNotFitNamesFileLineAndColumn() throws IOException {
    StringBuilder content = new StringBuilder("id,qty\n");
    for (int i = 1; i <= 10; i++) {
      content.append(i).append(',').append(i == 8 ? "abc" : String.valueOf(i * 2)).append('\n');
    }
    Path file = write("orders.csv", content.toString());

    assertThatThrownBy(() -> SourceReading.read(options(file, "sample_rows", "5")))
        .isInstanceOf(TidewaterException.class)
        .hasMessage("orders.csv:9: column 'qty': cannot read 'abc' as BIGINT")
        .extracting(e -> ((TidewaterException) e).kind())
        .isEqualTo(ErrorKind.USER);
  }

  @Test
  void aRaggedRowNamesFileLineAndCounts() throws IOException {
    Path file = write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
    Path tooMany = write("many.csv", "a,b\n1,2\n3,\"x\ny\"\n4,5,6\n");

    assertThatThrownBy(() -> SourceReading.read(options(file)))
        .isInstanceOf(TidewaterException.class)
        .hasMessage("ragged.csv:3: expected 3 fields (as in the header) but found 2");
    assertThatThrownBy(() -> SourceReading.read(options(tooMany, "sample_rows", "2")))
        .hasMessage("many.csv:5: expected 2 fields (as in the header) but found 3");
  }

  @Test
  void malformedQuotingIsAUserError() throws IOException {
    Path file = write("bad.csv", "a,b\n1,\"x\"y\n");

    assertThatThrownBy(() -> SourceReading.read(options(file)))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("bad.csv:2: malformed CSV:");
  }

  @Test
  void invalidUtf8IsAUserError() throws IOException {
    Path file = directory.resolve("latin1.csv");
    Files.write(file, "name\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> SourceReading.read(options(file)))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("latin1.csv")
        .hasMessageContaining("encoding");
    assertThat(SourceReading.read(options(file, "encoding", "ISO-8859-1")).column("name"))
        .containsExactly("café");
  }

  @Test
  void makesHeaderNamesUnique() throws IOException {
    Path file = write("names.csv", "id,name,Name,,id\n1,a,b,c,2\n");

    SourceReading reading = SourceReading.read(options(file));

    assertThat(reading.types().keySet())
        .containsExactly("id", "name", "Name_2", "column_4", "id_2");
    assertThat(reading.rows.get(0).get("id_2")).isEqualTo(2L);
  }

  @Test
  void readsFilesWithoutHeader() throws IOException {
    Path file = write("plain.csv", "1,a\n2,b\n");

    SourceReading reading = SourceReading.read(options(file, "header", "false"));

    assertThat(reading.types())
        .containsExactly(entry("column_1", "BIGINT"), entry("column_2", "VARCHAR"));
    assertThat(reading.positions).containsExactly("plain.csv:1", "plain.csv:2");
  }

  @Test
  void columnsOptionOverridesInferredTypes() throws IOException {
    Path file = write("override.csv", "zip,amount,qty\n12345,10.5,1\n54321,3,2\n");

    SourceReading reading =
        SourceReading.read(
            options(file, "columns", "zip VARCHAR, amount DECIMAL(10,2), \"QTY\" integer"));

    assertThat(reading.types())
        .containsExactly(
            entry("zip", "VARCHAR"), entry("amount", "DECIMAL(10,2)"), entry("qty", "INTEGER"));
    assertThat(reading.column("zip")).containsExactly("12345", "54321");
    assertThat(reading.column("amount"))
        .containsExactly(new BigDecimal("10.50"), new BigDecimal("3.00"));
    assertThat(reading.column("qty")).containsExactly(1, 2);
    assertThatThrownBy(() -> SourceReading.read(options(file, "columns", "nope VARCHAR")))
        .hasMessageContaining("'nope'")
        .hasMessageContaining("zip, amount, qty");
    assertThatThrownBy(() -> SourceReading.connector(options(file, "columns", "zip BLOB")))
        .hasMessageContaining("unsupported type 'BLOB'");
  }

  @Test
  void unknownOptionsAreUserErrorsListingTheKnownOnes() throws IOException {
    Path file = write("x.csv", "a\n1\n");

    assertThatThrownBy(() -> SourceReading.connector(options(file, "delimeter", ";")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("unknown option 'delimeter'")
        .hasMessageContaining("delimiter")
        .hasMessageContaining("records_path");
  }

  @Test
  void invalidOptionValuesAreUserErrors() {
    assertThatThrownBy(() -> SourceReading.connector(Map.of("format", "csv")))
        .hasMessageContaining("option 'location' is required");
    assertThatThrownBy(() -> SourceReading.connector(Map.of("location", "/x", "delimiter", ";;")))
        .hasMessageContaining("option 'delimiter' must be one character");
    assertThatThrownBy(() -> SourceReading.connector(Map.of("location", "/x", "header", "yes")))
        .hasMessageContaining("option 'header' must be true or false");
    assertThatThrownBy(() -> SourceReading.connector(Map.of("location", "/x", "sample_rows", "0")))
        .hasMessageContaining("option 'sample_rows' must be a positive integer");
    assertThatThrownBy(() -> SourceReading.connector(Map.of("location", "/x", "format", "orc")))
        .hasMessageContaining(
            "unknown format 'orc'; expected one of: csv, json, jsonl, parquet, avro");
    assertThatThrownBy(() -> SourceReading.connector(Map.of("location", "ftp://host/x/*.csv")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("ftp:// locations are not supported");
  }

  @Test
  void aLocationWithoutFilesIsAUserError() {
    Map<String, String> options = options(directory.resolve("nothing-*.csv"));

    assertThatThrownBy(
            () -> SourceReading.connector(options).plan(ExtractRequest.all(SourceObject.SELF)))
        .isInstanceOf(TidewaterException.class)
        .hasMessage(
            "source 'landing': no file matches location '"
                + directory.resolve("nothing-*.csv")
                + "'");
    assertThatThrownBy(
            () ->
                SourceReading.connector(options(directory.resolve("missing.csv")))
                    .discover(SourceObject.SELF))
        .hasMessageContaining("no file matches location");
  }

  @Test
  void aFileThatDisappearsBeforeReadingIsAUserErrorNamingIt() throws IOException {
    Path file = write("gone.csv", "a\n1\n");
    dev.tidewater.spi.Connector connector = SourceReading.connector(options(file));
    ExtractRequest request = ExtractRequest.all(SourceObject.SELF);
    List<dev.tidewater.spi.Split> splits = connector.plan(request);
    assertThat(splits)
        .singleElement()
        .satisfies(
            split -> {
              assertThat(split.description()).isEqualTo(file.toString());
              assertThat(split.estimatedBytes()).isEqualTo(4);
            });
    Files.delete(file);

    try (org.apache.arrow.memory.RootAllocator allocator =
        new org.apache.arrow.memory.RootAllocator()) {
      assertThatThrownBy(() -> connector.open(splits.get(0), request, allocator))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void unknownProjectedColumnsAreUserErrors() throws IOException {
    Path file = write("x.csv", "a\n1\n");

    assertThatThrownBy(
            () ->
                SourceReading.connector(options(file))
                    .plan(new ExtractRequest(SourceObject.SELF, List.of("b"), List.of(), 10)))
        .hasMessage("source 'landing' has no column 'b' (columns: a)");
  }

  @Test
  void aTruncatedParquetFileIsAUserErrorNamingIt() throws IOException {
    Path file = write("x.parquet", "PAR1");

    assertThatThrownBy(() -> SourceReading.read(options(file)))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("x.parquet: not a readable Parquet file");
  }

  @Test
  void readsManyBatchesOfManyTypes() throws IOException {
    StringBuilder content = new StringBuilder("id,amount,name,at\n");
    List<Object> expectedNames = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      String name = i % 7 == 0 ? "" : "name-" + i;
      expectedNames.add(name.isEmpty() ? null : name);
      content
          .append(i)
          .append(',')
          .append(i)
          .append('.')
          .append(String.format("%02d", i % 100))
          .append(',')
          .append(name)
          .append(",2024-03-01 10:00:")
          .append(String.format("%02d", i % 60))
          .append('\n');
    }
    Path file = write("many.csv", content.toString());

    SourceReading reading = SourceReading.read(options(file), List.of(), 1000);

    assertThat(reading.batchSizes).containsExactly(1000, 1000, 1000, 1000, 1000);
    assertThat(reading.column("name")).isEqualTo(expectedNames);
    assertThat(reading.rows.get(4321).get("amount")).isEqualTo(new BigDecimal("4321.21"));
  }
}
