package dev.tidewater.connector.http;

import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ConnectorFactory;
import java.util.Map;
import java.util.Set;

/**
 * Creates HTTP sources: a REST API returning JSON pages, one table per source ({@code CREATE SOURCE
 * gh TYPE HTTP WITH (url = 'https://api.example.com/v1/issues', records_path = '$.items')}).
 */
public final class HttpConnectorFactory implements ConnectorFactory {
  /** The source type. */
  public static final String NAME = "HTTP";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Connector create(String sourceName, Map<String, String> options) {
    return new HttpConnector(new HttpSource(sourceName, HttpOptions.parse(options)));
  }

  @Override
  public Set<String> secretOptionNames() {
    return HttpOptions.SECRETS;
  }
}
