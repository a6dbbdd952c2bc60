package dev.tidewater.server.fuzz;

import dev.tidewater.server.fuzz.SqlTokens.Kind;
import dev.tidewater.server.fuzz.SqlTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Grammar-aware mutations of SQL statements: they work on tokens, so a mutation changes a word, a
 * literal or a bracket, not half of one. Every choice comes from the {@link Random} handed in, so
 * one seed gives the same statements every time.
 */
final class StatementMutator {
  private static final List<String> KEYWORDS =
      List.of(
          "SELECT",
          "FROM",
          "WHERE",
          "LOAD",
          "INTO",
          "SOURCE",
          "TABLE",
          "TABLES",
          "WITH",
          "ON",
          "MERGE",
          "APPEND",
          "REPLACE",
          "DISPOSITION",
          "INCREMENTAL",
          "BACKFILL",
          "CONTRACT",
          "USING",
          "ERROR",
          "QUARANTINE",
          "BRANCH",
          "AT",
          "OF",
          "FOR",
          "VERSION",
          "TIMESTAMP",
          "AS",
          "NULL",
          "NOT",
          "CHECK",
          "UNIQUE",
          "DROP",
          "CREATE",
          "SHOW",
          "DESCRIBE",
          "EXPLAIN",
          "VALIDATE",
          "ROLLBACK",
          "PUBLISH",
          "NAMESPACE",
          "USE",
          "SET",
          "CATALOG",
          "SCHEMA",
          "PARTITIONED",
          "BY",
          "DEDUP",
          "DELETE",
          "WHEN",
          "INITIAL",
          "LAG",
          "LIMIT",
          "PERCENT",
          "ORDER",
          "GROUP",
          "TYPE",
          "FILES",
          "HTTP",
          "JDBC",
          "IF",
          "EXISTS",
          "PURGE",
          "INTERVAL",
          "DATE",
          "TRUE",
          "FALSE",
          "system",
          "iceberg",
          "default",
          "user",
          "value",
          "key",
          "LATERAL",
          "UNNEST",
          "TABLESAMPLE",
          "MATCH_RECOGNIZE",
          "CURSOR",
          "CAST",
          "ROW",
          "ARRAY");

  private static final List<String> WRONG_LITERALS =
      List.of(
          "'text'",
          "42",
          "-7",
          "3.25",
          "TRUE",
          "NULL",
          "DATE '2024-02-30'",
          "DATE '2024-01-01'",
          "TIMESTAMP '2024-01-01 00:00:00'",
          "INTERVAL '1' HOUR",
          "INTERVAL '-5' DAY",
          "X'0F'",
          "''",
          "'${env:NO_SUCH_VARIABLE}'",
          "'${env:'",
          "ARRAY[1, 2]",
          "(SELECT 1)",
          "CAST(NULL AS INT)",
          "1e400",
          "-0.0",
          "'NaN'",
          "'1 day'",
          "'2024-13-45T99:99:99Z'",
          "CURRENT_TIMESTAMP");

  private static final List<String> HUGE_NUMBERS =
      List.of(
          "99999999999999999999999999999999999999999999999999",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "2147483648",
          "1e308",
          "1e309",
          "1e-400",
          "0.000000000000000000000000000000000000000000001",
          "123456789012345678901234567890.123456789012345678901234567890",
          "00000000000000000000000000000000000000000000000000000000000001");

  private static final List<String> ODD_TEXT =
      List.of(
          "e\u0301\u0302\u0303",
          "\u202Eevil\u202C",
          "\u0000",
          "a\u0000b",
          "\\uD800",
          "\\uDFFF\\uD800",
          "U&'\\D800'",
          "\uD83D\uDE00",
          "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
          "\u200B",
          "\uFEFF",
          "\u00A0",
          "\u2028",
          "\r\n",
          "\t",
          "\\",
          "\\'",
          "%s%n",
          "'; DROP TABLE x; --",
          "Ω≈ç√∫",
          "\u0661\u0662\u0663",
          "ﷺ",
          "\uFFFF");

  private static final List<String> SYMBOLS =
      List.of(
          "'", "\"", "(", ")", "((", "))", ",", ";", ".", "..", "*", "=", "[", "]", "{", "}", "$",
          "${", "?", ":", "::", "--", "/*", "*/", "@", "`", "\\");

  private final Random random;
  private final List<String> seeds;

  StatementMutator(Random random, List<String> seeds) {
    this.random = random;
    this.seeds = List.copyOf(seeds);
  }

