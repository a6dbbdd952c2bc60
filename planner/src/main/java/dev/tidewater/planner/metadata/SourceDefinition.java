package dev.tidewater.planner.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * A source as the user created it: options are stored as written, {@code ${env:...}} unresolved.
 */
public record SourceDefinition(
    String name, String type, Map<String, String> options, Instant createdAt) {
  public SourceDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    options = Map.copyOf(requireNonNull(options, "options is null"));
    requireNonNull(createdAt, "createdAt is null");
  }
}
