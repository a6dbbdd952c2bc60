package dev.tidewater.server.cli;

import dev.tidewater.server.TidewaterConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command shares: the configuration file and the data directory. */
final class CommonOptions {
  @Option(names = "--config", description = "Configuration file (YAML).")
  Path config;

  @Option(
      names = "--data-dir",
      description = "Data directory (SQLite catalog and metadata, local warehouse).")
  Path dataDir;

  TidewaterConfig load() {
    TidewaterConfig loaded =
        config == null ? TidewaterConfig.defaults() : TidewaterConfig.load(config, System::getenv);
    return dataDir == null ? loaded : loaded.withDataDir(dataDir);
  }
}
