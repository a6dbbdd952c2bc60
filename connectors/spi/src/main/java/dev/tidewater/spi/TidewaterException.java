package dev.tidewater.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** The one exception type of Tidewater: a kind, a message and, for SQL errors, a position. */
public class TidewaterException extends RuntimeException {
  private final ErrorKind kind;
  private final SqlPosition position;

  public TidewaterException(ErrorKind kind, String message) {
    this(kind, null, message, null);
  }

  public TidewaterException(ErrorKind kind, String message, Throwable cause) {
    this(kind, null, message, cause);
  }

  public TidewaterException(ErrorKind kind, SqlPosition position, String message, Throwable cause) {
    super(position == null ? message : message + " (at " + position + ")", cause);
    this.kind = requireNonNull(kind, "kind is null");
    this.position = position;
  }

  public static TidewaterException user(String format, Object... args) {
    return new TidewaterException(ErrorKind.USER, String.format(format, args));
  }

  public static TidewaterException external(Throwable cause, String format, Object... args) {
    return new TidewaterException(ErrorKind.EXTERNAL, String.format(format, args), cause);
  }

  public static TidewaterException internal(Throwable cause, String format, Object... args) {
    return new TidewaterException(ErrorKind.INTERNAL, String.format(format, args), cause);
  }

  /** Throws a user error unless the condition holds. */
  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw user(format, args);
    }
  }

  public ErrorKind kind() {
    return kind;
  }

  public Optional<SqlPosition> position() {
    return Optional.ofNullable(position);
  }
}
