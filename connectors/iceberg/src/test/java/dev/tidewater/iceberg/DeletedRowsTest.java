package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.iceberg.deletes.Deletes;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

class DeletedRowsTest {
  private static final long ROWS = 200_000;

  /** Scattered positions, a dense run, both ends of the file, and positions past 2^32. */
  private static TreeSet<Long> positions() {
    TreeSet<Long> positions = new TreeSet<>();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 5_000; i++) {
      positions.add(random.nextLong(ROWS));
    }
    for (long position = 50_000; position < 60_000; position++) {
      positions.add(position);
    }
    positions.add(0L);
    positions.add(ROWS - 1);
    positions.add((1L << 32) + 7);
    return positions;
  }

  @Test
  void masksAndRangesMatchTheDeleteIndex() {
    TreeSet<Long> expected = positions();
    PositionDeleteIndex index = Deletes.toPositionIndex(CloseableIterable.withNoopClose(expected));
    DeletedRows deleted = new DeletedRows(index);

    assertThat(deleted.count()).isEqualTo(expected.size());
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 2_000; i++) {
      long first = random.nextLong(ROWS);
      int rows = 1 + random.nextInt(4_096);
      boolean[] mask = deleted.mask(first, rows);
      boolean any = false;
      for (int row = 0; row < rows; row++) {
        boolean isDeleted = index.isDeleted(first + row);
        any |= isDeleted;
        assertThat(mask != null && mask[row]).as("position %d", first + row).isEqualTo(isDeleted);
        assertThat(deleted.isDeleted(first + row)).isEqualTo(isDeleted);
      }
      assertThat(mask != null).isEqualTo(any);
    }
    assertThat(deleted.allDeleted(50_000, 10_000)).isTrue();
    assertThat(deleted.allDeleted(50_100, 500)).isTrue();
    assertThat(deleted.allDeleted(49_999, 10_001)).isEqualTo(expected.contains(49_999L));
    assertThat(deleted.allDeleted(50_000, 10_001)).isEqualTo(expected.contains(60_000L));
    assertThat(deleted.isDeleted((1L << 32) + 7)).isTrue();
    assertThat(deleted.mask((1L << 32), 16)[7]).isTrue();
    assertThat(DeletedRows.NONE.mask(0, 100)).isNull();
    assertThat(DeletedRows.NONE.allDeleted(0, 0)).isFalse();
    assertThat(DeletedRows.NONE.allDeleted(0, 1)).isFalse();
  }

  @Test
  void anIndexThatListsPositionsOutOfOrderGivesTheSameMasks() {
    TreeSet<Long> expected = positions();
    PositionDeleteIndex sorted = Deletes.toPositionIndex(CloseableIterable.withNoopClose(expected));
    // the interface does not promise an order: list the positions descending, each twice
    PositionDeleteIndex unordered =
        new PositionDeleteIndex() {
          @Override
          public void delete(long position) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void delete(long from, long to) {
            throw new UnsupportedOperationException();
          }

          @Override
          public boolean isDeleted(long position) {
            return expected.contains(position);
          }

          @Override
          public boolean isEmpty() {
            return expected.isEmpty();
          }

          @Override
          public long cardinality() {
            return expected.size() * 2L;
          }

          @Override
          public void forEach(java.util.function.LongConsumer consumer) {
            for (long position : expected.descendingSet()) {
              consumer.accept(position);
              consumer.accept(position);
            }
          }
        };
    DeletedRows fromSorted = new DeletedRows(sorted);
    DeletedRows fromUnordered = new DeletedRows(unordered);
    assertThat(fromUnordered.count()).isEqualTo(expected.size());
    for (long first = 0; first < ROWS; first += 1_000) {
      assertThat(fromUnordered.mask(first, 1_000)).isEqualTo(fromSorted.mask(first, 1_000));
    }
  }
}
