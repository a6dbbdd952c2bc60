package dev.tidewater.planner.metadata;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlCreateSource;
import dev.tidewater.parser.ast.SqlOption;
import dev.tidewater.spi.ConnectorFactory;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;

/**
 * Statement text that is safe to echo, log or quote in an error: the values of secret options are
 * replaced by {@link #MASK}. Which options are secret is decided as for {@code SHOW SOURCES}
 * ({@link Secrets#isSecret} with the connector's {@link ConnectorFactory#secretOptionNames}); a
 * {@code CREATE SOURCE} is rewritten through the parser and unparsed. Text that does not parse, and
 * statements that carry a secret-looking option elsewhere, fall back to masking every {@code key =
 * 'value'} whose key looks secret.
 */
public final class StatementRedactor {
  /** What a redacted value shows. */
  public static final String MASK = "***";

  /** Words that make a key look secret to the fallback, beyond {@link Secrets#isSecret}. */
  private static final List<String> SECRET_WORDS = List.of("key", "credential");

  /**
   * {@code key = value}, or {@code key 'value'} so that a statement whose {@code =} is missing (a
   * syntax error) is masked too: a bare, dotted or quoted key, then a quoted string or, after
   * {@code =}, a bare number or word.
   */
  // Linear in the statement's length, also for 100,000-character names and strings: a bare key
  // starts only where a word starts (else each of a long word's positions would scan the rest of
  // it), and quoted text is matched in possessive runs (no backtracking, no recursion per char).
  private static final Pattern PAIR =
      Pattern.compile(
          "(?<key>\"(?:[^\"]++|\"\")*+\"|'(?:[^']++|'')*+'|(?<![A-Za-z0-9_.\\-])[A-Za-z_][A-Za-z0-9_.\\-]*+)"
              + "(?:\\s*+=\\s*+(?<value>'(?:[^']++|'')*+'|[^\\s,;)'\"]++)"
              + "|\\s++(?<quoted>'(?:[^']++|'')*+'))");

  private final Map<String, Set<String>> secretOptionNames;
  private final Set<String> allSecretOptionNames;

  /** A redactor that knows the secret options of these connectors. */
  public StatementRedactor(List<ConnectorFactory> factories) {
    Map<String, Set<String>> byType = new HashMap<>();
    Set<String> all = new HashSet<>();
    for (ConnectorFactory factory : factories) {
      Set<String> names = lowerCase(factory.secretOptionNames());
      byType.put(factory.name().toUpperCase(Locale.ROOT), names);
      all.addAll(names);
    }
    this.secretOptionNames = Map.copyOf(byType);
    this.allSecretOptionNames = Set.copyOf(all);
  }

  /** The statement with its secret option values masked; unchanged when it has none. */
  public String redact(String sql) {
    return analyze(sql).text();
  }

  /** The message with every secret value of {@code sql} that it quotes masked. */
  public String redactMessage(String message, String sql) {
    if (message == null) {
      return null;
    }
    String redacted = message;
    // Longest first, so that a secret containing another is masked whole.
    List<String> secrets = new ArrayList<>(analyze(sql).secrets());
    secrets.sort(Comparator.comparingInt(String::length).reversed());
    for (String secret : secrets) {
      redacted = redacted.replace(secret, MASK);
    }
    return redacted;
  }

  /**
   * The error unchanged when its message quotes no secret of {@code sql}; otherwise an error of the
   * same kind and position with the secrets masked, whose stack trace is the original's but whose
   * causes (whose messages may quote the secret too) are left behind.
   */
  public TidewaterException redact(TidewaterException error, String sql) {
    String message = error.getMessage();
    String suffix = error.position().map(position -> " (at " + position + ")").orElse("");
    String base =
        message != null && message.endsWith(suffix)
            ? message.substring(0, message.length() - suffix.length())
            : message;
    String redacted = redactMessage(base, sql);
    if (redacted == null || redacted.equals(base)) {
      return error;
    }
    TidewaterException replacement =
        new TidewaterException(error.kind(), error.position().orElse(null), redacted, null);
    replacement.setStackTrace(error.getStackTrace());
    return replacement;
  }

