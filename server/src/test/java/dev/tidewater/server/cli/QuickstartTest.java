package dev.tidewater.server.cli;

import static dev.tidewater.server.cli.CommandLineRun.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater run examples/quickstart.sql} exactly as the README tells a user to run it: from
 * the repository root (Surefire's working directory for this module), on a fresh data directory.
 * The expected figures are computed here from the example's CSV files.
 */
class QuickstartTest {
  private static final String SCRIPT = "examples/quickstart.sql";

  @TempDir Path temp;

  @Test
  void theQuickstartRunsAndAnswersWhatItsDataSays() throws IOException {
    assertThat(Path.of(SCRIPT))
        .as("the working directory must be the repository root (see server/pom.xml)")
        .exists();
    List<Order> orders = orders("examples/data/orders.csv");
    List<Order> updates = orders("examples/data/orders_update.csv");
    long customers =
        Files.readAllLines(Path.of("examples/data/customers.jsonl")).stream()
            .filter(line -> !line.isBlank())
            .count();

    CommandLineRun run = CommandLineRun.of("run", "--data-dir", temp.toString(), SCRIPT);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("error");

    // REPLACE with orders.csv, then APPEND orders_update.csv: both files' rows, per status.
    List<Order> appended = new ArrayList<>(orders);
    appended.addAll(updates);
    String totals = run.section(SCRIPT, "FROM iceberg.sales.orders GROUP BY status");
    byStatus(appended)
        .forEach(
            (status, group) ->
                assertThat(totals)
                    .containsPattern(
                        row(
                            status,
                            Integer.toString(group.size()),
                            group.stream()
                                .map(Order::amount)
                                .reduce(BigDecimal.ZERO, BigDecimal::add)
                                .toPlainString())));

    // MERGE ON (order_id): an updated order replaces its row, a new one is added.
    Map<Long, Order> merged = new LinkedHashMap<>();
    orders.forEach(order -> merged.put(order.id(), order));
    updates.forEach(order -> merged.put(order.id(), order));
    String current = run.section(SCRIPT, "FROM sales.orders_current GROUP BY status");
    byStatus(new ArrayList<>(merged.values()))
        .forEach(
            (status, group) ->
                assertThat(current).containsPattern(row(status, Integer.toString(group.size()))));

    // The second incremental load reads past the stored cursor and writes nothing.
    String maxId = Long.toString(orders.stream().mapToLong(Order::id).max().orElseThrow());
    String cursors = run.section(SCRIPT, "FROM system.loads WHERE");
    assertThat(cursors)
        .containsPattern(row(".*", Integer.toString(orders.size()), "0", maxId, maxId))
        .containsPattern(
            row(
                ".*",
                Integer.toString(orders.size()),
                Integer.toString(orders.size()),
                "NULL",
                maxId));

    assertThat(run.section(SCRIPT, "LOAD customers_files INTO"))
        .containsPattern(
            row(".*", "SUCCEEDED", Long.toString(customers), Long.toString(customers)));
    assertThat(run.section(SCRIPT, "SELECT id, name, address, tags FROM sales.customers"))
        .contains("| Ada Lovelace ", "\"city\":\"Boston\"", "[\"vip\",\"newsletter\"]");
  }

  private record Order(long id, BigDecimal amount, String status) {}

  private static List<Order> orders(String file) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(file));
    List<String> header = Arrays.asList(lines.get(0).split(","));
    List<Order> orders = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      assertThat(line).as("the example data has no quoted fields").doesNotContain("\"");
      String[] fields = line.split(",", -1);
      orders.add(
          new Order(
              Long.parseLong(fields[header.indexOf("order_id")]),
              new BigDecimal(fields[header.indexOf("amount")]),
              fields[header.indexOf("status")]));
    }
    return orders;
  }

  private static Map<String, List<Order>> byStatus(List<Order> orders) {
    return orders.stream()
        .collect(Collectors.groupingBy(Order::status, TreeMap::new, Collectors.toList()));
  }
}
