package dev.tidewater.bench;

import com.sun.net.httpserver.HttpServer;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The HTTP source benchmark of docs/benchmarks.md: a local REST API (the JDK's HTTP server, on
 * loopback) serves {@code records} JSON records in {@code pages} pages linked by a next URL in the
 * body, each record with a nested object; {@code LOAD ... APPEND} takes them into an Iceberg table.
 *
 * <p>Usage: {@code bench/run-http [records] [pages] [runs] [work-dir]} (defaults 1,000,000, 1,000,
 * 3 and bench-data). After one warm-up load that is not counted, the result is the median of the
 * runs. Pages are rendered when asked for, so the server shares the two cores with the load.
 */
public final class HttpBenchmark {
  private static final String[] STATUS = {"new", "paid", "shipped", "void", "returned"};
  private static final String[] COUNTRY = {"DE", "FR", "US", "JP", "BR", "IN"};

  private HttpBenchmark() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int pages = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path work = Path.of(args.length > 3 ? args[3] : "bench-data").toAbsolutePath();
    int perPage = (records + pages - 1) / pages;
    ExecutorService executor = Executors.newFixedThreadPool(2);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext(
        "/orders",
        exchange -> {
          String query = exchange.getRequestURI().getQuery();
          int page = query == null ? 1 : Integer.parseInt(query.substring("page=".length()));
          byte[] body = page(page, perPage, records, pages).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/orders";
    System.out.printf(
        "%,d records in %,d pages of %,d (%,d bytes per page); %d cores, heap %,d MB%n",
        records,
        pages,
        perPage,
        page(1, perPage, records, pages).length(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    try {
      double warmUp = load(work.resolve("http-warm-up"), url, records);
      System.out.printf(Locale.ROOT, "warm-up: %.2f s%n", warmUp);
      List<Double> seconds = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        double time = load(work.resolve("http-run"), url, records);
        seconds.add(time);
        System.out.printf(
            Locale.ROOT, "run %d: %.2f s, %,.0f records/s%n", run, time, records / time);
      }
      Collections.sort(seconds);
      double median = seconds.get(seconds.size() / 2);
      System.out.printf(
          Locale.ROOT,
          "RESULT http_load_s=%.2f records_per_s=%.0f (median of %d runs)%n",
          median,
          records / median,
          runs);
    } finally {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  /** Page {@code page} (1-based) of the API's answer, with a link to the next one. */
  static String page(int page, int perPage, int records, int pages) {
    StringBuilder json = new StringBuilder(perPage * 220);
    json.append("{\"data\": [");
    long first = (long) (page - 1) * perPage;
    long end = Math.min(records, first + perPage);
    for (long id = first; id < end; id++) {
      if (id > first) {
        json.append(", ");
      }
      long cents = (id * 7919) % 100_000;
      json.append("{\"id\": ")
          .append(id + 1)
          .append(", \"customer_id\": ")
          .append((id * 31) % 50_000)
          .append(", \"amount\": ")
          .append(cents / 100)
          .append('.')
          .append(cents % 100 < 10 ? "0" : "")
          .append(cents % 100)
          .append(", \"status\": \"")
          .append(STATUS[(int) (id % STATUS.length)])
          .append("\", \"updated_at\": \"2024-0")
          .append(1 + id % 9)
          .append("-1")
          .append(id % 10)
          .append("T12:")
          .append(10 + id % 50)
          .append(":00Z\", \"customer\": {\"country\": \"")
          .append(COUNTRY[(int) (id % COUNTRY.length)])
          .append("\", \"vip\": ")
          .append(id % 13 == 0)
          .append("}}");
    }
    json.append("], \"next\": ");
    json.append(page < pages ? "\"/orders?page=" + (page + 1) + "\"" : "null");
    return json.append('}').toString();
  }

  private static double load(Path dataDir, String url, int records) throws Exception {
    LoadBenchmark.deleteRecursively(dataDir);
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
    try (Tidewater tidewater = Tidewater.start(config, System::getenv);
        Session session = tidewater.engine().openSession("bench");
        BufferAllocator allocator =
            tidewater.allocator().newChildAllocator("bench", 0, Long.MAX_VALUE)) {
      run(
          session,
          allocator,
          "CREATE SOURCE api TYPE HTTP WITH (url = '"
              + url
              + "', records_path = '$.data', paginator = 'json_link')");
      long start = System.nanoTime();
      run(session, allocator, "LOAD api INTO bench.http_orders WITH DISPOSITION APPEND");
      double seconds = (System.nanoTime() - start) / 1e9;
      // the commit's own count: a query would read the whole table back
      long count =
          Long.parseLong(
              tidewater
                  .engine()
                  .catalogs()
                  .catalog("iceberg")
                  .loadTable(org.apache.iceberg.catalog.TableIdentifier.of("bench", "http_orders"))
                  .currentSnapshot()
                  .summary()
                  .get("total-records"));
      if (count != records) {
        throw new IllegalStateException("the table has " + count + " rows, not " + records);
      }
      return seconds;
    } finally {
      LoadBenchmark.deleteRecursively(dataDir);
    }
  }

  private static void run(Session session, BufferAllocator allocator, String sql) {
    try (ExecutionResult result = session.execute(sql, allocator)) {
      if (result.hasRows()) {
        while (result.rows().next()) {
          // drain
        }
      }
    }
  }
}
