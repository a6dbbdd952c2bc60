package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import com.sun.net.httpserver.HttpServer;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * FILES sources in S3 (S3Mock, in process, through Iceberg's S3FileIO): CSV, JSON, Parquet and Avro
 * files read from {@code s3://} equal the same files read from the local disk; globs, the hidden
 * file columns, file skipping by {@code _file_modified}, and clear errors without secrets.
 */
class ObjectStoreFilesTest {
  private static final String BUCKET = "landing";
  private static final String SECRET = "s3cr3t-value-never-shown";
  private static S3MockExtension s3;
  @TempDir static Path local;

  @BeforeAll
  static void start() throws Exception {
    // No skipping: a machine that cannot start S3Mock fails this test (also on CI).
    s3 =
        S3MockExtension.builder()
            .silent()
            .withSecureConnection(false)
            .withInitialBuckets(BUCKET)
            .build();
    s3.start();
    Path csv = Files.createDirectories(local.resolve("csv"));
    Files.writeString(csv.resolve("a.csv"), "id,name,amount\n1,ann,1.5\n2,bob,\n");
    Files.writeString(csv.resolve("b.csv"), "id,name,amount\n3,cy,3.25\n");
    Files.writeString(csv.resolve(".hidden.csv"), "id,name,amount\n99,no,0\n");
    Path nested = Files.createDirectories(csv.resolve("2026/12"));
    Files.writeString(nested.resolve("c.csv"), "id,name,amount\n4,dee,4\n");
    Path json = Files.createDirectories(local.resolve("json"));
    Files.writeString(
        json.resolve("a.jsonl"),
        "{\"id\": 1, \"tags\": [\"x\"], \"address\": {\"city\": \"Oslo\"}}\n"
            + "{\"id\": 2, \"tags\": [], \"address\": null}\n");
    Path parquet = Files.createDirectories(local.resolve("parquet"));
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement()) {
      statement.execute(
          "COPY (SELECT i AS id, 'n' || i AS name, CAST(i AS DECIMAL(10,2)) / 4 AS amount"
              + " FROM range(1000) t(i)) TO '"
              + parquet.resolve("part-0.parquet")
              + "' (FORMAT parquet, ROW_GROUP_SIZE 100)");
    }
    Path avro = Files.createDirectories(local.resolve("avro"));
    Schema schema =
        SchemaBuilder.record("event")
            .fields()
            .requiredLong("id")
            .optionalString("kind")
            .endRecord();
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
      writer.create(schema, avro.resolve("events.avro").toFile());
      for (long id = 1; id <= 50; id++) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("id", id);
        record.put("kind", id % 2 == 0 ? "even" : null);
        writer.append(record);
      }
    }
    try (S3Client client = s3.createS3ClientV2();
        Stream<Path> files = Files.walk(local)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        client.putObject(
            request -> request.bucket(BUCKET).key(local.relativize(file).toString()),
            RequestBody.fromFile(file));
      }
    }
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.stop();
    }
  }

  private static Map<String, String> s3Options(String location) {
    Map<String, String> options = new HashMap<>();
    options.put("location", location);
    options.put("s3.endpoint", "http://localhost:" + s3.getHttpPort());
    options.put("s3.path-style-access", "true");
    options.put("s3.region", "us-east-1");
    options.put("s3.access-key-id", "tidewater");
    options.put("s3.secret-access-key", SECRET);
    return options;
  }

  private static Map<String, String> localOptions(String location) {
    return Map.of("location", local.resolve(location).toString());
  }

  @Test
  void readsEachFormatFromS3AsFromTheLocalDisk() {
    for (String location : List.of("csv/*.csv", "json/*.jsonl", "parquet/*", "avro/")) {
      SourceReading fromS3 = SourceReading.read(s3Options("s3://" + BUCKET + "/" + location));
      SourceReading fromDisk = SourceReading.read(localOptions(location));
      assertThat(fromS3.schema).as(location).isEqualTo(fromDisk.schema);
      assertThat(fromS3.rows).as(location).isEqualTo(fromDisk.rows).isNotEmpty();
      assertThat(fromS3.positions).as(location).isEqualTo(fromDisk.positions);
    }
    assertThat(SourceReading.read(s3Options("s3://landing/parquet/part-0.parquet")).rows)
        .hasSize(1000);
  }

  @Test
  void globsDirectoriesAndHiddenFiles() {
    assertThat(SourceReading.read(s3Options("s3://landing/csv/*.csv")).column("id"))
        .containsExactly(1L, 2L, 3L);
    assertThat(SourceReading.read(s3Options("s3://landing/csv")).column("id"))
        .containsExactly(1L, 2L, 3L);
    assertThat(SourceReading.read(s3Options("s3://landing/csv/**/*.csv")).column("id"))
        .containsExactly(4L, 1L, 2L, 3L);
    assertThat(SourceReading.read(s3Options("s3://landing/csv/b.csv")).column("id"))
        .containsExactly(3L);
    assertThat(SourceReading.read(s3Options("s3://landing/csv/{a,b}.csv")).positions)
        .containsExactly("a.csv:2", "a.csv:3", "b.csv:2");
  }

  @Test
  void hiddenFileColumnsAndFileSkipping() {
    Map<String, String> options = s3Options("s3://landing/csv/*.csv");
    try (Connector connector = SourceReading.connector(options)) {
      assertThat(connector.hiddenColumns(SourceObject.SELF))
          .extracting(Field::getName)
          .containsExactly("_file_name", "_file_modified");
      assertThat(connector.discover(SourceObject.SELF).getFields())
          .extracting(Field::getName)
          .containsExactly("id", "name", "amount");
      ExtractRequest request =
          new ExtractRequest(
              SourceObject.SELF,
              List.of("_FILE_NAME", "id", "_file_modified"),
              List.of(),
              ExtractRequest.DEFAULT_BATCH_ROWS);
      SourceReading reading =
          SourceReading.read(connector, request, SourceReading.RejectionsMode.FAIL);
      assertThat(reading.readSchema.getFields())
          .extracting(Field::getName)
          .containsExactly("_file_name", "id", "_file_modified");
      assertThat(reading.column("_file_name"))
          .containsExactly(
              "s3://landing/csv/a.csv", "s3://landing/csv/a.csv", "s3://landing/csv/b.csv");
      long modified = (Long) reading.rows.get(0).get("_file_modified");
      assertThat(modified).isPositive();

      // Only hidden columns: the rows are still counted.
      ExtractRequest names =
          new ExtractRequest(
              SourceObject.SELF,
              List.of("_file_name"),
              List.of(),
              ExtractRequest.DEFAULT_BATCH_ROWS);
      assertThat(SourceReading.read(connector, names, SourceReading.RejectionsMode.FAIL).rows)
          .hasSize(3);

      // A window on _file_modified past every file's time plans no split: nothing is read.
      long newest =
          reading.column("_file_modified").stream()
              .mapToLong(value -> (Long) value)
              .max()
              .orElseThrow();
      ExtractRequest past =
          new ExtractRequest(
              SourceObject.SELF,
              List.of("id", "_file_modified"),
              List.of(
                  new ColumnPredicate(
                      "_file_modified", ColumnPredicate.Operator.GREATER_THAN, newest)),
              ExtractRequest.DEFAULT_BATCH_ROWS);
      assertThat(connector.plan(past)).isEmpty();
      ExtractRequest oneFile =
          new ExtractRequest(
              SourceObject.SELF,
              List.of("id"),
              List.of(
                  new ColumnPredicate(
                      "_file_name", ColumnPredicate.Operator.EQUAL, "s3://landing/csv/b.csv")),
              ExtractRequest.DEFAULT_BATCH_ROWS);
      assertThat(connector.plan(oneFile)).hasSize(1);
    }
  }

  @Test
  void aMissingBucketIsAClearErrorWithoutTheSecret() {
    try (Connector connector =
        SourceReading.connector(s3Options("s3://no-such-bucket/landing/*.csv"))) {
      assertThatThrownBy(() -> connector.discover(SourceObject.SELF))
          .isInstanceOfSatisfying(
              TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
          .hasMessageContaining("location 's3://no-such-bucket/landing/*.csv'")
          .hasMessageContaining("cannot list files")
          .hasMessageContaining("404")
          .hasMessageContaining("check the bucket name")
          .hasMessageNotContaining(SECRET);
    }
    assertThatThrownBy(() -> SourceReading.read(s3Options("s3://landing/nothing/*.csv")))
        .hasMessageContaining("no file matches location 's3://landing/nothing/*.csv'");
  }

  /** S3Mock accepts any key: a real HTTP server answers as S3 does to a wrong access key. */
  @Test
  void wrongCredentialsAreAClearErrorWithoutTheSecret() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidAccessKeyId</Code>"
                      + "<Message>The AWS Access Key Id you provided does not exist in our"
                      + " records.</Message><RequestId>1</RequestId></Error>")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/xml");
          exchange.sendResponseHeaders(403, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      Map<String, String> options = s3Options("s3://landing/csv/*.csv");
      options.put("s3.endpoint", "http://127.0.0.1:" + server.getAddress().getPort());
      try (Connector connector = SourceReading.connector(options)) {
        assertThatThrownBy(() -> connector.discover(SourceObject.SELF))
            .isInstanceOfSatisfying(
                TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
            .hasMessageContaining("Access Key Id you provided does not exist")
            .hasMessageContaining("HTTP 403, InvalidAccessKeyId")
            .hasMessageContaining("check options 's3.access-key-id' and 's3.secret-access-key'")
            .hasMessageNotContaining(SECRET);
      }
    } finally {
      server.stop(0);
    }
  }

  /**
   * Without their plugins ({@code gcp}, {@code azure}) gs:// and abfss:// locations are clear
   * errors naming the plugin (the plugins themselves are tested in the server: Azure against
   * Azurite in AzureLandingEndToEndTest, GCS against a dead endpoint in GcsLocationEndToEndTest).
   */
  @Test
  void gcsAndAzureLocationsBuildTheirFileIoOrSayWhatIsMissing() {
    Map<String, String> gcs =
        Map.of("location", "gs://bucket/landing/*.parquet", "gcs.oauth2.token", SECRET);
    assertThatThrownBy(() -> SourceReading.connector(gcs))
        .hasMessageContaining("gs:// locations are read through Iceberg's")
        .hasMessageContaining(ObjectFileStore.GCS_FILE_IO)
        .hasMessageContaining("from plugin 'gcp', which is not installed")
        .hasMessageContaining("plugins/gcp")
        .hasMessageNotContaining(SECRET);
    Map<String, String> azure =
        Map.of(
            "location",
            "abfss://container@account.dfs.core.windows.net/landing/",
            "adls.auth.shared-key.account.key",
            SECRET);
    assertThatThrownBy(() -> SourceReading.connector(azure))
        .hasMessageContaining(ObjectFileStore.ADLS_FILE_IO)
        .hasMessageContaining("from plugin 'azure', which is not installed")
        .hasMessageContaining("plugins/azure")
        .hasMessageNotContaining(SECRET);
    assertThat(new FilesConnectorFactory().secretOptionNames())
        .contains("s3.secret-access-key", "gcs.oauth2.token", "adls.auth.shared-key.account.key");
  }

  @Test
  void locationsAreCheckedBeforeAnyConnection() {
    assertThatThrownBy(() -> SourceReading.connector(Map.of("location", "s3:///x.csv")))
        .hasMessageContaining("names no bucket");
    assertThatThrownBy(() -> SourceReading.connector(Map.of("location", "ftp://host/x.csv")))
        .hasMessageContaining("ftp:// locations are not supported");
    ObjectLocation location = StorageLocation.parse("s3://b/in/**/*.csv").object();
    assertThat(location.listPrefix()).isEqualTo("s3://b/in/");
    assertThat(location.select(List.of("in/a.csv", "in/x/b.csv", "in/x/.c.csv", "in/d.json")))
        .extracting(ObjectLocation.Match::displayName)
        .containsExactly("a.csv", "x/b.csv");
    assertThat(ObjectFileStore.fileIoProperties(location, Map.of("s3.region", "eu-west-1")))
        .containsEntry("client.region", "eu-west-1");
    ObjectLocation azure =
        StorageLocation.parse("abfss://drops@acct.dfs.core.windows.net/in/*.csv").object();
    assertThat(ObjectFileStore.fileIoProperties(azure, Map.of("adls.endpoint", "http://h:1/acct")))
        .containsExactly(
            Map.entry("adls.connection-string.acct.dfs.core.windows.net", "http://h:1/acct"));
  }
}
