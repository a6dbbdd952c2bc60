package dev.tidewater.planner.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupTable} against a map keyed by Calcite's values, over batches of several key kinds:
 * strings from empty to longer than sixteen bytes (hashed and compared from memory), longs,
 * booleans, decimals, and microsecond timestamps that fall into the same millisecond (one group, as
 * Calcite compares milliseconds), each with nulls.
 */
class GroupTableTest {
  private static final String[] WORDS = {
    "", "a", "shipped", "pending!", "delivered", "cancelled-by-customer", "returned", "ßü€", "a\0"
  };

  @Test
  void groupsAsAMapOfCalciteValuesDoes() {
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector text = new VarCharVector("text", allocator);
        BigIntVector number = new BigIntVector("number", allocator);
        BitVector flag = new BitVector("flag", allocator);
        DecimalVector amount = new DecimalVector("amount", allocator, 18, 2);
        TimeStampMicroVector ts = new TimeStampMicroVector("ts", allocator)) {
      FieldVector[] vectors = {text, number, flag, amount, ts};
      for (int[] keys : List.of(new int[] {0}, new int[] {0, 1}, new int[] {2, 3, 4, 0})) {
        GroupTable table = new GroupTable(keys, 100_000);
        Map<List<Object>, Integer> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(keys.length);
        for (int batch = 0; batch < 5; batch++) {
          int rows = 1_000 + batch * 517;
          fill(random, rows, text, number, flag, amount, ts, batch == 2);
          // every other row selected, as a filter would
          int[] selected = new int[rows];
          int count = 0;
          for (int row = batch % 2; row < rows; row += 2) {
            selected[count++] = row;
          }
          int[] groups = new int[count];
          table.assign(vectors, selected, count, groups);
          for (int i = 0; i < count; i++) {
            List<Object> key = new ArrayList<>();
            for (int column : keys) {
              key.add(ArrowValues.getter(vectors[column]).get(selected[i]));
            }
            Integer group = expected.putIfAbsent(key, groups[i]);
            assertThat(group == null ? groups[i] : group)
                .as("row %d key %s", i, key)
                .isEqualTo(groups[i]);
            assertThat(Arrays.asList(table.key(groups[i]))).isEqualTo(key);
          }
        }
        assertThat(table.size()).isEqualTo(expected.size());
        assertThat(expected.values()).doesNotHaveDuplicates();
      }
    }
  }

  private static void fill(
      SplittableRandom random,
      int rows,
      VarCharVector text,
      BigIntVector number,
      BitVector flag,
      DecimalVector amount,
      TimeStampMicroVector ts,
      boolean withoutNulls) {
    for (FieldVector vector : List.of(text, number, flag, amount, ts)) {
      vector.clear();
      vector.allocateNew();
    }
    for (int row = 0; row < rows; row++) {
      boolean nulls = !withoutNulls && random.nextInt(10) == 0;
      if (nulls) {
        text.setNull(row);
      } else {
        text.setSafe(row, WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.UTF_8));
      }
      if (!withoutNulls && random.nextInt(10) == 0) {
        number.setNull(row);
      } else {
        number.setSafe(row, random.nextInt(7) - 3);
      }
      if (!withoutNulls && random.nextInt(10) == 0) {
        flag.setNull(row);
      } else {
        flag.setSafe(row, random.nextInt(2));
      }
      if (!withoutNulls && random.nextInt(10) == 0) {
        amount.setNull(row);
      } else {
        amount.setSafe(row, BigDecimal.valueOf(random.nextInt(5), 2));
      }
      if (!withoutNulls && random.nextInt(10) == 0) {
        ts.setNull(row);
      } else {
        // three milliseconds, each with several microsecond values
        ts.setSafe(row, 1_700_000_000_000_000L + random.nextInt(3) * 1_000L + random.nextInt(999));
      }
    }
    for (FieldVector vector : List.of(text, number, flag, amount, ts)) {
      vector.setValueCount(rows);
    }
  }
}
