package dev.tidewater.planner.load;

import dev.tidewater.parser.ast.SqlLoad.SortDirection;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * DEDUP BY: picks, for each merge key, the one row of the load that wins — the largest value of the
 * dedup column with DESC, the smallest with ASC, NULL losing to any value, and the later row
 * winning a tie. A first pass over the source observes every row; a second pass keeps the winners.
 * Rows are named by (split, ordinal of the row among the split's rows in the cursor window), which
 * both passes see alike. The winners are held in memory: up to {@link #MAX_KEYS} distinct keys.
 */
final class Deduplicator {
  static final int MAX_KEYS = 20_000_000;

  private final List<String> keys;
  private final String column;
  private final SortDirection direction;
  private final Map<List<Object>, Winner> winners = new HashMap<>();

  private record Winner(Comparable<Object> value, int split, long ordinal) {}

  Deduplicator(List<String> keys, String column, SortDirection direction) {
    this.keys = List.copyOf(keys);
    this.column = column;
    this.direction = direction;
  }

  /** First pass: observes a batch whose first row has {@code firstOrdinal} in its split. */
  @SuppressWarnings("unchecked")
  synchronized void observe(VectorSchemaRoot batch, int split, long firstOrdinal) {
    FieldVector values = batch.getVector(column);
    List<FieldVector> keyVectors = keyVectors(batch);
    for (int row = 0; row < batch.getRowCount(); row++) {
      Comparable<Object> value = (Comparable<Object>) normalize(values.getObject(row));
      Winner candidate = new Winner(value, split, firstOrdinal + row);
      winners.merge(key(keyVectors, row), candidate, this::better);
      if (winners.size() > MAX_KEYS) {
        throw TidewaterException.user(
            "DEDUP BY keeps one row per key in memory, at most %d keys; this load has more",
            MAX_KEYS);
      }
    }
  }

  /** Second pass: the winning rows of a batch. */
  VectorSchemaRoot keepWinners(
      VectorSchemaRoot batch, int split, long firstOrdinal, BufferAllocator allocator) {
    List<FieldVector> keyVectors = keyVectors(batch);
    int[] kept = new int[batch.getRowCount()];
    int count = 0;
    synchronized (this) {
      for (int row = 0; row < batch.getRowCount(); row++) {
        Winner winner = winners.get(key(keyVectors, row));
        if (winner != null && winner.split() == split && winner.ordinal() == firstOrdinal + row) {
          kept[count++] = row;
        }
      }
    }
    return Batches.select(batch, kept, count, allocator);
  }

  private Winner better(Winner current, Winner candidate) {
    if (candidate.value() == null) {
      return current.value() == null ? candidate : current;
    }
    if (current.value() == null) {
      return candidate;
    }
    int compared = candidate.value().compareTo(current.value());
    if (direction == SortDirection.ASC) {
      compared = -compared;
    }
    return compared >= 0 ? candidate : current;
  }

  private List<FieldVector> keyVectors(VectorSchemaRoot batch) {
    List<FieldVector> vectors = new ArrayList<>(keys.size());
    for (String key : keys) {
      vectors.add(batch.getVector(key));
    }
    return vectors;
  }

  private static List<Object> key(List<FieldVector> vectors, int row) {
    List<Object> key = new ArrayList<>(vectors.size());
    for (FieldVector vector : vectors) {
      key.add(normalize(vector.getObject(row)));
    }
    return key;
  }

  /** Arrow's Text is mutable and compares by identity in maps: use Strings. */
  private static Object normalize(Object value) {
    return value instanceof org.apache.arrow.vector.util.Text text ? text.toString() : value;
  }
}
