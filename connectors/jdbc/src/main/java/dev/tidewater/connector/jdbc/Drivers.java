package dev.tidewater.connector.jdbc;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds the driver of a JDBC URL: first among the jars of the drivers directory (each directory is
 * one class loader that sees only the JDK and its own jars, so a driver's dependencies cannot clash
 * with Tidewater's), then among the shipped drivers (PostgreSQL, MariaDB, SQLite, DuckDB). {@code
 * jdbc:mysql:} URLs without a MySQL driver in the directory go to the MariaDB driver.
 */
final class Drivers {
  private final Path directory;
  private List<Driver> directoryDrivers;
  private List<Driver> shippedDrivers;

  Drivers(Path directory) {
    this.directory = directory;
  }

  /** A driver and the URL to give it. */
  record Resolved(Driver driver, String url) {}

  synchronized Resolved resolve(String url, String sourceName) {
    try {
      for (Driver driver : directoryDrivers()) {
        if (driver.acceptsURL(url)) {
          return new Resolved(driver, url);
        }
      }
      String effective = url;
      if (url.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:")) {
        effective = "jdbc:mariadb:" + url.substring("jdbc:mysql:".length());
      }
      for (Driver driver : shippedDrivers()) {
        if (driver.acceptsURL(effective)) {
          return new Resolved(driver, effective);
        }
      }
    } catch (SQLException e) {
      throw TidewaterException.user(
          "source '%s': invalid JDBC URL: %s", sourceName, e.getMessage());
    }
    String scheme = url.split(":", 3).length > 1 ? url.split(":", 3)[1] : url;
    throw TidewaterException.user(
        "source '%s': no JDBC driver for '%s' URLs; put the driver's jar into the drivers"
            + " directory %s (shipped: postgresql, mariadb, mysql, sqlite, duckdb)",
        sourceName, scheme, directory == null ? "(none configured)" : directory.toAbsolutePath());
  }

  private List<Driver> shippedDrivers() {
    if (shippedDrivers == null) {
      shippedDrivers = load(Drivers.class.getClassLoader(), false);
    }
    return shippedDrivers;
  }

  private List<Driver> directoryDrivers() {
    if (directoryDrivers == null) {
      directoryDrivers = List.of();
      if (directory != null && Files.isDirectory(directory)) {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
          for (Path file : files.sorted().toList()) {
            if (file.getFileName().toString().endsWith(".jar")) {
              jars.add(file.toUri().toURL());
            }
          }
        } catch (MalformedURLException e) {
          throw new IllegalStateException(e);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (!jars.isEmpty()) {
          ClassLoader loader =
              new URLClassLoader(
                  "tidewater-jdbc-drivers",
                  jars.toArray(URL[]::new),
                  ClassLoader.getPlatformClassLoader());
          directoryDrivers = load(loader, true);
        }
      }
    }
    return directoryDrivers;
  }

  /** The drivers {@code loader} finds; with {@code ownOnly}, those of its own jars only. */
  private static List<Driver> load(ClassLoader loader, boolean ownOnly) {
    List<Driver> drivers = new ArrayList<>();
    ServiceLoader.load(Driver.class, loader).stream()
        .filter(provider -> !ownOnly || provider.type().getClassLoader() == loader)
        .forEach(provider -> drivers.add(provider.get()));
    return List.copyOf(drivers);
  }
}
