package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.TidewaterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tidewater.yaml}: what it sets, {@code ${env:NAME}} everywhere, and its errors. */
class TidewaterConfigTest {
  @TempDir Path temp;

  @Test
  void readsEverySettingAndResolvesEnvironmentReferencesInEveryValue() throws Exception {
    String etlHash = PasswordHashes.hash("etl-pass");
    Map<String, String> environment =
        Map.ofEntries(
            Map.entry("DATA", "/var/lib/tidewater"),
            Map.entry("MEMORY", "2GB"),
            Map.entry("CATALOG", "lake"),
            Map.entry("HOST", "0.0.0.0"),
            Map.entry("PORT", "4242"),
            Map.entry("TLS_DIR", "/etc/tls"),
            Map.entry("ETL_USER", "etl"),
            Map.entry("ETL_HASH", etlHash),
            Map.entry("POLARIS_CREDENTIAL", "client:s3cret"),
            Map.entry("MINIO", "minio:9000"));
    Path file =
        write(
            "data-dir: ${env:DATA}\n"
                + "memory-limit: ${env:MEMORY}\n"
                + "drivers: ${env:DATA}/jdbc-drivers\n"
                + "default-catalog: ${env:CATALOG}\n"
                + "server:\n"
                + "  host: ${env:HOST}\n"
                + "  port: ${env:PORT}\n"
                + "  allow-plaintext: true\n"
                + "  tls:\n"
                + "    cert: ${env:TLS_DIR}/server.crt\n"
                + "    key: ${env:TLS_DIR}/server.key\n"
                + "users:\n"
                + "  - name: ${env:ETL_USER}\n"
                + "    password-hash: ${env:ETL_HASH}\n"
                + "  - name: analyst\n"
                + "    password-hash: \""
                + PasswordHashes.hash("analyst-pass")
                + "\"\n"
                + "catalogs:\n"
                + "  Lake:\n"
                + "    type: rest\n"
                + "    uri: http://polaris:8181/api/catalog\n"
                + "    credential: ${env:POLARIS_CREDENTIAL}\n"
                + "    s3.endpoint: http://${env:MINIO}\n"
                + "    cache-enabled: false\n");

    TidewaterConfig config = TidewaterConfig.load(file, environment::get);

    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/tidewater"));
    assertThat(config.memoryLimitBytes()).isEqualTo(2L << 30);
    assertThat(config.effectiveDriversDir()).isEqualTo(Path.of("/var/lib/tidewater/jdbc-drivers"));
    assertThat(TidewaterConfig.defaults().withDataDir(Path.of("/srv/tw")).effectiveDriversDir())
        .isEqualTo(Path.of("/srv/tw/drivers"));
    assertThat(config.defaultCatalog()).isEqualTo("lake");
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(4242);
    assertThat(config.tlsCert()).isEqualTo(Path.of("/etc/tls/server.crt"));
    assertThat(config.tlsKey()).isEqualTo(Path.of("/etc/tls/server.key"));
    assertThat(config.allowPlaintext()).isTrue();
    assertThat(config.users())
        .extracting(TidewaterConfig.UserEntry::name)
        .containsExactly("etl", "analyst");
    assertThat(config.users().get(0).passwordHash()).isEqualTo(etlHash);
    // Catalog names are case-insensitive; properties pass through unchanged, as text.
    assertThat(config.catalogs())
        .containsOnlyKeys("lake")
        .containsEntry(
            "lake",
            Map.of(
                "type", "rest",
                "uri", "http://polaris:8181/api/catalog",
                "credential", "client:s3cret",
                "s3.endpoint", "http://minio:9000",
                "cache-enabled", "false"));

    Users users = Users.from(config, Map.<String, String>of()::get, message -> {});
    assertThat(users.authenticate("etl", "etl-pass")).isTrue();
    assertThat(users.authenticate("analyst", "analyst-pass")).isTrue();
    assertThat(users.authenticate("analyst", "etl-pass")).isFalse();
  }

  @Test
  void theMetadataStoreIsAUrlOrAMappingWithUserAndPassword() throws Exception {
    Map<String, String> environment = Map.of("PGPASSWORD", "pg-s3cret");
    TidewaterConfig short_ =
        TidewaterConfig.load(
            write("metadata: jdbc:postgresql://db:5432/tidewater\n"), environment::get);
    TidewaterConfig mapping =
        TidewaterConfig.load(
            write(
                "metadata:\n"
                    + "  url: jdbc:postgresql://db:5432/tidewater\n"
                    + "  user: tidewater\n"
                    + "  password: ${env:PGPASSWORD}\n"),
            environment::get);

    assertThat(TidewaterConfig.defaults().metadata()).isNull();
    assertThat(short_.metadata())
        .isEqualTo(
            new TidewaterConfig.MetadataLocation(
                "jdbc:postgresql://db:5432/tidewater", null, null));
    assertThat(mapping.metadata())
        .isEqualTo(
            new TidewaterConfig.MetadataLocation(
                "jdbc:postgresql://db:5432/tidewater", "tidewater", "pg-s3cret"));
    assertThatThrownBy(
            () -> TidewaterConfig.load(write("metadata: postgres://db\n"), environment::get))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("line 1 (metadata)")
        .hasMessageContaining("jdbc:postgresql://host:port/database");
  }

