package dev.tidewater.server.testing;

import dev.tidewater.planner.load.Failpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code tidewater server} in a process of its own, on a free port, with one user from {@code
 * TIDEWATER_USER} / {@code TIDEWATER_PASSWORD}; for the tests that kill servers or run several.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("serves Flight SQL on [^:]+:(\\d+)");

  private final Process process;
  private final String user;
  private final String password;
  private final CountDownLatch listening = new CountDownLatch(1);
  private final CountDownLatch failpointReached = new CountDownLatch(1);
  private final AtomicInteger port = new AtomicInteger();

  private ServerProcess(Process process, String user, String password) {
    this.process = process;
    this.user = user;
    this.password = password;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader output =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = output.readLine()) != null) {
                  Matcher matcher = LISTENING.matcher(line);
                  if (matcher.find()) {
                    port.set(Integer.parseInt(matcher.group(1)));
                    listening.countDown();
                  }
                  if (line.contains("tidewater failpoint reached")) {
                    failpointReached.countDown();
                  }
                }
              } catch (IOException e) {
                // the process is gone
              }
            });
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a server on {@code data} ({@code config}: a configuration file, or null for none) that
   * stops at {@code failpoint} (null: none), and waits until it listens.
   */
  public static ServerProcess start(
      Path config, Path data, String failpoint, String user, String password) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("-Xmx512m");
    command.add("-D" + Failpoints.PROPERTY + "=" + (failpoint == null ? "" : failpoint));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.tidewater.server.cli.Main");
    command.add("server");
    if (config != null) {
      command.add("--config");
      command.add(config.toString());
    }
    command.addAll(List.of("--port", "0", "--data-dir", data.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("TIDEWATER_USER", user);
    builder.environment().put("TIDEWATER_PASSWORD", password);
    builder.redirectErrorStream(true);
    ServerProcess server = new ServerProcess(builder.start(), user, password);
    if (!server.listening.await(60, TimeUnit.SECONDS)) {
      server.kill();
      throw new AssertionError("the server did not start");
    }
    return server;
  }

  /** Waits until the server reports its failpoint; false when it did not within the time. */
  public boolean awaitFailpoint(long timeout, TimeUnit unit) throws InterruptedException {
    return failpointReached.await(timeout, unit);
  }

  /** The port the server listens on. */
  public int port() {
    return port.get();
  }

  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    return DriverManager.getConnection(
        "jdbc:arrow-flight-sql://localhost:" + port.get() + "/?useEncryption=false", properties);
  }

  /** SIGKILL: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
