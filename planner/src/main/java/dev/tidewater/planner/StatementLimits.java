package dev.tidewater.planner;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/**
 * What one statement may use: {@code timeout} ({@link Duration#ZERO}: none), the {@code
 * statement-timeout} that {@code SET statement_timeout} overrides per session, and {@code
 * queryMemoryBytes} of Arrow memory ({@code query-memory-limit}; {@link Long#MAX_VALUE}: only the
 * server's {@code memory-limit}).
 */
public record StatementLimits(Duration timeout, long queryMemoryBytes) {
  /** No timeout and no memory limit of its own. */
  public static final StatementLimits NONE = new StatementLimits(Duration.ZERO, Long.MAX_VALUE);

  public StatementLimits {
    requireNonNull(timeout, "timeout is null");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    if (queryMemoryBytes <= 0) {
      throw new IllegalArgumentException("queryMemoryBytes must be positive: " + queryMemoryBytes);
    }
  }

  public StatementLimits withTimeout(Duration timeout) {
    return new StatementLimits(timeout, queryMemoryBytes);
  }

  /** Whether a timeout applies. */
  public boolean hasTimeout() {
    return !timeout.isZero();
  }

  /**
   * Parses a duration as {@code statement_timeout} takes it: a number with a unit {@code ms},
   * {@code s}, {@code min} or {@code h} ({@code '5s'}, {@code '1.5min'}), a bare number of
   * milliseconds as in PostgreSQL, or {@code 0} for none; null when the text is not one.
   */
  public static Duration parseDuration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    int split = 0;
    while (split < value.length()
        && (Character.isDigit(value.charAt(split)) || value.charAt(split) == '.')) {
      split++;
    }
    if (split == 0) {
      return null;
    }
    double amount;
    try {
      amount = Double.parseDouble(value.substring(0, split));
    } catch (NumberFormatException e) {
      return null;
    }
    long millisPerUnit =
        switch (value.substring(split)) {
          case "", "ms" -> 1;
          case "s", "sec", "second", "seconds" -> 1_000;
          case "min", "minute", "minutes" -> 60_000;
          case "h", "hour", "hours" -> 3_600_000;
          default -> -1;
        };
    if (millisPerUnit < 0) {
      return null;
    }
    return Duration.ofMillis(Math.round(amount * millisPerUnit));
  }

  /** A duration as the errors and SHOW print it: {@code 5s}, {@code 250ms}, {@code 2min}. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 60_000 == 0 && millis >= 60_000) {
      return millis / 60_000 + "min";
    }
    if (millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }
}
