package dev.tidewater.spi;

import static java.util.Objects.requireNonNull;

/**
 * A statement that stopped before it finished because it was cancelled or ran out of time; it
 * committed nothing. A user error: the statement may be run again.
 */
public final class StatementCancelledException extends TidewaterException {
  /** Why the statement stopped. */
  public enum Reason {
    /** The client cancelled it or went away. */
    CANCELLED,
    /** It ran longer than its statement timeout. */
    TIMED_OUT
  }

  private final Reason reason;

  public StatementCancelledException(Reason reason, String message) {
    super(ErrorKind.USER, message);
    this.reason = requireNonNull(reason, "reason is null");
  }

  public Reason reason() {
    return reason;
  }
}
