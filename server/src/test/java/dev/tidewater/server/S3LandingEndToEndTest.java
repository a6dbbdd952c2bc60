package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.tidewater.iceberg.testing.RequiredService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A landing folder in S3 (S3Mock, in process) loaded three times over the Flight SQL JDBC driver
 * with {@code INCREMENTAL ON _file_modified}, new files arriving between the loads: each file is
 * loaded once. A source in S3 loads the same rows as the same files on the local disk; a missing
 * bucket is a clear error; the secret key shows nowhere.
 */
class S3LandingEndToEndTest {
  private static final String BUCKET = "drops";
  private static final String SECRET = "wJalrXUtnFEMI-not-a-real-key";

  @RegisterExtension
  static final RequiredService<S3MockExtension> S3 =
      RequiredService.of(
          "S3Mock",
          S3MockExtension.builder()
              .silent()
              .withSecureConnection(false)
              .withInitialBuckets(BUCKET)
              .build());

  @TempDir Path temp;

  private String source(String name, String location) {
    return "CREATE SOURCE "
        + name
        + " TYPE FILES WITH (location = '"
        + location
        + "', 's3.endpoint' = 'http://localhost:"
        + S3.service().getHttpPort()
        + "', 's3.path-style-access' = 'true', 's3.region' = 'us-east-1',"
        + " 's3.access-key-id' = 'tidewater', 's3.secret-access-key' = '"
        + SECRET
        + "')";
  }

  private static void put(S3Client client, String key, String content) {
    client.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromString(content));
  }

  /**
   * Puts an object whose modification time is after that of every object already under {@code
   * landing/}, so that a cursor on {@code _file_modified} sees it as new. S3 keeps modification
   * times to the second: while the store's clock is still in the newest object's second, the object
   * is put again.
   */
  private static void putNewer(S3Client client, String key, String content)
      throws InterruptedException {
    Instant newest =
        client
            .listObjectsV2(request -> request.bucket(BUCKET).prefix("landing/"))
            .contents()
            .stream()
            .map(S3Object::lastModified)
            .max(Comparator.naturalOrder())
            .orElse(Instant.MIN);
    put(client, key, content);
    while (!client
        .headObject(request -> request.bucket(BUCKET).key(key))
        .lastModified()
        .isAfter(newest)) {
      Thread.sleep(50);
      put(client, key, content);
    }
  }

  @Test
  void aLandingFolderLoadedThreeTimesTakesEachFileOnce() throws Exception {
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection connection = server.connect();
        Statement statement = connection.createStatement();
        S3Client client = S3.service().createS3ClientV2()) {
      put(client, "landing/2026-12-01.csv", "id,amount\n1,10\n2,20\n");
      put(client, "landing/2026-12-02.csv", "id,amount\n3,30\n");
      put(client, "other/ignored.csv", "id,amount\n99,0\n");
      statement.execute(source("drops", "s3://" + BUCKET + "/landing/*.csv"));
      String load =
          "LOAD drops INTO iceberg.raw.payments WITH DISPOSITION APPEND"
              + " INCREMENTAL ON _file_modified";

      assertThat(loadCounts(statement, load)).containsExactly(3L, 3L);
      // Nothing new: no file is read.
      assertThat(loadCounts(statement, load)).containsExactly(0L, 0L);

      putNewer(client, "landing/2026-12-03.csv", "id,amount\n4,40\n5,50\n");
      assertThat(loadCounts(statement, load)).containsExactly(2L, 2L);

      putNewer(client, "landing/2026-12-04.csv", "id,amount\n6,60\n");
      put(client, "landing/2026-12-05.csv", "id,amount\n7,70\n");
      assertThat(loadCounts(statement, load)).containsExactly(2L, 2L);

      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT count(*), count(DISTINCT id), sum(amount) FROM raw.payments")))
          .containsExactly(List.of(7L, 7L, 280L));
      // The hidden column is queryable on the source and was loaded as the cursor column.
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT _file_name, count(*) FROM drops GROUP BY _file_name"
                          + " ORDER BY _file_name")))
          .extracting(row -> row.get(0))
          .containsExactly(
              "s3://drops/landing/2026-12-01.csv",
              "s3://drops/landing/2026-12-02.csv",
              "s3://drops/landing/2026-12-03.csv",
              "s3://drops/landing/2026-12-04.csv",
              "s3://drops/landing/2026-12-05.csv");
      Table table =
          server
              .tidewater()
              .engine()
              .catalogs()
              .catalog("iceberg")
              .loadTable(TableIdentifier.of("raw", "payments"));
      assertThat(table.schema().findField("_file_modified")).isNotNull();
      List<Long> ids = new ArrayList<>();
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
        records.forEach(record -> ids.add((Long) record.getField("id")));
      }
      assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L);

      // The secret appears in no listing, description or plan.
      for (String shown : List.of("SHOW SOURCES", "DESCRIBE SOURCE drops", "EXPLAIN " + load)) {
        try (ResultSet result = statement.executeQuery(shown)) {
          assertThat(rows(result).toString()).as(shown).doesNotContain(SECRET);
        }
      }
    }
  }

  @Test
  void filesInS3LoadLikeTheirLocalCopiesAndAMissingBucketIsAClearError() throws Exception {
    Path local = Files.createDirectories(temp.resolve("local"));
    String[] files = {
      "{\"id\": 1, \"city\": \"Oslo\", \"score\": 1.5}\n{\"id\": 2, \"city\": null}\n",
      "{\"id\": 3, \"city\": \"Lima\", \"score\": 3}\n"
    };
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection connection = server.connect();
        Statement statement = connection.createStatement();
        S3Client client = S3.service().createS3ClientV2()) {
      for (int i = 0; i < files.length; i++) {
        put(client, "json/part-" + i + ".jsonl", files[i]);
        Files.writeString(local.resolve("part-" + i + ".jsonl"), files[i]);
      }
      statement.execute(source("remote", "s3://" + BUCKET + "/json/"));
      statement.execute("CREATE SOURCE nearby TYPE FILES WITH (location = '" + local + "')");
      statement.executeQuery("LOAD remote INTO iceberg.cmp.remote WITH DISPOSITION APPEND").close();
      statement.executeQuery("LOAD nearby INTO iceberg.cmp.nearby WITH DISPOSITION APPEND").close();
      String columns = "SELECT id, city, score FROM cmp.%s ORDER BY id";
      assertThat(rows(statement.executeQuery(String.format(columns, "remote"))))
          .isEqualTo(rows(statement.executeQuery(String.format(columns, "nearby"))))
          .hasSize(3);

      statement.execute(source("gone", "s3://no-such-bucket/landing/*.csv"));
      assertThatThrownBy(
              () ->
                  statement.executeQuery("LOAD gone INTO iceberg.cmp.gone WITH DISPOSITION APPEND"))
          .hasMessageContaining("s3://no-such-bucket/landing/*.csv")
          .hasMessageContaining("check the bucket name")
          .hasMessageNotContaining(SECRET);
      // The server keeps serving.
      assertThat(rows(statement.executeQuery("SELECT count(*) FROM cmp.remote")))
          .containsExactly(List.of(3L));
    }
  }

  /** rows_read and rows_written of one LOAD. */
  private static List<Long> loadCounts(Statement statement, String load) throws Exception {
    try (ResultSet result = statement.executeQuery(load)) {
      assertThat(result.next()).isTrue();
      return List.of(result.getLong("rows_read"), result.getLong("rows_written"));
    }
  }
}
