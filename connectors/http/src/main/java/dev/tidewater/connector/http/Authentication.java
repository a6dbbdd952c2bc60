package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** How requests of an HTTP source prove who they are ({@code auth} option). */
sealed interface Authentication {
  /** Adds the credentials to a request to {@code uri}; returns the URI to send it to. */
  URI apply(URI uri, HttpRequest.Builder request);

  /** The secret values, which every message masks. */
  List<String> secrets();

  static Authentication parse(HttpOptions.Options options) {
    String kind =
        options.choice(HttpOptions.AUTH, "none", List.of("none", "bearer", "basic", "api_key"));
    switch (kind) {
      case "bearer":
        return new Bearer(options.required(HttpOptions.TOKEN));
      case "basic":
        return new Basic(
            options.required(HttpOptions.USER), options.required(HttpOptions.PASSWORD));
      case "api_key":
        String location =
            options.choice(HttpOptions.API_KEY_LOCATION, "header", List.of("header", "query"));
        return new ApiKey(
            options.text(HttpOptions.API_KEY_NAME, "X-API-Key").trim(),
            options.required(HttpOptions.API_KEY),
            location.equals("query") ? ApiKey.Location.QUERY : ApiKey.Location.HEADER);
      default:
        for (String option :
            List.of(HttpOptions.TOKEN, HttpOptions.PASSWORD, HttpOptions.API_KEY)) {
          if (options.has(option)) {
            throw TidewaterException.user(
                "option '%s' is set but option 'auth' is not (bearer, basic or api_key)", option);
          }
        }
        return new None();
    }
  }

  /** No credentials. */
  record None() implements Authentication {
    @Override
    public URI apply(URI uri, HttpRequest.Builder request) {
      return uri;
    }

    @Override
    public List<String> secrets() {
      return List.of();
    }
  }

  /** {@code Authorization: Bearer <token>}. */
  record Bearer(String token) implements Authentication {
    public Bearer {
      requireNonNull(token, "token is null");
    }

    @Override
    public URI apply(URI uri, HttpRequest.Builder request) {
      request.header("Authorization", "Bearer " + token);
      return uri;
    }

    @Override
    public List<String> secrets() {
      return List.of(token);
    }

    @Override
    public String toString() {
      return "Bearer[token=***]";
    }
  }

  /** {@code Authorization: Basic base64(user:password)} (RFC 7617). */
  record Basic(String user, String password) implements Authentication {
    public Basic {
      requireNonNull(user, "user is null");
      requireNonNull(password, "password is null");
    }

    @Override
    public URI apply(URI uri, HttpRequest.Builder request) {
      String credentials = user + ":" + password;
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
      return uri;
    }

    @Override
    public List<String> secrets() {
      String credentials = user + ":" + password;
      return List.of(
          password,
          Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
      return "Basic[user=" + user + ", password=***]";
    }
  }

  /** A key in a header or a query parameter of every request. */
  record ApiKey(String name, String key, Location location) implements Authentication {
    /** Where the key goes. */
    enum Location {
      HEADER,
      QUERY
    }

    public ApiKey {
      requireNonNull(name, "name is null");
      requireNonNull(key, "key is null");
      requireNonNull(location, "location is null");
      TidewaterException.check(!name.isEmpty(), "option 'api_key_name' must not be empty");
    }

    @Override
    public URI apply(URI uri, HttpRequest.Builder request) {
      if (location == Location.HEADER) {
        request.header(name, key);
        return uri;
      }
      return QueryParameters.with(uri, name, key);
    }

    @Override
    public List<String> secrets() {
      return List.of(key);
    }

    @Override
    public String toString() {
      return "ApiKey[name=" + name + ", key=***, location=" + location + "]";
    }
  }
}
