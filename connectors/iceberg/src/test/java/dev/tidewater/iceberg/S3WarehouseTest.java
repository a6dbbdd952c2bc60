package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.tidewater.iceberg.testing.RequiredService;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Table;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3FileIO on an S3-compatible server in process (S3Mock) as the warehouse of a JDBC catalog,
 * configured with the properties a user gives for MinIO or S3.
 */
class S3WarehouseTest {
  private static final String BUCKET = "lake";
  private static S3MockExtension s3;

  @TempDir Path dataDir;

  @BeforeAll
  static void startS3() {
    s3 =
        RequiredService.start(
            "S3Mock",
            () -> {
              S3MockExtension server =
                  S3MockExtension.builder()
                      .silent()
                      .withSecureConnection(false)
                      .withInitialBuckets(BUCKET)
                      .build();
              server.start();
              return server;
            });
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.stop();
    }
  }

  @Test
  void writesAndReadsATableInS3() throws Exception {
    String endpoint = "http://localhost:" + s3.getHttpPort();
    Map<String, String> properties =
        Map.of(
            "type", "jdbc",
            "uri", "jdbc:sqlite:" + dataDir.resolve("catalog.db"),
            "jdbc.schema-version", "V1",
            "warehouse", "s3://" + BUCKET + "/warehouse",
            "io-impl", "org.apache.iceberg.aws.s3.S3FileIO",
            "s3.endpoint", endpoint,
            "s3.path-style-access", "true",
            "s3.access-key-id", "tidewater",
            "s3.secret-access-key", "not-checked-by-s3mock",
            "client.region", "us-east-1");
    TableIdentifier events = TableIdentifier.of("raw", "events");
    try (BufferAllocator allocator = new RootAllocator();
        CatalogRegistry registry = CatalogRegistry.create(Map.of("lake", properties))) {
      Catalog catalog = registry.catalog("lake");

      Table table = CatalogRoundTrip.run(catalog, events, allocator);
      assertThat(allocator.getAllocatedMemory()).isZero();
      assertThat(table.io()).isInstanceOf(S3FileIO.class);
      assertThat(table.location()).isEqualTo("s3://" + BUCKET + "/warehouse/raw/events");
    }

    // The files are in the bucket, under the table's location: 4 data files (2 loads x 2 days).
    try (S3Client client = s3.createS3ClientV2()) {
      List<String> keys =
          client
              .listObjectsV2Paginator(
                  request -> request.bucket(BUCKET).prefix("warehouse/raw/events/"))
              .contents()
              .stream()
              .map(S3Object::key)
              .toList();
      assertThat(keys.stream().filter(key -> key.startsWith("warehouse/raw/events/data/")))
          .hasSize(4)
          .allMatch(key -> key.endsWith(".parquet"));
      assertThat(keys.stream().filter(key -> key.endsWith(".metadata.json"))).hasSize(3);
    }
  }
}
