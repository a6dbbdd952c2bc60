package dev.tidewater.connector.http;

import dev.tidewater.spi.TidewaterException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Sets query parameters of a URI, replacing a parameter of the same name. */
final class QueryParameters {
  private QueryParameters() {}

  /** {@code uri} with {@code name=value} (form-encoded) instead of any {@code name=...}. */
  static URI with(URI uri, String name, String value) {
    String encodedName = encode(name);
    List<String> kept = new ArrayList<>();
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String parameter : query.split("&")) {
        int equals = parameter.indexOf('=');
        String key = equals < 0 ? parameter : parameter.substring(0, equals);
        if (!key.equals(encodedName) && !parameter.isEmpty()) {
          kept.add(parameter);
        }
      }
    }
    kept.add(encodedName + "=" + encode(value));
    String rebuilt = String.join("&", kept);
    StringBuilder text = new StringBuilder();
    text.append(uri.getScheme()).append("://").append(uri.getRawAuthority());
    text.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    text.append('?').append(rebuilt);
    if (uri.getRawFragment() != null) {
      text.append('#').append(uri.getRawFragment());
    }
    try {
      return new URI(text.toString());
    } catch (URISyntaxException e) {
      throw TidewaterException.internal(e, "cannot set query parameter '%s'", name);
    }
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
