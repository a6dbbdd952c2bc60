package dev.tidewater.server.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Hive Metastore (Thrift) server in a process of its own: Iceberg's {@code
 * TestHiveMetastore} fixture (from {@code iceberg-hive-metastore}'s test jar) on embedded Derby, on
 * a free port. The process's class path is the Hive plugin's jars ({@code
 * plugins/hive/target/plugin} and {@code test-metastore}), so Hive's dependency tree never meets
 * the test's, and nothing the metastore sets in its JVM (system properties, Hive's static
 * configuration) can reach the server under test: the server finds the metastore only through the
 * {@code uri} it is configured with. {@link #stop()} kills it, for the tests of a metastore that is
 * down. Register it through {@code RequiredService}.
 */
public final class HiveMetastoreService implements BeforeAllCallback, AfterAllCallback {
  private static final String LISTENING = "metastore listening on ";

  private Process process;
  private String uri;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path plugin = Path.of("plugins", "hive", "target");
    List<String> classPath = new ArrayList<>();
    classPath.addAll(jars(plugin.resolve("plugin")));
    classPath.addAll(jars(plugin.resolve("test-metastore")));
    if (classPath.isEmpty()) {
      throw new IllegalStateException("no Hive plugin jars in " + plugin.toAbsolutePath());
    }
    // Then the test's own class path: Iceberg and Hadoop, which the server shares with its plugins
    // (CatalogRegistry.pluginSharedPackages), and HiveMetastoreMain.
    classPath.add(System.getProperty("java.class.path"));
    Path logs = Files.createDirectories(Path.of("server", "target", "hive-metastore"));
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            // Derby's files and log go to the build directory, not the repository root.
            "-Dderby.system.home=" + logs.toAbsolutePath(),
            "-Dderby.stream.error.file=" + logs.resolve("derby.log").toAbsolutePath(),
            "-cp",
            String.join(File.pathSeparator, classPath),
            HiveMetastoreMain.class.getName());
    process =
        new ProcessBuilder(command)
            .directory(logs.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    CompletableFuture<String> listening = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader output =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  Writer log =
                      Files.newBufferedWriter(
                          logs.resolve("metastore.log"), StandardCharsets.UTF_8)) {
                String line;
                while ((line = output.readLine()) != null) {
                  log.write(line + System.lineSeparator());
                  log.flush();
                  if (line.startsWith(LISTENING)) {
                    listening.complete(line.substring(LISTENING.length()).trim());
                  }
                }
                listening.completeExceptionally(
                    new IllegalStateException(
                        "the metastore process exited before it listened; its output: "
                            + logs.resolve("metastore.log").toAbsolutePath()));
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
            },
            "hive-metastore-output");
    reader.setDaemon(true);
    reader.start();
    uri = listening.get(3, TimeUnit.MINUTES);
  }

  /** The metastore's Thrift URI, as a user configures it ({@code uri: thrift://...}). */
  public String uri() {
    return uri;
  }

  /** Kills the metastore: from now on it is down. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(1, TimeUnit.MINUTES);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  private static List<String> jars(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(f -> f.toString().endsWith(".jar"))
          .sorted()
          .map(f -> f.toAbsolutePath().toString())
          .toList();
    }
  }
}
