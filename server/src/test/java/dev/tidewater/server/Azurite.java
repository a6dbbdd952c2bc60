package dev.tidewater.server;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Azurite, Microsoft's Azure Storage emulator (npm package {@code azurite}), started as a process:
 * its Blob service on a free port of 127.0.0.1 with the well-known development account. {@code
 * .ci/run} installs it into {@code ~/.cache/tidewater-azurite}; {@code TIDEWATER_AZURITE} names
 * another {@code azurite-blob}. Blobs are written with the Azure SDK of the {@code azure} plugin
 * (the server's test class path has none), through reflection.
 */
final class Azurite implements AutoCloseable {
  static final String ACCOUNT = "devstoreaccount1";

  /** The emulator's published development key (docs: "Azurite: well-known storage account"). */
  static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final Process process;
  private final int port;

  private Azurite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The {@code azurite-blob} launcher, or an exception saying where it was looked for. */
  static Path launcher() throws IOException {
    String configured = System.getenv("TIDEWATER_AZURITE");
    Path path =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : Path.of(
                System.getProperty("user.home"),
                ".cache/tidewater-azurite/node_modules/.bin/azurite-blob");
    if (!Files.isExecutable(path)) {
      throw new IOException(
          "no Azurite at "
              + path
              + " (install: npm install --prefix ~/.cache/tidewater-azurite azurite@3.37.0)");
    }
    return path;
  }

  /** Starts the Blob service with its data in {@code location}; waits until it accepts. */
  static Azurite start(Path location) throws Exception {
    Path launcher = launcher();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(location);
    Process process =
        new ProcessBuilder(
                List.of(
                    launcher.toString(),
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    Integer.toString(port),
                    "--location",
                    location.toString(),
                    "--silent",
                    "--skipApiVersionCheck",
                    "--loose"))
            .redirectErrorStream(true)
            .redirectOutput(location.resolve("azurite.log").toFile())
            .start();
    Azurite azurite = new Azurite(process, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return azurite;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          azurite.close();
          throw new IOException(
              "Azurite did not start: " + Files.readString(location.resolve("azurite.log")).strip(),
              notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  /** The Blob endpoint, path-style: {@code http://127.0.0.1:<port>/devstoreaccount1}. */
  String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  @Override
  public void close() throws InterruptedException {
    // azurite-blob is a node script: end its children (node) with it.
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
  }

  /** A container of the emulator, written with the Azure SDK classes of {@code plugin}. */
  final class Container {
    private final ClassLoader plugin;
    private final Object client;

    Container(ClassLoader plugin, String name) throws Exception {
      this.plugin = plugin;
      this.client =
          withPlugin(
              () -> {
                Class<?> credentialType =
                    plugin.loadClass("com.azure.storage.common.StorageSharedKeyCredential");
                Object credential =
                    credentialType
                        .getConstructor(String.class, String.class)
                        .newInstance(ACCOUNT, KEY);
                Object builder =
                    plugin
                        .loadClass("com.azure.storage.blob.BlobServiceClientBuilder")
                        .getConstructor()
                        .newInstance();
                invoke(builder, "endpoint", new Class<?>[] {String.class}, endpoint());
                invoke(builder, "credential", new Class<?>[] {credentialType}, credential);
                Object service = invoke(builder, "buildClient", new Class<?>[0]);
                Object container =
                    invoke(service, "getBlobContainerClient", new Class<?>[] {String.class}, name);
                invoke(container, "createIfNotExists", new Class<?>[0]);
                return container;
              });
    }

    /** Uploads {@code content} as blob {@code key}; its last-modified time. */
    OffsetDateTime put(String key, String content) throws Exception {
      return withPlugin(
          () -> {
            Object blob = invoke(client, "getBlobClient", new Class<?>[] {String.class}, key);
            Class<?> binaryData = plugin.loadClass("com.azure.core.util.BinaryData");
            Object data = binaryData.getMethod("fromString", String.class).invoke(null, content);
            invoke(blob, "upload", new Class<?>[] {binaryData, boolean.class}, data, true);
            Object properties = invoke(blob, "getProperties", new Class<?>[0]);
            return (OffsetDateTime) invoke(properties, "getLastModified", new Class<?>[0]);
          });
    }

    private <T> T withPlugin(Work<T> work) throws Exception {
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(plugin);
      try {
        return work.run();
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } finally {
        thread.setContextClassLoader(previous);
      }
    }
  }

  private interface Work<T> {
    T run() throws Exception;
  }

  private static Object invoke(Object target, String name, Class<?>[] types, Object... args)
      throws Exception {
    Method method = target.getClass().getMethod(name, types);
    return method.invoke(target, args);
  }
}