  private record Redaction(String text, Set<String> secrets) {}

  private Redaction analyze(String sql) {
    SqlNode node;
    try {
      node = TidewaterSqlParser.parseStatement(sql);
    } catch (SqlParseException | RuntimeException e) {
      return maskPairs(sql);
    }
    if (node instanceof SqlCreateSource create) {
      return redactSource(create, sql);
    }
    return hasSecretOption(node) ? maskPairs(sql) : new Redaction(sql, Set.of());
  }

  private Redaction redactSource(SqlCreateSource create, String sql) {
    Set<String> names =
        secretOptionNames.getOrDefault(create.type.getSimple().toUpperCase(Locale.ROOT), Set.of());
    Set<String> secrets = new LinkedHashSet<>();
    List<SqlNode> options = new ArrayList<>();
    for (SqlNode node : create.options) {
      SqlOption option = (SqlOption) node;
      if (Secrets.isSecret(option.keyName(), names)) {
        secrets.add(option.valueText());
        options.add(
            new SqlOption(
                option.getParserPosition(),
                option.key,
                SqlLiteral.createCharString(MASK, option.value.getParserPosition())));
      } else {
        options.add(option);
      }
    }
    if (secrets.isEmpty()) {
      return new Redaction(sql, Set.of());
    }
    SqlCreateSource masked =
        new SqlCreateSource(
            create.getParserPosition(),
            create.replace,
            create.ifNotExists,
            create.name,
            create.type,
            new SqlNodeList(options, create.options.getParserPosition()));
    return new Redaction(TidewaterSqlParser.toSql(masked), nonEmpty(secrets));
  }

  /** Whether any option list in the statement (LOAD ... WITH, ...) has a secret-looking key. */
  private boolean hasSecretOption(SqlNode node) {
    if (node instanceof SqlOption option) {
      return looksSecret(option.keyName());
    }
    if (node instanceof SqlNodeList list) {
      return list.stream().anyMatch(each -> each != null && hasSecretOption(each));
    }
    if (node instanceof SqlCall call) {
      return call.getOperandList().stream().anyMatch(each -> each != null && hasSecretOption(each));
    }
    return false;
  }

  private Redaction maskPairs(String sql) {
    Matcher matcher = PAIR.matcher(sql);
    StringBuilder text = new StringBuilder();
    Set<String> secrets = new LinkedHashSet<>();
    int copied = 0;
    int from = 0;
    while (from < sql.length() && matcher.find(from)) {
      String valueGroup = matcher.group("value") != null ? "value" : "quoted";
      if (looksSecret(unquote(matcher.group("key")))) {
        secrets.add(unquote(matcher.group(valueGroup)));
        text.append(sql, copied, matcher.start(valueGroup)).append('\'').append(MASK).append('\'');
        copied = matcher.end();
        from = matcher.end();
      } else {
        // Not a secret pair, but what looked like its value may be the next pair's key.
        from = matcher.start(valueGroup);
      }
    }
    text.append(sql, copied, sql.length());
    return new Redaction(text.toString(), nonEmpty(secrets));
  }

  private boolean looksSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return Secrets.isSecret(lower, allSecretOptionNames)
        || SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  private static String unquote(String text) {
    if (text.length() >= 2
        && (text.charAt(0) == '\'' || text.charAt(0) == '"')
        && text.charAt(text.length() - 1) == text.charAt(0)) {
      String quote = String.valueOf(text.charAt(0));
      return text.substring(1, text.length() - 1).replace(quote + quote, quote);
    }
    return text;
  }

  private static Set<String> nonEmpty(Set<String> secrets) {
    Set<String> kept = new LinkedHashSet<>(secrets);
    kept.removeIf(String::isEmpty);
    return kept;
  }

  private static Set<String> lowerCase(Set<String> names) {
    Set<String> lower = new HashSet<>();
    names.forEach(name -> lower.add(name.toLowerCase(Locale.ROOT)));
    return lower;
  }
}
