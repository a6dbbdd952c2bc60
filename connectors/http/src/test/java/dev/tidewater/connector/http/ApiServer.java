package dev.tidewater.connector.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real HTTP server on a free loopback port whose answers the test writes. */
final class ApiServer implements AutoCloseable {
  /** An answer to one request. */
  record Answer(int status, Map<String, String> headers, String body) {
    static Answer json(String body) {
      return new Answer(200, Map.of("Content-Type", "application/json"), body);
    }

    static Answer status(int status, String body) {
      return new Answer(status, Map.of(), body);
    }
  }

  /** Computes the answer to a request. */
  interface Handler {
    Answer handle(HttpExchange exchange, Map<String, String> query) throws Exception;
  }

  /** A request as the server got it. */
  record Request(String path, Map<String, String> query, Map<String, List<String>> headers) {
    String header(String name) {
      for (Map.Entry<String, List<String>> header : headers.entrySet()) {
        if (header.getKey().equalsIgnoreCase(name)) {
          return header.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();

  ApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  void handle(String path, Handler handler) {
    server.createContext(
        path,
        exchange -> {
          try {
            Map<String, String> query = query(exchange.getRequestURI());
            requests.add(
                new Request(
                    exchange.getRequestURI().getPath(),
                    query,
                    Map.copyOf(exchange.getRequestHeaders())));
            Answer answer = handler.handle(exchange, query);
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            answer.headers().forEach((key, value) -> exchange.getResponseHeaders().add(key, value));
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
              exchange.getResponseBody().write(body);
            }
          } catch (Exception e) {
            exchange.sendResponseHeaders(500, -1);
          } finally {
            exchange.close();
          }
        });
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  static Map<String, String> query(URI uri) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String parameter : raw.split("&")) {
        int equals = parameter.indexOf('=');
        if (equals > 0) {
          query.put(
              URLDecoder.decode(parameter.substring(0, equals), StandardCharsets.UTF_8),
              URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return query;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
