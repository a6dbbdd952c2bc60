package dev.tidewater.server.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The statements the fuzzer starts from: every statement of {@code examples/*.sql}, and the grammar
 * lines of the SQL reference's {@code sql} blocks expanded into concrete statements ({@code
 * [optional]} parts taken or left, one alternative of {@code { a | b }}, placeholders like {@code
 * name} or {@code literal} filled with names the fuzz fixture creates).
 *
 * <p>Paths of the examples' data become {@value FuzzFixture#DATA}, the HTTP example's server
 * {@value FuzzFixture#HTTP}; the fixture puts its own scratch copies there when it runs a
 * statement.
 */
final class SeedStatements {
  private static final Pattern SQL_BLOCK = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL);

  /** Placeholder words of the reference's grammar and what stands for them in a statement. */
  private static final Map<String, List<String>> PLACEHOLDERS =
      Map.ofEntries(
          Map.entry("name", List.of("orders_files", "fz_orders", "orders_v1", "shop")),
          Map.entry("source", List.of("orders_files", "shop", "payments")),
          Map.entry("catalog", List.of("iceberg", "system", "nope")),
          Map.entry("namespace", List.of("fuzz", "sales", "fuzz.deep")),
          Map.entry("table", List.of("orders", "customers", "fz_target")),
          Map.entry("schema", List.of("main", "public")),
          Map.entry("column", List.of("order_id", "amount", "status", "ordered_at")),
          Map.entry("key", List.of("order_id", "customer")),
          Map.entry("c", List.of("ordered_at", "order_id")),
          Map.entry("n", List.of("4", "16", "0", "-1")),
          Map.entry(
              "literal",
              List.of("1000", "'2024-03-01T00:00:00Z'", "TIMESTAMP '2024-03-02 00:00:00'")),
          Map.entry("type", List.of("BIGINT", "VARCHAR", "DECIMAL(12,2)", "TIMESTAMP")),
          Map.entry("t", List.of("fuzz.orders", "sales.orders")),
          Map.entry("jdbc_source", List.of("shop")),
          Map.entry("option", List.of("location")),
          Map.entry("value", List.of("'" + FuzzFixture.DATA + "/orders.csv'")));

  private SeedStatements() {}

  /** The statements of examples/*.sql, in file order, with the fixture's placeholders. */
  static List<String> examples() {
    List<String> statements = new ArrayList<>();
    try (Stream<Path> scripts = Files.list(Path.of("examples"))) {
      for (Path script : scripts.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
        statements.addAll(split(Files.readString(script)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return placeholders(statements);
  }

  /** Statements of the examples and expansions of the reference, in a fixed order. */
  static List<String> all(Random random) {
    List<String> seeds = new ArrayList<>(examples());
    try {
      Matcher blocks = SQL_BLOCK.matcher(Files.readString(Path.of("docs/sql-reference.md")));
      while (blocks.find()) {
        for (String template : split(blocks.group(1))) {
          for (int expansion = 0; expansion < 4; expansion++) {
            seeds.add(expand(template, random));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return placeholders(seeds);
  }

  private static List<String> placeholders(List<String> statements) {
    return statements.stream()
        .map(
            seed ->
                seed.replace("examples/data", FuzzFixture.DATA)
                    .replace("http://localhost:8765", FuzzFixture.HTTP))
        .distinct()
        .toList();
  }

  /** The statements of a script: split at semicolons outside quotes, comments removed. */
  static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (SqlTokens.Token token : SqlTokens.tokens(script)) {
      if (token.kind() == SqlTokens.Kind.COMMENT) {
        continue;
      }
      if (token.text().equals(";")) {
        addIfNotBlank(statements, current);
        current.setLength(0);
      } else {
        current.append(token.text());
      }
    }
    addIfNotBlank(statements, current);
    return statements;
  }

  /** One concrete statement from a grammar line of the reference. */
  static String expand(String template, Random random) {
    String text = template.replace("boolean expression", "amount >= 0");
    text =
        text.replace("SELECT ...", "SELECT *")
            .replace("LOAD ...", "LOAD orders_files INTO fuzz.t WITH DISPOSITION APPEND");
    text = text.replace("( query )", "(SELECT order_id, amount FROM orders_files)");
    StringBuilder out = new StringBuilder();
    new Expander(text, random).sequence(out);
    StringBuilder filled = new StringBuilder();
    for (SqlTokens.Token token : SqlTokens.tokens(out.toString().replace("...", ""))) {
      List<String> choices =
          token.kind() == SqlTokens.Kind.WORD ? PLACEHOLDERS.get(token.text()) : null;
      filled.append(choices == null ? token.text() : choices.get(random.nextInt(choices.size())));
    }
    return filled.toString().replaceAll("\\s+", " ").replace(", )", ")").trim();
  }

  private static void addIfNotBlank(List<String> statements, StringBuilder statement) {
    String text = statement.toString().strip();
    if (!text.isEmpty()) {
      statements.add(text);
    }
  }

  /** Expands {@code [a | b]} (optional) and {@code { a | b }} (one of) with a random choice. */
  private static final class Expander {
    private final String text;
    private final Random random;
    private int position;

    Expander(String text, Random random) {
      this.text = text;
      this.random = random;
    }

    /** Copies text up to a closing bracket or an alternative bar of the enclosing group. */
    void sequence(StringBuilder out) {
      while (position < text.length()) {
        char c = text.charAt(position);
        if (c == ']' || c == '}' || c == '|') {
          return;
        }
        position++;
        if (c == '\'') {
          int end = text.indexOf('\'', position);
          end = end < 0 ? text.length() : end + 1;
          out.append(c).append(text, position, end);
          position = end;
        } else if (c == '[' || c == '{') {
          group(out, c == '[');
        } else {
          out.append(c);
        }
      }
    }

    private void group(StringBuilder out, boolean optional) {
      List<StringBuilder> alternatives = new ArrayList<>();
      while (true) {
        StringBuilder alternative = new StringBuilder();
        sequence(alternative);
        alternatives.add(alternative);
        if (position >= text.length()) {
          break;
        }
        char end = text.charAt(position++);
        if (end != '|') {
          break;
        }
      }
      if (optional && random.nextBoolean()) {
        return;
      }
      out.append(' ').append(alternatives.get(random.nextInt(alternatives.size()))).append(' ');
    }
  }
}
