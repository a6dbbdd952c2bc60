package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how long to wait before a request is tried again: on 429, 502, 503, 504 and failures to
 * connect or to get an answer in time, at most {@code maxRetries} times, waiting what {@code
 * Retry-After} asks or else an exponential backoff with jitter.
 *
 * @param initialDelay the backoff before the first retry; it doubles with each retry
 * @param maxDelay the longest wait, also for a {@code Retry-After}
 * @param requestTimeout how long one request may take until its answer's headers arrive
 */
record RetryPolicy(
    int maxRetries, Duration initialDelay, Duration maxDelay, Duration requestTimeout) {
  static final Set<Integer> RETRIED_STATUS = Set.of(429, 502, 503, 504);

  RetryPolicy {
    requireNonNull(initialDelay, "initialDelay is null");
    requireNonNull(maxDelay, "maxDelay is null");
    requireNonNull(requestTimeout, "requestTimeout is null");
  }

  static boolean retried(int status) {
    return RETRIED_STATUS.contains(status);
  }

  /**
   * The wait before retry number {@code retry} (1-based): {@code retryAfter} when the server said
   * one, else "equal jitter" (half the exponential delay plus a random part of the other half), so
   * that many clients do not retry in step; never more than {@code maxDelay}.
   */
  Duration delay(int retry, Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
    }
    long initial = initialDelay.toMillis();
    long exponential = initial << Math.min(retry - 1, 20);
    long capped = Math.min(exponential < 0 ? Long.MAX_VALUE : exponential, maxDelay.toMillis());
    long half = capped / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
  }
}
