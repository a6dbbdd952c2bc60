package dev.tidewater.planner;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * Settings of the engine: the session defaults, load parallelism, where {@code ${env:NAME}}
 * references are looked up, and each statement's default limits (timeout, memory).
 */
public record EngineConfig(
    String defaultCatalog,
    String defaultNamespace,
    int loadThreads,
    int batchRows,
    Function<String, String> environment,
    StatementLimits limits) {
  /** An engine whose statements have no timeout and no memory limit of their own. */
  public EngineConfig(
      String defaultCatalog,
      String defaultNamespace,
      int loadThreads,
      int batchRows,
      Function<String, String> environment) {
    this(
        defaultCatalog,
        defaultNamespace,
        loadThreads,
        batchRows,
        environment,
        StatementLimits.NONE);
  }

  public EngineConfig {
    requireNonNull(limits, "limits is null");
    requireNonNull(defaultCatalog, "defaultCatalog is null");
    requireNonNull(defaultNamespace, "defaultNamespace is null");
    requireNonNull(environment, "environment is null");
    if (loadThreads <= 0) {
      throw new IllegalArgumentException("loadThreads must be positive: " + loadThreads);
    }
    if (batchRows <= 0) {
      throw new IllegalArgumentException("batchRows must be positive: " + batchRows);
    }
  }

  /**
   * The embedded defaults: catalog {@code iceberg}, namespace {@code default}, one thread a core.
   */
  public static EngineConfig defaults() {
    return new EngineConfig(
        "iceberg",
        "default",
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        32_768,
        System::getenv);
  }
}
