package dev.tidewater.server.testing;

import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.spi.plugin.PluginClassLoader;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Hive Metastore (Thrift) server in process: Iceberg's own {@code TestHiveMetastore} fixture
 * (from {@code iceberg-hive-metastore}'s test jar) on embedded Derby, on a free port. Hive's jars
 * are the Hive plugin's ({@code plugins/hive/target/plugin}), loaded in a {@link PluginClassLoader}
 * of their own as the server loads them, so Hive's dependency tree never meets the test's class
 * path. Register it through {@code RequiredService}.
 */
public final class HiveMetastoreService implements BeforeAllCallback, AfterAllCallback {
  private PluginClassLoader loader;
  private Object metastore;
  private String uri;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path plugin = Path.of("plugins", "hive", "target");
    List<URL> jars = new ArrayList<>();
    jars.addAll(jars(plugin.resolve("plugin")));
    jars.addAll(jars(plugin.resolve("test-metastore")));
    if (jars.isEmpty()) {
      throw new IllegalStateException("no Hive plugin jars in " + plugin.toAbsolutePath());
    }
    loader =
        new PluginClassLoader(
            "test-metastore",
            jars,
            getClass().getClassLoader(),
            CatalogRegistry.pluginSharedPackages());
    // DriverManager finds its drivers once, through the context loader of its first caller: let
    // that be the test's (SQLite, PostgreSQL); Derby, in the metastore's loader, registers itself
    // when its class loads.
    java.sql.DriverManager.getDrivers();
    // Derby's log goes to the build directory, not the working directory (the repository root).
    System.setProperty(
        "derby.stream.error.file", Path.of("server", "target", "derby.log").toString());
    Class.forName("org.apache.derby.jdbc.EmbeddedDriver", true, loader);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      Class<?> type = loader.loadClass("org.apache.iceberg.hive.TestHiveMetastore");
      metastore = type.getConstructor().newInstance();
      type.getMethod("start").invoke(metastore);
      Object hiveConf = type.getMethod("hiveConf").invoke(metastore);
      uri =
          (String)
              hiveConf
                  .getClass()
                  .getMethod("get", String.class)
                  .invoke(hiveConf, "hive.metastore.uris");
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** The metastore's Thrift URI, as a user configures it ({@code uri: thrift://...}). */
  public String uri() {
    return uri;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (metastore != null) {
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(loader);
      try {
        metastore.getClass().getMethod("stop").invoke(metastore);
      } finally {
        thread.setContextClassLoader(previous);
      }
    }
    if (loader != null) {
      loader.close();
    }
  }

  private static List<URL> jars(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      List<URL> urls = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
        urls.add(file.toUri().toURL());
      }
      return urls;
    }
  }
}
