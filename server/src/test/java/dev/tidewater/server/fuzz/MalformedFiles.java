package dev.tidewater.server.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * The malformed-input corpus: small text cases live in {@code
 * server/src/test/resources/malformed/}; binary and large ones (compressed, Parquet, Avro, 10 MB
 * lines, 10,000 levels of nesting) are made here from valid files, so that each is exactly what its
 * name says. Each case says what a LOAD of it must do.
 */
final class MalformedFiles {
  /** What a LOAD of the file must do. */
  sealed interface Expectation {}

  /** The load fails with a user error that names the file and contains every fragment. */
  record Rejected(List<String> fragments) implements Expectation {}

  /** The load commits exactly {@code rows} rows (documented in docs/loads.md). */
  record Accepted(long rows) implements Expectation {}

  /** One file, the source options besides its location, and the expectation. */
  record Case(String name, byte[] content, String options, Expectation expectation) {
    Case {
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final Path CHECKED_IN = Path.of("server/src/test/resources/malformed");

  private static final int TEN_MB = 10 * 1024 * 1024;

  private MalformedFiles() {}

  static Expectation rejected(String... fragments) {
    return new Rejected(List.of(fragments));
  }

  static Expectation accepted(long rows) {
    return new Accepted(rows);
  }

  /** The generated cases; the checked-in ones come with their expectations in the test. */
  static List<Case> generated() throws IOException {
    byte[] csv = validCsv(2_000).getBytes(UTF_8);
    byte[] parquet =
        Files.readAllBytes(Path.of("examples/data/shipments/shipments-2024-06-01.parquet"));
    byte[] avro = validAvro();
    List<Case> cases = new ArrayList<>();
    // compressed
    byte[] gzip = compress(csv, GZIPOutputStream::new);
    cases.add(new Case("truncated.csv.gz", half(gzip), "", rejected("cannot be read")));
    cases.add(new Case("not-gzip.csv.gz", csv, "", rejected("cannot be read")));
    cases.add(new Case("zero-byte.csv.gz", new byte[0], "", rejected("cannot be read")));
    cases.add(
        new Case(
            "trailing-garbage.csv.gz",
            concat(gzip, "garbage".getBytes(UTF_8)),
            "",
            accepted(2_000)));
    cases.add(
        new Case(
            "empty-member.csv.gz",
            compress(new byte[0], GZIPOutputStream::new),
            "",
            rejected("no columns")));
    byte[] zstd = compress(csv, ZstdOutputStream::new);
    cases.add(new Case("truncated.csv.zst", half(zstd), "", rejected("cannot be read")));
    cases.add(new Case("not-zstd.csv.zst", csv, "", rejected("cannot be read")));
    byte[] bzip2 = compress(csv, BZip2CompressorOutputStream::new);
    cases.add(new Case("truncated.csv.bz2", half(bzip2), "", rejected("cannot be read")));
    cases.add(new Case("not-bzip2.csv.bz2", csv, "", rejected("cannot be read")));
    // Parquet and Avro
    cases.add(new Case("zero-byte.parquet", new byte[0], "", rejected()));
    cases.add(new Case("truncated.parquet", half(parquet), "", rejected()));
    cases.add(
        new Case("no-footer.parquet", Arrays.copyOf(parquet, parquet.length - 8), "", rejected()));
    cases.add(new Case("magic-only.parquet", "PAR1PAR1".getBytes(UTF_8), "", rejected()));
    cases.add(new Case("csv-named.parquet", csv, "", rejected()));
    cases.add(new Case("parquet-named.csv", parquet, "", rejected()));
    cases.add(new Case("zero-byte.avro", new byte[0], "", rejected()));
    cases.add(new Case("truncated.avro", Arrays.copyOf(avro, avro.length - 20), "", rejected()));
    cases.add(new Case("header-only.avro", Arrays.copyOf(avro, 40), "", rejected()));
    cases.add(new Case("json-named.avro", "{\"id\": 1}\n".getBytes(UTF_8), "", rejected()));
    cases.add(new Case("avro-named.jsonl", avro, "", rejected("no columns")));
    // large
    cases.add(
        new Case(
            "ten-mb-line.csv",
            ("id,payload\n1," + "x".repeat(TEN_MB) + "\n").getBytes(UTF_8),
            "",
            accepted(1)));
    cases.add(new Case("ten-mb-header.csv", "x".repeat(TEN_MB).getBytes(UTF_8), "", accepted(0)));
    // a quote never closed, with more after it than one value may hold (16 Mi characters)
    cases.add(
        new Case(
            "unterminated-quote-large.csv",
            ("id,name\n1,a\n2,\"never closed\n" + "3,c\n".repeat(5_000_000)).getBytes(UTF_8),
            "",
            rejected(":3", "longer than 16,777,216 characters", "quote opened there")));
    cases.add(
        new Case(
            "ten-mb-line.jsonl",
            ("{\"id\": 1, \"payload\": \"" + "y".repeat(TEN_MB) + "\"}\n").getBytes(UTF_8),
            "",
            accepted(1)));
    cases.add(
        new Case(
            "ten-mb-garbage-line.jsonl",
            ("{\"id\": 1}\n" + "z".repeat(TEN_MB) + "\n").getBytes(UTF_8),
            "",
            rejected(":2")));
    cases.add(
        new Case(
            "deep-nesting.json",
            ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(UTF_8),
            "",
            rejected()));
    cases.add(
        new Case(
            "deep-nesting.jsonl",
            ("{\"id\": 1, \"a\": " + "{\"a\": ".repeat(10_000) + "1" + "}".repeat(10_001) + "\n")
                .getBytes(UTF_8),
            "",
            rejected(":1")));
    cases.add(
        new Case(
            "deep-nesting-value.csv",
            ("id,v\n1," + "(".repeat(10_000) + "\n").getBytes(UTF_8),
            "",
            accepted(1)));
    cases.add(new Case("ten-thousand-columns.csv", wideCsv(10_000), "", accepted(1)));
    return cases;
  }

  /** The cases checked in as files, read with the expectations the test gives them. */
  static Case checkedIn(String name, String options, Expectation expectation) {
    try {
      return new Case(name, Files.readAllBytes(CHECKED_IN.resolve(name)), options, expectation);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String validCsv(int rows) {
    StringBuilder text = new StringBuilder("id,name,amount\n");
    for (int i = 0; i < rows; i++) {
      text.append(i)
          .append(",name-")
          .append(i * 7919 % 10_007)
          .append(',')
          .append(i % 100)
          .append(".25\n");
    }
    return text.toString();
  }

  private static byte[] wideCsv(int columns) {
    StringBuilder header = new StringBuilder();
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < columns; i++) {
      header.append(i == 0 ? "" : ",").append("c").append(i);
      row.append(i == 0 ? "" : ",").append(i);
    }
    return (header + "\n" + row + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] validAvro() throws IOException {
    Schema schema =
        SchemaBuilder.record("row").fields().requiredLong("id").requiredString("name").endRecord();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
      writer.create(schema, bytes);
      for (long i = 0; i < 500; i++) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("id", i);
        record.put("name", "name-" + i);
        writer.append(record);
      }
    }
    return bytes.toByteArray();
  }

  private interface Compressor {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  private static byte[] compress(byte[] content, Compressor compressor) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = compressor.wrap(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  private static byte[] half(byte[] content) {
    return Arrays.copyOf(content, content.length / 2);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