  @Test
  void unsetSettingsKeepTheirDefaultsAndAnEmptyFileIsTheEmbeddedDefault() throws Exception {
    TidewaterConfig defaults = TidewaterConfig.defaults();

    TidewaterConfig portOnly =
        TidewaterConfig.load(write("server:\n  port: 9999\n"), Map.<String, String>of()::get);
    TidewaterConfig empty =
        TidewaterConfig.load(write("# nothing configured\n"), Map.<String, String>of()::get);

    assertThat(portOnly.port()).isEqualTo(9999);
    assertThat(portOnly.host()).isEqualTo(defaults.host());
    assertThat(portOnly.dataDir()).isEqualTo(defaults.dataDir());
    assertThat(portOnly.tlsCert()).isNull();
    assertThat(portOnly.allowPlaintext()).isFalse();
    assertThat(portOnly.users()).isEmpty();
    assertThat(portOnly.catalogs()).isEmpty();
    assertThat(empty).isEqualTo(defaults);
  }

  @Test
  void aMissingEnvironmentVariableNamesFileLineAndKey() throws Exception {
    Path file =
        write(
            "catalogs:\n"
                + "  lake:\n"
                + "    type: rest\n"
                + "    uri: http://polaris:8181/api/catalog\n"
                + "    credential: ${env:POLARIS_CREDENTIAL}\n");

    assertThatThrownBy(() -> TidewaterConfig.load(file, Map.<String, String>of()::get))
        .isInstanceOf(TidewaterException.class)
        .hasMessage(
            "configuration "
                + file
                + ", line 5 (catalogs.lake.credential): environment variable POLARIS_CREDENTIAL"
                + " is not set");
  }

  @Test
  void malformedYamlNamesFileLineAndColumn() throws Exception {
    Path file =
        write(
            "data-dir: /var/lib/tidewater\n"
                + "server:\n"
                + "  host: 0.0.0.0\n"
                + "   port: 31337\n");

    assertThatThrownBy(() -> TidewaterConfig.load(file, Map.<String, String>of()::get))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("configuration " + file + ", line 4, column ")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void mistakesNameFileLineKeyAndTheRule() throws Exception {
    assertLoadFails(
        "data-dir: ./data\nuser:\n  - name: etl\n",
        "line 2 (user): unknown key 'user' (known here: [catalogs, data-dir, default-catalog, drivers,"
            + " memory-limit, metadata, plugins-dir, query-memory-limit, server, statement-timeout, users])");
    assertLoadFails(
        "server:\n  host: 0.0.0.0\n  port: lots\n",
        "line 3 (server.port): a port is a number from 0 to 65535, not 'lots'");
    assertLoadFails(
        "server:\n  allow-plaintext: maybe\n",
        "line 2 (server.allow-plaintext): expected true or false, not 'maybe'");
    assertLoadFails("memory-limit: plenty\n", "line 1 (memory-limit): 'plenty' is not a size");
    assertLoadFails(
        "users:\n  - name: etl\n    password-hash: hunter2\n",
        "line 3 (users[0].password-hash): a password hash must look like pbkdf2-sha256$");
    assertLoadFails(
        "users:\n  - name: etl\n  - name: bob\n    password-hash: x\n",
        "line 2 (users[0]): a user needs 'name' and 'password-hash'");
    assertLoadFails("catalogs:\n  lake:\n    type: rest\n    type: hive\n", "line 4, column ");
    assertLoadFails(
        "catalogs:\n  lake:\n    type: rest\n  LAKE:\n    type: hive\n",
        "line 4 (catalogs.LAKE): catalog names are case-insensitive; 'lake' is defined twice");
    assertLoadFails(
        "catalogs:\n  lake:\n    type: rest\n    warehouse:\n      - a\n",
        "line 4 (catalogs.lake.warehouse): must be a single value, not a list");
    assertLoadFails("catalogs: lake\n", "line 1 (catalogs): must be a mapping of keys to values");
  }

  @Test
  void statementLimitsDefaultToNoTimeoutAndHalfTheMemoryLimit() throws Exception {
    TidewaterConfig unset =
        TidewaterConfig.load(write("memory-limit: 4GB\n"), Map.<String, String>of()::get);
    assertThat(unset.limits().timeout()).isEqualTo(java.time.Duration.ZERO);
    assertThat(unset.limits().queryMemoryBytes()).isEqualTo(2L << 30);

    TidewaterConfig set =
        TidewaterConfig.load(
            write("memory-limit: 4GB\nquery-memory-limit: 256MB\nstatement-timeout: 1.5min\n"),
            Map.<String, String>of()::get);
    assertThat(set.limits().timeout()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(set.limits().queryMemoryBytes()).isEqualTo(256L << 20);

    assertLoadFails(
        "statement-timeout: soon\n",
        "line 1 (statement-timeout): a duration such as 30s, 500ms, 10min or 0 (none), not 'soon'");
    assertLoadFails(
        "memory-limit: 1GB\nquery-memory-limit: 2GB\n",
        "line 2 (query-memory-limit): must be more than 0 and at most memory-limit");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = temp.resolve("nowhere.yaml");

    assertThatThrownBy(() -> TidewaterConfig.load(missing, Map.<String, String>of()::get))
        .isInstanceOf(TidewaterException.class)
        .hasMessage("configuration " + missing + ": no such file");
  }

  private void assertLoadFails(String yaml, String expected) throws Exception {
    Path file = write(yaml);
    assertThatThrownBy(() -> TidewaterConfig.load(file, Map.<String, String>of()::get), yaml)
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("configuration " + file + ", ")
        .hasMessageContaining(expected);
  }

  private int files;

  private Path write(String yaml) throws Exception {
    Path file = temp.resolve("tidewater-" + files++ + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
