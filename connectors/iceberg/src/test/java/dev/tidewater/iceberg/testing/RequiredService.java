package dev.tidewater.iceberg.testing;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * A real service a test starts for itself (a database, an object store, a catalog server). When it
 * cannot start, the test is skipped on a developer's machine but fails on CI ({@code
 * TIDEWATER_CI=true}): a test never passes on CI by skipping.
 */
public final class RequiredService<T extends BeforeAllCallback & AfterAllCallback>
    implements BeforeAllCallback, AfterAllCallback {
  /** The environment variable CI sets. */
  public static final String CI_VARIABLE = "TIDEWATER_CI";

  private final String name;
  private final T extension;

  private RequiredService(String name, T extension) {
    this.name = name;
    this.extension = extension;
  }

  /**
   * A JUnit extension that runs {@code extension}'s {@code beforeAll} and turns its failure into a
   * skip or, on CI, a failure that names {@code name}.
   */
  public static <T extends BeforeAllCallback & AfterAllCallback> RequiredService<T> of(
      String name, T extension) {
    return new RequiredService<>(name, extension);
  }

  /** The wrapped extension, started once {@code beforeAll} has run. */
  public T service() {
    return extension;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    try {
      extension.beforeAll(context);
    } catch (Exception | LinkageError e) {
      throw unavailable(name, e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    extension.afterAll(context);
  }

  /** Starts a service; when {@code start} throws, skips the test, or fails it on CI. */
  public static <S> S start(String name, Callable<S> start) {
    try {
      return start.call();
    } catch (Exception | LinkageError e) {
      throw unavailable(name, e);
    }
  }

  /** The exception that skips the test (or, on CI, fails it) because {@code name} is missing. */
  public static RuntimeException unavailable(String name, Throwable cause) {
    String message = name + " could not start: " + cause;
    if (Boolean.parseBoolean(System.getenv(CI_VARIABLE))) {
      return new IllegalStateException(
          message + " (" + CI_VARIABLE + "=true: a required service fails the test)", cause);
    }
    // Surefire does not count a class skipped in @BeforeAll: say it where a developer looks.
    System.err.println("SKIPPED: " + message + " (on CI this fails)");
    return new TestAbortedException(message + " (skipped; on CI this fails)", cause);
  }
}
