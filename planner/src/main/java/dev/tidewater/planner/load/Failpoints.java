package dev.tidewater.planner.load;

import dev.tidewater.spi.Cancellation;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Crash points for the tests that kill a process in the middle of a load. With the system property
 * {@value #PROPERTY} set to a point's name, a load that reaches the point prints {@code tidewater
 * failpoint reached: <name>} and waits there until the process is killed, so a test can SIGKILL it
 * at exactly that moment; a pause point waits until the load is cancelled (or the property is
 * cleared) instead. Unset (always, outside those tests), a point costs one property read.
 */
public final class Failpoints {
  /** The system property naming the point to stop at. */
  public static final String PROPERTY = "tidewater.failpoint";

  /** Every file is written; nothing is committed yet. */
  public static final String BEFORE_COMMIT = "load.before-commit";

  /** The Iceberg commit landed; the load history does not say so yet. */
  public static final String AFTER_COMMIT = "load.after-commit";

  /**
   * A batch went to the writers: the load waits here until it is cancelled (a pause point, for the
   * tests that cancel a running load).
   */
  public static final String BETWEEN_BATCHES = "load.between-batches";

  private Failpoints() {}

  /**
   * A pause point: with the property set to its name, the load prints that it reached it and waits
   * until {@code cancellation} is cancelled or the property no longer names the point (a test that
   * releases a held load), then goes on (to its next cancel check).
   */
  static void pause(String point, Cancellation cancellation) {
    if (!point.equals(System.getProperty(PROPERTY))) {
      return;
    }
    System.out.println("tidewater failpoint reached: " + point);
    System.out.flush();
    CountDownLatch cancelled = new CountDownLatch(1);
    try (Cancellation.Registration wake = cancellation.onCancel(cancelled::countDown)) {
      boolean held = true;
      while (held) {
        held =
            !cancelled.await(RELEASE_CHECK_MILLIS, TimeUnit.MILLISECONDS)
                && point.equals(System.getProperty(PROPERTY));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How often a held load looks whether the property still holds it. */
  private static final long RELEASE_CHECK_MILLIS = 20;

  static void reach(String point) {
    if (!point.equals(System.getProperty(PROPERTY))) {
      return;
    }
    System.out.println("tidewater failpoint reached: " + point);
    System.out.flush();
    while (true) {
      try {
        TimeUnit.SECONDS.sleep(1);
      } catch (InterruptedException e) {
        // a cancelled statement keeps waiting too: only the kill ends it
      }
    }
  }
}
