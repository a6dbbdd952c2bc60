package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
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
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that cannot be read fail with a user error naming the file. The cases work also for root,
 * for whom permission bits do not stop a read: a file that became a directory between planning and
 * reading, and a gzip file whose end is missing.
 */
class UnreadableFilesTest {
  @TempDir Path directory;

  @Test
  void anUnbalancedBraceInTheGlobIsAUserErrorNamingTheLocation() throws IOException {
    Files.writeString(directory.resolve("orders.csv"), "id\n1\n");
    String location = directory + "/${env:*.csv";
    Connector connector = SourceReading.connector(Map.of("location", location));

    assertThatThrownBy(() -> connector.discover(SourceObject.SELF))
        .isInstanceOfSatisfying(
            TidewaterException.class, error -> assertThat(error.kind()).isEqualTo(ErrorKind.USER))
        .hasMessageContaining(location)
        .hasMessageContaining("is not a valid glob");
  }

  @Test
  void aFileThatBecameADirectoryAfterPlanningNamesTheFile() throws IOException {
    for (String name : List.of("orders.csv", "orders.jsonl")) {
      Path file = directory.resolve(name);
      Files.writeString(file, name.endsWith(".csv") ? "id\n1\n" : "{\"id\": 1}\n");
      Connector connector = SourceReading.connector(Map.of("location", file.toString()));
      ExtractRequest request = ExtractRequest.all(SourceObject.SELF);
      connector.discover(SourceObject.SELF);
      List<Split> splits = connector.plan(request);
      Files.delete(file);
      Files.createDirectory(file);

      try (RootAllocator allocator = new RootAllocator()) {
        assertThatThrownBy(() -> readAll(connector, splits.get(0), request, allocator))
            .isInstanceOf(TidewaterException.class)
            .hasMessageContaining(name)
            .hasMessageContaining("cannot be read")
            .extracting(e -> ((TidewaterException) e).kind())
            .isEqualTo(ErrorKind.USER);
        assertThat(allocator.getAllocatedMemory()).isZero();
      }
    }
  }

  @Test
  void aTruncatedGzipFileNamesTheFile() throws IOException {
    StringBuilder content = new StringBuilder("id,name\n");
    for (int i = 0; i < 20_000; i++) {
      content.append(i).append(",name-").append(i * 7919 % 10_007).append('\n');
    }
    Path whole = directory.resolve("whole.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
      out.write(content.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path truncated = directory.resolve("orders.csv.gz");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    Path notGzip = directory.resolve("plain.csv.gz");
    Files.writeString(notGzip, "id\n1\n");

    assertThatThrownBy(
            () -> SourceReading.read(Map.of("location", truncated.toString(), "sample_rows", "10")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("orders.csv.gz: cannot be read: ")
        .hasMessageContaining("end of ZLIB input stream");
    assertThatThrownBy(() -> SourceReading.read(Map.of("location", notGzip.toString())))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining(notGzip.toString())
        .hasMessageContaining("Not in GZIP format");
  }

  private static void readAll(
      Connector connector, Split split, ExtractRequest request, RootAllocator allocator) {
    try (BatchReader reader = connector.open(split, request, allocator)) {
      while (reader.next()) {
        // read to the end
      }
    }
  }
}
