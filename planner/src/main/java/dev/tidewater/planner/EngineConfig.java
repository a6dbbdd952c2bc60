package dev.tidewater.planner;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * Settings of the engine: the session defaults, load parallelism and where {@code ${env:NAME}}
 * references are looked up.
 */
public record EngineConfig(
    String defaultCatalog,
    String defaultNamespace,
    int loadThreads,
    int batchRows,
    Function<String, String> environment) {
  public EngineConfig {
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
