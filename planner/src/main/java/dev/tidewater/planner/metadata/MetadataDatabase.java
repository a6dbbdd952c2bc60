package dev.tidewater.planner.metadata;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata store's one JDBC connection: opened on first use and opened again on the next
 * statement after the database was unreachable, so a metadata database that was down serves again
 * once it is back. Every piece of work runs in one transaction.
 */
final class MetadataDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataDatabase.class);
  private static final int VALID_TIMEOUT_SECONDS = 5;

  /** The SQL dialects the store speaks; each statement is plain SQL both accept. */
  enum Dialect {
    SQLITE,
    POSTGRESQL
  }

  /** Work on the connection; the caller's SQL errors become one message. */
  interface Work<T> {
    T run(Connection connection) throws SQLException, IOException;
  }

  private final String url;
  private final Properties credentials;
  private final String displayUrl;
  private final Dialect dialect;
  private Connection connection;

  MetadataDatabase(String url, String user, String password) {
    this.url = requireNonNull(url, "url is null");
    this.credentials = new Properties();
    if (user != null) {
      credentials.setProperty("user", user);
    }
    if (password != null) {
      credentials.setProperty("password", password);
    }
    this.displayUrl = displayUrl(url);
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:sqlite:")) {
      dialect = Dialect.SQLITE;
    } else if (lower.startsWith("jdbc:postgresql:")) {
      dialect = Dialect.POSTGRESQL;
    } else {
      throw TidewaterException.user(
          "metadata store %s: only SQLite (jdbc:sqlite:...) and PostgreSQL"
              + " (jdbc:postgresql://...) are supported",
          displayUrl);
    }
  }

  Dialect dialect() {
    return dialect;
  }

  /** The URL without user, password or parameters: for messages and logs. */
  String displayUrl() {
    return displayUrl;
  }

  /**
   * Runs {@code work} in one transaction and commits it; on failure rolls back and throws an
   * external error that starts with {@code failure} (or says the database is unreachable).
   */
  synchronized <T> T transaction(String failure, Work<T> work) {
    Connection current = connect();
    try {
      current.setAutoCommit(false);
      T result = work.run(current);
      current.commit();
      return result;
    } catch (SQLException | IOException e) {
      rollback(current);
      throw failed(failure, e);
    } catch (RuntimeException e) {
      rollback(current);
      throw e;
    }
  }

  private Connection connect() {
    if (connection != null) {
      return connection;
    }
    try {
      connection = DriverManager.getConnection(url, credentials);
      if (dialect == Dialect.SQLITE) {
        try (var statement = connection.createStatement()) {
          statement.execute("PRAGMA journal_mode=WAL");
          statement.execute("PRAGMA busy_timeout=10000");
        }
      }
      return connection;
    } catch (SQLException e) {
      closeQuietly();
      throw unavailable(e);
    }
  }

  private void rollback(Connection current) {
    try {
      current.rollback();
    } catch (SQLException e) {
      LOG.debug("metadata store {}: rollback failed", displayUrl, e);
    }
  }

  /**
   * The error for a failed piece of work: when the connection is gone (the database went down, the
   * network broke), the connection is dropped so that the next statement opens a new one.
   */
  private TidewaterException failed(String failure, Exception e) {
    if (e instanceof SQLException sql && !connectionAlive(sql)) {
      closeQuietly();
      return unavailable(sql);
    }
    return TidewaterException.external(e, "%s: %s", failure, message(e));
  }

  private boolean connectionAlive(SQLException e) {
    String state = e.getSQLState();
    if (state != null && state.startsWith("08")) {
      return false;
    }
    try {
      return connection != null && connection.isValid(VALID_TIMEOUT_SECONDS);
    } catch (SQLException invalid) {
      return false;
    }
  }

  private TidewaterException unavailable(SQLException e) {
    return TidewaterException.external(
        e,
        "the metadata store %s is unavailable (%s); run the statement again once it is back",
        displayUrl,
        message(e));
  }

  private static String message(Exception e) {
    String message = e.getMessage();
    return message == null
        ? e.getClass().getSimpleName()
        : message.strip().lines().findFirst().get();
  }

  private void closeQuietly() {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("metadata store {}: close failed", displayUrl, e);
    }
    connection = null;
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }

  /** {@code jdbc:postgresql://host:5432/db?user=..&password=..} without its parameters. */
  static String displayUrl(String url) {
    String withoutParameters = url;
    int question = withoutParameters.indexOf('?');
    if (question >= 0) {
      withoutParameters = withoutParameters.substring(0, question);
    }
    if (withoutParameters.startsWith("jdbc:") && withoutParameters.contains("//")) {
      try {
        URI uri = URI.create(withoutParameters.substring("jdbc:".length()));
        if (uri.getUserInfo() != null) {
          return "jdbc:"
              + new URI(
                  uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        }
      } catch (IllegalArgumentException | java.net.URISyntaxException e) {
        return withoutParameters.replaceAll("//[^@/]*@", "//");
      }
    }
    return withoutParameters;
  }
}
