package dev.tidewater.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Times queries in process, without the JDBC driver: {@code Session.execute} over the table that
 * {@link QueryBenchmark} loaded, warm-ups first, then the wall time and the CPU time of the whole
 * process (every thread: the scan's, JIT, GC) of each run, medians printed. The CPU time moves much
 * less than the wall time with other work on the machine.
 *
 * <p>Usage: {@code java -cp 'bench/target/tidewater-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*'
 * dev.tidewater.bench.QueryProfile <data-dir> [warm-ups] [runs] [query-name...]}, the data
 * directory being {@code <work-dir>/query-<rows>-<changes>} of a {@code bench/run-query} run;
 * queries {@code count} and {@code group_by} (the benchmark's) unless named.
 */
public final class QueryProfile {
  private QueryProfile() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]).toAbsolutePath();
    if (!Files.exists(dataDir.resolve("loaded"))) {
      throw new IllegalArgumentException(dataDir + " holds no table loaded by bench/run-query");
    }
    int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Map<String, String> all = new LinkedHashMap<>();
    all.put("count", "SELECT count(*) FROM bench.orders");
    all.put(
        "group_by",
        "SELECT status, count(*), sum(amount), avg(price) FROM bench.orders GROUP BY status");
    Map<String, String> queries = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      queries.put(args[i], all.get(args[i]));
    }
    if (queries.isEmpty()) {
      queries = all;
    }
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
    try (Tidewater tidewater = Tidewater.start(config, name -> null);
        Session session = tidewater.engine().openSession("bench");
        BufferAllocator allocator =
            tidewater.allocator().newChildAllocator("profile", 0, Long.MAX_VALUE)) {
      for (Map.Entry<String, String> query : queries.entrySet()) {
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        String answer = null;
        for (int run = 0; run < warmups + runs; run++) {
          long cpuStart = os.getProcessCpuTime();
          long start = System.nanoTime();
          answer = run(session, allocator, query.getValue());
          long nanos = System.nanoTime() - start;
          long cpuNanos = os.getProcessCpuTime() - cpuStart;
          if (run >= warmups) {
            wall.add(nanos / 1e9);
            cpu.add(cpuNanos / 1e9);
          }
        }
        System.out.printf(
            Locale.ROOT,
            "PROFILE query=%s wall_median_s=%.3f wall_min_s=%.3f cpu_median_s=%.3f"
                + " (%d warm-ups, %d runs, load average %.2f) answer=%s%n",
            query.getKey(),
            median(wall),
            Collections.min(wall),
            median(cpu),
            warmups,
            runs,
            os.getSystemLoadAverage(),
            answer);
      }
    }
  }

  /** Runs a query and reads every value; answers the first row, for a look at the answer. */
  private static String run(Session session, BufferAllocator allocator, String sql) {
    try (ExecutionResult result = session.execute(sql, allocator)) {
      StringBuilder first = new StringBuilder();
      long rows = 0;
      while (result.rows().next()) {
        var root = result.rows().root();
        for (int row = 0; row < root.getRowCount(); row++, rows++) {
          for (var vector : root.getFieldVectors()) {
            Object value = vector.getObject(row);
            if (rows == 0) {
              first.append(value).append(' ');
            }
          }
        }
      }
      return rows + " rows, first: " + first.toString().trim();
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
