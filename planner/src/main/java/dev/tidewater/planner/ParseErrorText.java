package dev.tidewater.planner;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The user's wording of a parser message: its first line, without Java's names for types. */
final class ParseErrorText {
  /** Calcite's message for a number too large for where it stands, e.g. {@code DECIMAL(18, n)}. */
  private static final Pattern JAVA_NUMBER =
      Pattern.compile("can not be parsed to type 'java\\.lang\\.(Integer|Long|Short|Byte)'");

  private ParseErrorText() {}

  static String of(String message) {
    int newline = message.indexOf('\n');
    String first = newline < 0 ? message : message.substring(0, newline);
    Matcher number = JAVA_NUMBER.matcher(first);
    if (number.find()) {
      String largest =
          switch (number.group(1)) {
            case "Long" -> Long.toString(Long.MAX_VALUE);
            case "Short" -> Short.toString(Short.MAX_VALUE);
            case "Byte" -> Byte.toString(Byte.MAX_VALUE);
            default -> Integer.toString(Integer.MAX_VALUE);
          };
      return number.replaceFirst("is out of range (the largest allowed is " + largest + ")");
    }
    return first;
  }
}
