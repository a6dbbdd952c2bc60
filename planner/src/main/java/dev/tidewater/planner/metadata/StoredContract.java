package dev.tidewater.planner.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One version of a contract as stored: the canonical text of its {@code CREATE CONTRACT} statement,
 * which the planner parses again to use it (so the stored form is the SQL surface itself).
 */
public record StoredContract(String name, int version, String definitionSql, Instant createdAt) {
  public StoredContract {
    requireNonNull(name, "name is null");
    requireNonNull(definitionSql, "definitionSql is null");
    requireNonNull(createdAt, "createdAt is null");
    if (version < 1) {
      throw new IllegalArgumentException("contract versions start at 1: " + version);
    }
  }
}
