package dev.tidewater.server.fuzz;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one fuzzed statement ended: success, a user error (what bad input must get), or a bug — an
 * {@code INTERNAL} or unknown status, Java internals in the message, a parse error without its
 * position, a hang, a dead server.
 */
record Verdict(String statement, Kind kind, String detail) {
  /** The outcomes. */
  enum Kind {
    SUCCESS,
    USER_ERROR,
    BUG
  }

  /** Flight status codes a statement may answer with: what the client did or named is wrong. */
  private static final Set<String> USER_STATUSES =
      Set.of("INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "UNIMPLEMENTED", "UNAVAILABLE");

  /** Text that only a bug puts into an error message. */
  private static final List<Pattern> BUG_TEXT =
      List.of(
          Pattern.compile("NullPointerException|ClassCastException|IndexOutOfBounds"),
          Pattern.compile("IllegalStateException|IllegalArgumentException|UnsupportedOperation"),
          Pattern.compile("NumberFormatException|ArithmeticException|StackOverflowError"),
          Pattern.compile("OutOfMemoryError|AssertionError|NoSuchElementException"),
          Pattern.compile("\\bat [a-z]+(\\.[a-zA-Z0-9_$]+)+\\([A-Za-z0-9_]+\\.java:\\d+\\)"),
          Pattern.compile("java\\.lang\\.|org\\.apache\\.calcite\\.|internal error"));

  private static final Pattern PARSE_ERROR =
      Pattern.compile("Encountered|Lexical error|Incorrect syntax|parse", Pattern.CASE_INSENSITIVE);

  private static final Pattern POSITION = Pattern.compile("line \\d+, column \\d+");

  Verdict {
    requireNonNull(statement, "statement is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(detail, "detail is null");
  }

  static Verdict success(String statement) {
    return new Verdict(statement, Kind.SUCCESS, "");
  }

  static Verdict bug(String statement, String detail) {
    return new Verdict(statement, Kind.BUG, detail);
  }

  /** Judges the error a statement ended with. */
  static Verdict of(String statement, Throwable error) {
    if (!(error instanceof SQLException)) {
      return bug(statement, "not an SQLException: " + error);
    }
    String[] status = flightStatus(error);
    if (status == null) {
      return bug(statement, "no Flight status: " + error);
    }
    String message = status[1];
    String described = status[0] + ": " + message;
    if (!USER_STATUSES.contains(status[0]) || message.isBlank()) {
      return bug(statement, described);
    }
    for (Pattern bugText : BUG_TEXT) {
      if (bugText.matcher(message).find()) {
        return bug(statement, "internals in the message: " + described);
      }
    }
    if (PARSE_ERROR.matcher(message).find() && !POSITION.matcher(message).find()) {
      return bug(statement, "a parse error without line and column: " + described);
    }
    return new Verdict(statement, Kind.USER_ERROR, described);
  }

  /**
   * The Flight status code in the error's causes. The JDBC driver shades Arrow Flight, so the
   * exception is found by its simple name and read reflectively. Answers the code and the
   * description (the SQLException's message also quotes the statement).
   */
  private static String[] flightStatus(Throwable error) {
    Throwable cause = error;
    for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
      if (cause.getClass().getSimpleName().equals("FlightRuntimeException")) {
        try {
          Object callStatus = cause.getClass().getMethod("status").invoke(cause);
          Object code = callStatus.getClass().getMethod("code").invoke(callStatus);
          Object description = callStatus.getClass().getMethod("description").invoke(callStatus);
          return new String[] {String.valueOf(code), String.valueOf(description)};
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("the driver's FlightRuntimeException changed", e);
        }
      }
    }
    return null;
  }
}
