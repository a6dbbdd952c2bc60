package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.util.Locale;
import java.util.Optional;

/** The file formats this connector reads. */
enum FileFormat {
  CSV,
  JSON,
  JSONL,
  PARQUET,
  AVRO;

  /** Whether files of this format carry their own schema (nothing is inferred from text). */
  boolean typed() {
    return this == PARQUET || this == AVRO;
  }

  /** Parses the {@code format} option. */
  static FileFormat parse(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "csv":
        return CSV;
      case "json":
        return JSON;
      case "jsonl":
      case "ndjson":
        return JSONL;
      case "parquet":
        return PARQUET;
      case "avro":
        return AVRO;
      default:
        throw TidewaterException.user(
            "unknown format '%s'; expected one of: csv, json, jsonl, parquet, avro", value);
    }
  }

  /**
   * The format a file name implies: .csv/.tsv/.txt, .json, .jsonl/.ndjson, each optionally followed
   * by .gz, .zst or .bz2, and .parquet, .avro; empty when the extension says nothing.
   */
  static Optional<FileFormat> fromFileName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    name = Compression.of(name).strip(name);
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    switch (name.substring(dot + 1)) {
      case "csv":
      case "tsv":
      case "txt":
        return Optional.of(CSV);
      case "json":
        return Optional.of(JSON);
      case "jsonl":
      case "ndjson":
        return Optional.of(JSONL);
      case "parquet":
        return Optional.of(PARQUET);
      case "avro":
        return Optional.of(AVRO);
      default:
        return Optional.empty();
    }
  }
}
