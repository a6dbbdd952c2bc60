package dev.tidewater.server.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * A forgiving lexer for the fuzzer: cuts SQL text into tokens that keep their text exactly, so that
 * joining them gives the input back. It never fails: an unterminated quote is one token to the end.
 */
final class SqlTokens {
  /** What a token is, as far as mutations care. */
  enum Kind {
    SPACE,
    COMMENT,
    WORD,
    QUOTED_NAME,
    STRING,
    NUMBER,
    SYMBOL
  }

  /** One token: its kind and its exact text. */
  record Token(Kind kind, String text) {
    boolean significant() {
      return kind != Kind.SPACE && kind != Kind.COMMENT;
    }
  }

  private SqlTokens() {}

  static List<Token> tokens(String sql) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int length = sql.length();
    while (i < length) {
      char c = sql.charAt(i);
      int end;
      Kind kind;
      if (Character.isWhitespace(c)) {
        end = i + 1;
        while (end < length && Character.isWhitespace(sql.charAt(end))) {
          end++;
        }
        kind = Kind.SPACE;
      } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
        end = sql.indexOf('\n', i);
        end = end < 0 ? length : end;
        kind = Kind.COMMENT;
      } else if (c == '\'' || c == '"') {
        end = quoted(sql, i, c);
        kind = c == '\'' ? Kind.STRING : Kind.QUOTED_NAME;
      } else if (Character.isDigit(c)) {
        end = number(sql, i);
        kind = Kind.NUMBER;
      } else if (Character.isLetter(c) || c == '_') {
        end = i + 1;
        while (end < length
            && (Character.isLetterOrDigit(sql.charAt(end))
                || sql.charAt(end) == '_'
                || sql.charAt(end) == '$')) {
          end++;
        }
        kind = Kind.WORD;
      } else {
        end = i + 1;
        if (end < length && isTwoCharSymbol(c, sql.charAt(end))) {
          end++;
        }
        kind = Kind.SYMBOL;
      }
      tokens.add(new Token(kind, sql.substring(i, end)));
      i = end;
    }
    return tokens;
  }

  /** The text of the significant tokens, comments dropped and spaces kept. */
  static String join(List<Token> tokens) {
    StringBuilder text = new StringBuilder();
    for (Token token : tokens) {
      if (token.kind() != Kind.COMMENT) {
        text.append(token.text());
      }
    }
    return text.toString();
  }

  private static int quoted(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  private static int number(String sql, int start) {
    int i = start;
    while (i < sql.length() && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
      i++;
    }
    if (i < sql.length() && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
      int exponent = i + 1;
      if (exponent < sql.length() && (sql.charAt(exponent) == '+' || sql.charAt(exponent) == '-')) {
        exponent++;
      }
      if (exponent < sql.length() && Character.isDigit(sql.charAt(exponent))) {
        i = exponent;
        while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }

  private static boolean isTwoCharSymbol(char first, char second) {
    String pair = "" + first + second;
    return List.of("<=", ">=", "<>", "!=", "||", "::", "${").contains(pair);
  }
}
