package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A Flight SQL bulk ingest ({@code CommandStatementIngest}) as the gateway sees it: the target
 * table (catalog and schema null for the session's current ones), what to do when it exists or is
 * missing, and the client's ingest options.
 */
public record IngestRequest(
    String catalogOrNull,
    String schemaOrNull,
    String table,
    IfMissing ifMissing,
    IfExists ifExists,
    Map<String, String> options) {
  /** When the table is missing: fail, or create it from the stream's schema. */
  public enum IfMissing {
    FAIL,
    CREATE
  }

  /** When the table exists: fail, append the rows, or replace its rows with them. */
  public enum IfExists {
    FAIL,
    APPEND,
    REPLACE
  }

  public IngestRequest {
    requireNonNull(table, "table is null");
    requireNonNull(ifMissing, "ifMissing is null");
    requireNonNull(ifExists, "ifExists is null");
    options = Map.copyOf(options);
  }
}
