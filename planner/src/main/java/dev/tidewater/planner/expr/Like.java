package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.EvalBatch.StringValues;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code column LIKE 'pattern' [ESCAPE 'c']} over UTF-8 bytes: {@code %} matches any sequence of
 * characters, {@code _} exactly one character other than a line terminator (as in Calcite), the
 * escape character makes the next {@code %}, {@code _} or escape character literal. Patterns that
 * are a prefix, suffix, substring or exact match take a byte search; the rest a backtracking
 * matcher.
 */
final class Like implements BoolExpr {
  private static final int ANY_CHARACTER = -1;
  private static final int ANY_SEQUENCE = -2;

  private enum Shape {
    EXACT,
    PREFIX,
    SUFFIX,
    CONTAINS,
    ANY,
    GENERAL
  }

  private final Comparison.TextColumn operand;
  private final String pattern;
  private final int[] tokens;
  private final Shape shape;
  private final byte[] literal;

  private Like(Comparison.TextColumn operand, String pattern, int[] tokens) {
    this.operand = operand;
    this.pattern = pattern;
    this.tokens = tokens;
    int wildcards = 0;
    boolean anyCharacter = false;
    for (int token : tokens) {
      wildcards += token == ANY_SEQUENCE ? 1 : 0;
      anyCharacter |= token == ANY_CHARACTER;
    }
    boolean leading = tokens.length > 0 && tokens[0] == ANY_SEQUENCE;
    boolean trailing = tokens.length > 0 && tokens[tokens.length - 1] == ANY_SEQUENCE;
    if (anyCharacter) {
      shape = Shape.GENERAL;
    } else if (wildcards == 0) {
      shape = Shape.EXACT;
    } else if (tokens.length == 1) {
      shape = Shape.ANY;
    } else if (wildcards == 1 && trailing) {
      shape = Shape.PREFIX;
    } else if (wildcards == 1 && leading) {
      shape = Shape.SUFFIX;
    } else if (wildcards == 2 && leading && trailing) {
      shape = Shape.CONTAINS;
    } else {
      shape = Shape.GENERAL;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int token : tokens) {
      if (token >= 0) {
        bytes.write(token);
      }
    }
    this.literal = bytes.toByteArray();
  }

  /**
   * Compiles a pattern; {@code escape} is null without an ESCAPE clause.
   *
   * @throws IllegalArgumentException if the escape is not one character or is misused
   */
  static Like compile(Comparison.TextColumn operand, String pattern, String escape) {
    if (escape != null && escape.length() != 1) {
      throw new IllegalArgumentException(
          "The ESCAPE character must be a single character, not '" + escape + "'");
    }
    int escapeChar = escape == null ? -1 : escape.charAt(0);
    int[] tokens = new int[pattern.length() * 4];
    int count = 0;
    for (int i = 0; i < pattern.length(); ) {
      int c = pattern.codePointAt(i);
      i += Character.charCount(c);
      if (c == escapeChar) {
        if (i >= pattern.length()) {
          throw new IllegalArgumentException(
              "Invalid escape sequence in LIKE pattern '" + pattern + "': it ends with the escape");
        }
        int next = pattern.codePointAt(i);
        if (next != '%' && next != '_' && next != escapeChar) {
          throw new IllegalArgumentException(
              "Invalid escape sequence in LIKE pattern '"
                  + pattern
                  + "': the escape may only precede %, _ or itself");
        }
        i += Character.charCount(next);
        count = literal(tokens, count, next);
      } else if (c == '%') {
        if (count == 0 || tokens[count - 1] != ANY_SEQUENCE) {
          tokens[count++] = ANY_SEQUENCE;
        }
      } else if (c == '_') {
        tokens[count++] = ANY_CHARACTER;
      } else {
        count = literal(tokens, count, c);
      }
    }
    return new Like(operand, pattern, Arrays.copyOf(tokens, count));
  }