  /** Every prefix of the statement that ends at a token boundary, the empty one excluded. */
  static List<String> truncations(String statement) {
    List<Token> tokens = SqlTokens.tokens(statement);
    List<String> prefixes = new ArrayList<>();
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < tokens.size() - 1; i++) {
      prefix.append(tokens.get(i).text());
      if (tokens.get(i).significant()) {
        prefixes.add(prefix.toString());
      }
    }
    return prefixes;
  }

  /** One to three random mutations of one random seed. */
  String next() {
    String seed = seeds.get(random.nextInt(seeds.size()));
    List<Token> tokens = new ArrayList<>(SqlTokens.tokens(seed));
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      mutate(tokens);
    }
    return SqlTokens.join(tokens);
  }

  private void mutate(List<Token> tokens) {
    List<Integer> significant = significant(tokens);
    if (significant.isEmpty()) {
      tokens.add(new Token(Kind.WORD, pick(KEYWORDS)));
      return;
    }
    int at = significant.get(random.nextInt(significant.size()));
    switch (random.nextInt(14)) {
      case 0 -> tokens.remove(at);
      case 1 -> tokens.add(at, tokens.get(at));
      case 2 -> swap(tokens, at, significant.get(random.nextInt(significant.size())));
      case 3 -> replaceLiteral(tokens, WRONG_LITERALS);
      case 4 -> replaceLiteral(tokens, HUGE_NUMBERS);
      case 5 -> replaceName(tokens, "x" + longText());
      case 6 -> replaceString(tokens, longText());
      case 7 -> insertOddText(tokens);
      case 8 -> insert(tokens, at, pick(SYMBOLS));
      case 9 -> replaceName(tokens, pick(KEYWORDS));
      case 10 -> splice(tokens, at);
      case 11 -> tokens.set(at, new Token(Kind.WORD, pick(KEYWORDS)));
      case 12 -> removeClosing(tokens);
      default -> tokens.subList(at, tokens.size()).clear();
    }
  }

  private List<Integer> significant(List<Token> tokens) {
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).significant()) {
        indexes.add(i);
      }
    }
    return indexes;
  }

  private void swap(List<Token> tokens, int a, int b) {
    Token first = tokens.get(a);
    tokens.set(a, tokens.get(b));
    tokens.set(b, first);
  }

  private void insert(List<Token> tokens, int at, String text) {
    tokens.add(at, new Token(Kind.SYMBOL, text));
    if (random.nextBoolean()) {
      tokens.add(at, new Token(Kind.SPACE, " "));
    }
  }

  /** Replaces a literal (or, with none, any token) with another kind of literal. */
  private void replaceLiteral(List<Token> tokens, List<String> literals) {
    int at = pickOf(tokens, Kind.STRING, Kind.NUMBER);
    tokens.set(at, new Token(Kind.NUMBER, pick(literals)));
  }

  private void replaceName(List<Token> tokens, String name) {
    int at = pickOf(tokens, Kind.WORD, Kind.QUOTED_NAME);
    boolean quote = random.nextBoolean();
    tokens.set(at, new Token(Kind.WORD, quote ? '"' + name.replace("\"", "\"\"") + '"' : name));
  }

  private void replaceString(List<Token> tokens, String text) {
    int at = pickOf(tokens, Kind.STRING);
    tokens.set(at, new Token(Kind.STRING, "'" + text.replace("'", "''") + "'"));
  }

  /** Puts odd characters inside a name, a string, or between tokens. */
  private void insertOddText(List<Token> tokens) {
    String odd = pick(ODD_TEXT);
    int at = pickOf(tokens, Kind.STRING, Kind.QUOTED_NAME, Kind.WORD);
    Token token = tokens.get(at);
    String text = token.text();
    int middle = text.isEmpty() ? 0 : 1 + random.nextInt(Math.max(1, text.length() - 1));
    middle = Math.min(middle, text.length());
    if (middle > 0
        && middle < text.length()
        && Character.isHighSurrogate(text.charAt(middle - 1))) {
      middle++;
    }
    tokens.set(
        at, new Token(token.kind(), text.substring(0, middle) + odd + text.substring(middle)));
  }

  /** Replaces a run of tokens with a run from another seed: clauses in the wrong statement. */
  private void splice(List<Token> tokens, int at) {
    List<Token> other = SqlTokens.tokens(seeds.get(random.nextInt(seeds.size())));
    int from = random.nextInt(other.size());
    int to = Math.min(other.size(), from + 1 + random.nextInt(8));
    int end = Math.min(tokens.size(), at + random.nextInt(6));
    tokens.subList(at, end).clear();
    tokens.addAll(at, other.subList(from, to));
    tokens.add(at, new Token(Kind.SPACE, " "));
  }

  private void removeClosing(List<Token> tokens) {
    for (int i = tokens.size() - 1; i >= 0; i--) {
      String text = tokens.get(i).text();
      if (text.equals(")") && random.nextBoolean()) {
        tokens.remove(i);
        return;
      }
      boolean quoted =
          text.length() > 1
              && (text.startsWith("'") && text.endsWith("'")
                  || text.startsWith("\"") && text.endsWith("\""));
      if (quoted && random.nextBoolean()) {
        tokens.set(i, new Token(tokens.get(i).kind(), text.substring(0, text.length() - 1)));
        return;
      }
    }
  }

  private int pickOf(List<Token> tokens, Kind... kinds) {
    List<Integer> matching = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      for (Kind kind : kinds) {
        if (tokens.get(i).kind() == kind) {
          matching.add(i);
        }
      }
    }
    if (matching.isEmpty()) {
      List<Integer> significant = significant(tokens);
      return significant.get(random.nextInt(significant.size()));
    }
    return matching.get(random.nextInt(matching.size()));
  }

  private String longText() {
    int length =
        switch (random.nextInt(4)) {
          case 0 -> 128;
          case 1 -> 1_000;
          case 2 -> 10_000;
          default -> 100_000;
        };
    StringBuilder text = new StringBuilder(length);
    // Code points, not chars: a lone surrogate cannot even be sent (protobuf strings are UTF-8).
    int[] alphabet =
        random.nextBoolean()
            ? "abcdefghij_".codePoints().toArray()
            : "aé€\uD83D\uDE00 \u0301\u202E".codePoints().toArray();
    while (text.length() < length) {
      text.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
    }
    return text.toString();
  }

  private String pick(List<String> choices) {
    return choices.get(random.nextInt(choices.size()));
  }
}
