package dev.tidewater.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ExpiringCacheTest {
  private final AtomicLong now = new AtomicLong();
  private final List<String> closed = new ArrayList<>();
  private final ExpiringCache<String, String> cache =
      new ExpiringCache<>("test", 2, Duration.ofSeconds(10), closed::add, now::get);

  @Test
  void evictsTheLeastRecentlyUsedEntryWhenFull() {
    cache.put("a", "A");
    cache.put("b", "B");
    assertThat(cache.get("a")).isEqualTo("A");
    cache.put("c", "C");
    assertThat(closed).containsExactly("B");
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("a")).isEqualTo("A");
  }

  @Test
  void expiresIdleEntriesButNotUsedOnes() {
    cache.put("a", "A");
    cache.put("b", "B");
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(cache.get("b")).isEqualTo("B");
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(cache.get("b")).isEqualTo("B");
    assertThat(closed).containsExactly("A");
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void removeHandsOverWithoutClosingAndInvalidateCloses() {
    cache.put("a", "A");
    cache.put("b", "B");
    assertThat(cache.remove("a")).isEqualTo("A");
    cache.invalidate("b");
    assertThat(closed).containsExactly("B");
    assertThat(cache.size()).isZero();
  }

  @Test
  void replacingAndClosingCloseTheOldValues() {
    cache.put("a", "A1");
    cache.put("a", "A2");
    cache.put("b", "B");
    cache.close();
    assertThat(closed).containsExactlyInAnyOrder("A1", "A2", "B");
  }
}
