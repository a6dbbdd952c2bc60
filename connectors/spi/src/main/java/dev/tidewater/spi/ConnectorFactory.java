package dev.tidewater.spi;

import java.util.Map;
import java.util.Set;

/** Creates connectors of one source type ({@code CREATE SOURCE ... TYPE name}). */
public interface ConnectorFactory {
  /** The source type, upper case (e.g. {@code FILES}). */
  String name();

  /**
   * Creates a connector from the source's options (keys lower case, {@code ${env:...}} already
   * resolved). Throws a user {@link TidewaterException} for unknown or invalid options.
   */
  Connector create(String sourceName, Map<String, String> options);

  /**
   * Whether its sources are one table or databases of objects, known without connecting: queries
   * name a one-table source as a table, a database's objects below the source's name.
   */
  default SourceShape shape() {
    return SourceShape.TABLE;
  }

  /** Option names whose values are secrets, masked wherever options are shown. */
  default Set<String> secretOptionNames() {
    return Set.of();
  }
}