  private static int literal(int[] tokens, int count, int codePoint) {
    for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
      tokens[count++] = b & 0xFF;
    }
    return count;
  }

  @Override
  public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
    StringValues in = batch.strings(operand.column());
    byte[] data = in.data();
    int[] offsets = in.offsets();
    long[] valid = in.valid();
    int rows = batch.rows();
    if (shape == Shape.CONTAINS) {
      long[] bits = containsByRow(data, offsets, rows);
      for (int w = 0, words = batch.words(); w < words; w++) {
        trueBits[w] = bits[w] & valid[w];
        falseBits[w] = ~bits[w] & valid[w];
      }
      return;
    }
    for (int w = 0, words = batch.words(); w < words; w++) {
      int start = w << 6;
      int end = Math.min(start + 64, rows);
      long bits = 0;
      for (int i = start; i < end; i++) {
        bits |= (matches(data, offsets[i], offsets[i + 1]) ? 1L : 0L) << i;
      }
      trueBits[w] = bits & valid[w];
      falseBits[w] = ~bits & valid[w];
    }
  }

  boolean matches(byte[] s, int from, int to) {
    int n = literal.length;
    return switch (shape) {
      case ANY -> true;
      case EXACT -> to - from == n && ByteSearch.equalsAt(s, from, literal, n);
      case PREFIX -> to - from >= n && ByteSearch.equalsAt(s, from, literal, n);
      case SUFFIX -> to - from >= n && ByteSearch.equalsAt(s, to - n, literal, n);
      case CONTAINS -> contains(s, from, to);
      case GENERAL -> general(s, from, to);
    };
  }

  private boolean contains(byte[] s, int from, int to) {
    return ByteSearch.indexOf(s, from, to, literal) >= 0;
  }

  /**
   * {@code %literal%} for every row at once: searches the batch's bytes from end to end, and after
   * each match skips to the next row. A match across two rows' bytes does not count.
   */
  private long[] containsByRow(byte[] data, int[] offsets, int rows) {
    long[] bits = new long[Bits.words(rows)];
    int n = literal.length;
    int row = 0;
    int position = 0;
    int end = offsets[rows];
    while (row < rows) {
      int match = ByteSearch.indexOf(data, position, end, literal);
      if (match < 0) {
        break;
      }
      while (offsets[row + 1] <= match) {
        row++;
      }
      if (match + n <= offsets[row + 1]) {
        Bits.set(bits, row);
        position = offsets[++row];
      } else {
        position = match + 1;
      }
    }
    return bits;
  }

  /** The classic wildcard matcher: on a mismatch, retry after the last % one character later. */
  private boolean general(byte[] s, int from, int to) {
    int[] p = tokens;
    int si = from;
    int pi = 0;
    int starPattern = -1;
    int starText = -1;
    while (si < to) {
      if (pi < p.length && p[pi] >= 0 && (byte) p[pi] == s[si]) {
        si++;
        pi++;
      } else if (pi < p.length && p[pi] == ANY_CHARACTER && !lineTerminator(s, si, to)) {
        si = Math.min(to, si + characterLength(s[si]));
        pi++;
      } else if (pi < p.length && p[pi] == ANY_SEQUENCE) {
        starPattern = pi++;
        starText = si;
      } else if (starPattern >= 0) {
        pi = starPattern + 1;
        starText = Math.min(to, starText + characterLength(s[starText]));
        si = starText;
      } else {
        return false;
      }
    }
    while (pi < p.length && p[pi] == ANY_SEQUENCE) {
      pi++;
    }
    return pi == p.length;
  }

  /**
   * Whether a line terminator begins at {@code i}: Calcite turns {@code _} into the regular
   * expression {@code .}, which matches none of them, and SELECTs run there must agree with checks.
   */
  private static boolean lineTerminator(byte[] s, int i, int to) {
    byte b = s[i];
    if (b == '\n' || b == '\r') {
      return true;
    }
    if (b == (byte) 0xC2) {
      return i + 1 < to && s[i + 1] == (byte) 0x85; // U+0085
    }
    return b == (byte) 0xE2
        && i + 2 < to
        && s[i + 1] == (byte) 0x80
        && (s[i + 2] == (byte) 0xA8 || s[i + 2] == (byte) 0xA9); // U+2028, U+2029
  }

  /** The length of the UTF-8 sequence that begins with this byte. */
  private static int characterLength(byte lead) {
    if (lead >= 0) {
      return 1;
    }
    if ((lead & 0xE0) == 0xC0) {
      return 2;
    }
    if ((lead & 0xF0) == 0xE0) {
      return 3;
    }
    return (lead & 0xF8) == 0xF0 ? 4 : 1;
  }

  @Override
  public String toString() {
    return operand + " LIKE '" + pattern.replace("'", "''") + "' (" + shape + ")";
  }
}
