package dev.tidewater.flight;

import java.util.regex.Pattern;

/**
 * A JDBC search pattern: SQL LIKE with {@code %} for any run of characters, {@code _} for one
 * character and {@code \} (the search string escape the endpoint announces) for a literal one.
 */
final class LikePattern {
  static final char ESCAPE = '\\';
  private static final LikePattern ANY = new LikePattern(null, null);

  private final Pattern regex;
  private final String literal;

  private LikePattern(Pattern regex, String literal) {
    this.regex = regex;
    this.literal = literal;
  }

  /** A null pattern matches everything, as JDBC says. */
  static LikePattern compile(String pattern) {
    if (pattern == null) {
      return ANY;
    }
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    boolean wildcards = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == ESCAPE && i + 1 < pattern.length()) {
        char next = pattern.charAt(++i);
        regex.append(Pattern.quote(String.valueOf(next)));
        literal.append(next);
      } else if (c == '%') {
        regex.append(".*");
        wildcards = true;
      } else if (c == '_') {
        regex.append(".");
        wildcards = true;
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
        literal.append(c);
      }
    }
    return new LikePattern(
        Pattern.compile(regex.toString(), Pattern.DOTALL), wildcards ? null : literal.toString());
  }

  boolean matches(String value) {
    return regex == null || (value != null && regex.matcher(value).matches());
  }

  /** The one name this pattern matches when it has no wildcards, else null. */
  String exactName() {
    return literal;
  }
}
