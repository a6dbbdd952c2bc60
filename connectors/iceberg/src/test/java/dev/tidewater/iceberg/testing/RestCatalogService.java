package dev.tidewater.iceberg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.rest.RESTCatalogServer;
import org.apache.iceberg.rest.RESTServerExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Iceberg REST catalog server in process on a free loopback port: Iceberg's own test fixture
 * ({@code iceberg-open-api}'s {@code RESTCatalogServer}, the code of the {@code
 * apache/iceberg-rest-fixture} image), backed by a JDBC catalog on in-memory SQLite with its
 * warehouse in a temporary directory, or where {@code backend} properties put it (an {@code s3://}
 * warehouse with {@code io-impl} and {@code s3.*} properties). Register it through {@link
 * RequiredService}.
 */
public final class RestCatalogService implements BeforeAllCallback, AfterAllCallback {
  private final Supplier<Map<String, String>> backend;
  private Path warehouse;
  private RESTServerExtension server;

  /** A server whose warehouse is a temporary directory. */
  public RestCatalogService() {
    this(Map::of);
  }

  /**
   * A server whose backing catalog also gets {@code backend}'s properties, asked for when the
   * server starts (an object store started before it knows its port by then).
   */
  public RestCatalogService(Supplier<Map<String, String>> backend) {
    this.backend = backend;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    warehouse = Files.createTempDirectory("tidewater-rest-warehouse");
    Map<String, String> config = new LinkedHashMap<>();
    config.put(RESTCatalogServer.REST_PORT, RESTServerExtension.FREE_PORT);
    config.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString());
    // Each pooled connection to "jdbc:sqlite::memory:" would open a database of its own.
    config.put(CatalogProperties.CLIENT_POOL_SIZE, "1");
    config.putAll(backend.get());
    server = new RESTServerExtension(config);
    server.beforeAll(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (server != null) {
        server.afterAll(context);
      }
    } finally {
      if (warehouse != null) {
        deleteRecursively(warehouse);
      }
    }
  }

  /** The catalog's base URI, as a user would configure it ({@code uri:}). */
  public String uri() {
    return "http://localhost:" + server.config().get(RESTCatalogServer.REST_PORT) + "/";
  }

  /** The catalog properties a user's configuration file would give: {@code type: rest, uri}. */
  public Map<String, String> catalogProperties() {
    return Map.of(
        CatalogUtil.ICEBERG_CATALOG_TYPE,
        CatalogUtil.ICEBERG_CATALOG_TYPE_REST,
        CatalogProperties.URI,
        uri());
  }

  /** Where the server keeps table data and metadata. */
  public Path warehouse() {
    return warehouse;
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
