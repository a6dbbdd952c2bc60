package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every text format reads the same from a plain file and from its .gz, .zst and .bz2 copies
 * (written by the JDK, zstd-jni and Commons Compress); a broken compressed file names the file.
 */
class CompressedFilesTest {
  private static final List<String> COMPRESSIONS = List.of(".gz", ".zst", ".bz2");

  @TempDir Path directory;

  @Test
  void everyTextFormatReadsTheSameCompressed() throws IOException {
    StringBuilder csv = new StringBuilder("id,name,amount\n");
    StringBuilder jsonl = new StringBuilder();
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < 3_000; i++) {
      csv.append(i).append(",name-").append(i % 97).append(',').append(i / 4.0).append('\n');
      String record =
          "{\"id\": " + i + ", \"name\": \"name-" + (i % 97) + "\", \"amount\": " + i / 4.0 + "}";
      jsonl.append(record).append('\n');
      json.append(i == 0 ? "" : ",\n").append(record);
    }
    json.append(']');
    Map<String, String> contents =
        Map.of(
            "orders.csv",
            csv.toString(),
            "orders.jsonl",
            jsonl.toString(),
            "orders.json",
            json.toString());

    for (Map.Entry<String, String> content : contents.entrySet()) {
      Path plain = directory.resolve(content.getKey());
      Files.writeString(plain, content.getValue());
      SourceReading expected = SourceReading.read(Map.of("location", plain.toString()));
      assertThat(expected.rows).hasSize(3_000);
      for (String extension : COMPRESSIONS) {
        Path compressed = directory.resolve(content.getKey() + extension);
        write(compressed, content.getValue().getBytes(StandardCharsets.UTF_8));

        SourceReading reading = SourceReading.read(Map.of("location", compressed.toString()));

        assertThat(reading.schema).as(compressed.toString()).isEqualTo(expected.schema);
        assertThat(reading.rows).as(compressed.toString()).isEqualTo(expected.rows);
        assertThat(reading.bytesRead).isEqualTo(Files.size(compressed));
      }
    }
  }

  @Test
  void aBrokenCompressedFileNamesTheFile() throws IOException {
    StringBuilder content = new StringBuilder("id,name\n");
    for (int i = 0; i < 20_000; i++) {
      content.append(i).append(",name-").append(i * 7919 % 10_007).append('\n');
    }
    for (String extension : List.of(".zst", ".bz2")) {
      Path whole = directory.resolve("whole.csv" + extension);
      write(whole, content.toString().getBytes(StandardCharsets.UTF_8));
      byte[] bytes = Files.readAllBytes(whole);
      Path truncated = directory.resolve("orders.csv" + extension);
      Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
      Path notCompressed = directory.resolve("plain.csv" + extension);
      Files.writeString(notCompressed, "id\n1\n");

      for (Path broken : List.of(truncated, notCompressed)) {
        assertThatThrownBy(
                () ->
                    SourceReading.read(Map.of("location", broken.toString(), "sample_rows", "10")))
            .as(broken.toString())
            .isInstanceOf(TidewaterException.class)
            .hasMessageContaining(broken.getFileName().toString())
            .hasMessageContaining("cannot be read")
            .extracting(e -> ((TidewaterException) e).kind())
            .isEqualTo(ErrorKind.USER);
      }
    }
  }

  private static void write(Path file, byte[] content) throws IOException {
    OutputStream raw = Files.newOutputStream(file);
    String name = file.getFileName().toString();
    OutputStream out =
        name.endsWith(".gz")
            ? new GZIPOutputStream(raw)
            : name.endsWith(".zst")
                ? new ZstdOutputStream(raw)
                : new BZip2CompressorOutputStream(raw);
    try (out) {
      out.write(content);
    }
  }
}
