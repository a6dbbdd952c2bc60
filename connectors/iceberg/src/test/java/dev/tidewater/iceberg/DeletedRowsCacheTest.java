package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.iceberg.deletes.Deletes;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

class DeletedRowsCacheTest {
  private static final UUID TABLE = UUID.fromString("4b8d6c0e-8f0b-4f5e-9b34-0f3c1e2a7d11");

  private static DeletedRows positions(long from, long to) {
    return new DeletedRows(
        Deletes.toPositionIndex(
            CloseableIterable.withNoopClose(LongStream.range(from, to).boxed().toList())));
  }

  private static DeletedRowsCache.Key key(UUID table, String dataFile, String deleteFile) {
    return new DeletedRowsCache.Key(
        table, dataFile, List.of(new DeletedRowsCache.DeleteKey(deleteFile, -1, 100, 10)));
  }

  @Test
  void aSecondLookupAnswersWhatTheFirstLoaded() {
    DeletedRowsCache cache = new DeletedRowsCache(1 << 20);
    AtomicInteger loads = new AtomicInteger();
    DeletedRowsCache.Key key = key(TABLE, "data-1.parquet", "deletes-1.parquet");
    DeletedRows first =
        cache.get(
            key,
            () -> {
              loads.incrementAndGet();
              return positions(0, 10);
            });
    DeletedRows second =
        cache.get(
            key,
            () -> {
              loads.incrementAndGet();
              return positions(0, 10);
            });

    assertThat(second).isSameAs(first);
    assertThat(loads).hasValue(1);
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);
    assertThat(second.isDeleted(9)).isTrue();
    assertThat(second.isDeleted(10)).isFalse();
  }

  @Test
  void theSamePathsOfAnotherTableAreAnotherEntry() {
    DeletedRowsCache cache = new DeletedRowsCache(1 << 20);
    UUID other = UUID.fromString("0d5e2f1a-3c4b-4a6d-8e9f-112233445566");
    cache.get(key(TABLE, "data-1.parquet", "deletes-1.parquet"), () -> positions(0, 10));
    DeletedRows answer =
        cache.get(key(other, "data-1.parquet", "deletes-1.parquet"), () -> positions(5, 6));

    assertThat(answer.count()).isEqualTo(1);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.hits()).isZero();
    // a delete file of another size at the same path (not Iceberg's way, but no entry may answer
    // it)
    DeletedRowsCache.Key resized =
        new DeletedRowsCache.Key(
            TABLE,
            "data-1.parquet",
            List.of(new DeletedRowsCache.DeleteKey("deletes-1.parquet", -1, 101, 10)));
    assertThat(cache.get(resized, () -> positions(7, 9)).count()).isEqualTo(2);
  }

  @Test
  void theLeastRecentlyUsedEntriesLeaveWhenTheBytesPassTheBound() {
    // room for two entries of 100 positions (256 + 800 bytes each), not three
    DeletedRowsCache cache = new DeletedRowsCache(2 * (256 + 800) + 100);
    DeletedRowsCache.Key a = key(TABLE, "a.parquet", "a-deletes.parquet");
    DeletedRowsCache.Key b = key(TABLE, "b.parquet", "b-deletes.parquet");
    DeletedRowsCache.Key c = key(TABLE, "c.parquet", "c-deletes.parquet");
    cache.get(a, () -> positions(0, 100));
    cache.get(b, () -> positions(0, 100));
    cache.get(a, () -> positions(0, 100)); // a is now the most recently used
    cache.get(c, () -> positions(0, 100));

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.bytes()).isEqualTo(2 * (256 + 800));
    long misses = cache.misses();
    cache.get(a, () -> positions(0, 100));
    cache.get(c, () -> positions(0, 100));
    assertThat(cache.misses()).isEqualTo(misses);
    cache.get(b, () -> positions(0, 100));
    assertThat(cache.misses()).isEqualTo(misses + 1);
  }

  @Test
  void anEntryLargerThanTheWholeCacheIsAnsweredButNotKept() {
    DeletedRowsCache cache = new DeletedRowsCache(1_000);
    DeletedRows answer =
        cache.get(key(TABLE, "big.parquet", "big-deletes.parquet"), () -> positions(0, 1_000));

    assertThat(answer.count()).isEqualTo(1_000);
    assertThat(cache.size()).isZero();
    assertThat(cache.bytes()).isZero();
    // no key (a table without a UUID): always loaded
    AtomicInteger loads = new AtomicInteger();
    cache.get(null, () -> positions(loads.incrementAndGet(), 3));
    cache.get(null, () -> positions(loads.incrementAndGet(), 3));
    assertThat(loads).hasValue(2);
  }
}
