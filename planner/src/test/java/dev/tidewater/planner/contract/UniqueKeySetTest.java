package dev.tidewater.planner.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UniqueKeySetTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void close() {
    allocator.close();
  }

  @Test
  void exactKeysAgreeWithAHashSet() {
    UniqueKeySet set =
        new UniqueKeySet(
            "u", Long.MAX_VALUE, UniqueKeySet.isExact(List.of(new ArrowType.Int(64, true))));
    Set<Long> expected = new HashSet<>();
    Random random = new Random(42);
    List<Long> values =
        new ArrayList<>(List.of(0L, -1L, 1L, 63L, 64L, -64L, -65L, Long.MIN_VALUE, Long.MAX_VALUE));
    for (int i = 0; i < 20_000; i++) {
      // dense runs, small negatives and anything at all
      values.add(
          switch (i % 3) {
            case 0 -> (long) i;
            case 1 -> -(long) random.nextInt(5_000);
            default -> random.nextLong();
          });
    }
    values.addAll(values.subList(0, 5_000)); // repeats, across batches
    int batchSize = 4096;
    for (int start = 0; start < values.size(); start += batchSize) {
      List<Long> batch = values.subList(start, Math.min(values.size(), start + batchSize));
      try (BigIntVector vector = new BigIntVector("id", allocator)) {
        vector.allocateNew(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          vector.set(i, batch.get(i));
        }
        vector.setValueCount(batch.size());
        List<Integer> duplicates = new ArrayList<>();
        set.addAll(
            set.keys(
                List.<FieldVector>of(vector), batch.size(), new long[(batch.size() + 63) / 64]),
            duplicates::add);
        List<Integer> expectedDuplicates = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          if (!expected.add(batch.get(i))) {
            expectedDuplicates.add(i);
          }
        }
        assertThat(duplicates).containsExactlyElementsOf(expectedDuplicates);
      }
    }
    assertThat(set.size()).isEqualTo(expected.size());
  }

  @Test
  void hashedKeysSeparateTheirColumns() {
    UniqueKeySet set = new UniqueKeySet("u", Long.MAX_VALUE, false);
    try (VarCharVector a = new VarCharVector("a", allocator);
        VarCharVector b = new VarCharVector("b", allocator)) {
      String[][] rows = {{"ab", "c"}, {"a", "bc"}, {"", "abc"}, {"abc", ""}, {"ab", "c"}, {"", ""}};
      a.allocateNew();
      b.allocateNew();
      for (int i = 0; i < rows.length; i++) {
        a.setSafe(i, rows[i][0].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        b.setSafe(i, rows[i][1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      a.setValueCount(rows.length);
      b.setValueCount(rows.length);
      List<Integer> duplicates = new ArrayList<>();
      set.addAll(set.keys(List.<FieldVector>of(a, b), rows.length, new long[1]), duplicates::add);
      assertThat(duplicates).containsExactly(4);
      assertThat(set.size()).isEqualTo(5);
    }
  }
}
