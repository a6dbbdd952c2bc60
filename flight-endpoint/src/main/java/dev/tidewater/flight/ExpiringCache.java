package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small thread-safe cache bounded by size and by idle time. Entries leave in least-recently-used
 * order; an entry that is evicted, expires or is invalidated goes to the removal listener (which
 * closes it), while {@link #remove} hands the entry to the caller without calling the listener.
 */
final class ExpiringCache<K, V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExpiringCache.class);

  private final String name;
  private final int maxSize;
  private final long ttlNanos;
  private final Consumer<? super V> onRemoval;
  private final LongSupplier nanoClock;
  private final LinkedHashMap<K, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);

  ExpiringCache(String name, int maxSize, Duration ttl, Consumer<? super V> onRemoval) {
    this(name, maxSize, ttl, onRemoval, System::nanoTime);
  }

  ExpiringCache(
      String name,
      int maxSize,
      Duration ttl,
      Consumer<? super V> onRemoval,
      LongSupplier nanoClock) {
    this.name = requireNonNull(name, "name is null");
    this.maxSize = maxSize;
    this.ttlNanos = ttl.toNanos();
    this.onRemoval = requireNonNull(onRemoval, "onRemoval is null");
    this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
  }

  /** Adds an entry, evicting the least recently used ones when the cache is full. */
  void put(K key, V value) {
    requireNonNull(key, "key is null");
    requireNonNull(value, "value is null");
    List<V> removed = new ArrayList<>();
    synchronized (this) {
      long now = nanoClock.getAsLong();
      collectExpired(now, removed);
      Entry<V> previous = entries.put(key, new Entry<>(value, now));
      if (previous != null) {
        removed.add(previous.value);
      }
      Iterator<Entry<V>> eldest = entries.values().iterator();
      while (entries.size() > maxSize) {
        removed.add(eldest.next().value);
        eldest.remove();
      }
    }
    notifyRemoved(removed);
  }

  /** The entry, or null when absent or expired; a hit counts as use. */
  V get(K key) {
    List<V> removed = new ArrayList<>();
    V value;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      collectExpired(now, removed);
      Entry<V> entry = entries.get(key);
      if (entry == null) {
        value = null;
      } else {
        entry.lastUsedNanos = now;
        value = entry.value;
      }
    }
    notifyRemoved(removed);
    return value;
  }

  /** Takes an entry out without calling the removal listener: the caller now owns it. */
  V remove(K key) {
    List<V> removed = new ArrayList<>();
    Entry<V> entry;
    synchronized (this) {
      collectExpired(nanoClock.getAsLong(), removed);
      entry = entries.remove(key);
    }
    notifyRemoved(removed);
    return entry == null ? null : entry.value;
  }

  /** Removes an entry and hands it to the removal listener. */
  void invalidate(K key) {
    V value = remove(key);
    if (value != null) {
      notifyRemoved(List.of(value));
    }
  }

  /** Removes the entries that match and hands them to the removal listener. */
  void invalidateIf(Predicate<? super V> predicate) {
    List<V> removed = new ArrayList<>();
    synchronized (this) {
      Iterator<Entry<V>> iterator = entries.values().iterator();
      while (iterator.hasNext()) {
        Entry<V> entry = iterator.next();
        if (predicate.test(entry.value)) {
          removed.add(entry.value);
          iterator.remove();
        }
      }
    }
    notifyRemoved(removed);
  }

  synchronized int size() {
    return entries.size();
  }

  /** Removes every entry and hands each to the removal listener. */
  @Override
  public void close() {
    invalidateIf(value -> true);
  }

  /**
   * Access order puts the least recently used entries first, so expiry stops at the first live one.
   */
  private void collectExpired(long now, List<V> removed) {
    Iterator<Map.Entry<K, Entry<V>>> iterator = entries.entrySet().iterator();
    while (iterator.hasNext()) {
      Entry<V> entry = iterator.next().getValue();
      if (now - entry.lastUsedNanos < ttlNanos) {
        return;
      }
      removed.add(entry.value);
      iterator.remove();
    }
  }

  private void notifyRemoved(List<V> removed) {
    for (V value : removed) {
      try {
        onRemoval.accept(value);
      } catch (RuntimeException e) {
        LOG.warn("Closing an entry of the {} cache failed", name, e);
      }
    }
  }

  private static final class Entry<V> {
    private final V value;
    private long lastUsedNanos;

    private Entry(V value, long lastUsedNanos) {
      this.value = value;
      this.lastUsedNanos = lastUsedNanos;
    }
  }
}
