package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which columns {@link DictionaryChoice} writes without a dictionary, on vectors of known data. */
class DictionaryChoiceTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void close() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @Test
  void distinctValuesGoPlain() {
    assertThat(pays(longs(65_536, i -> (long) i))).isFalse();
    assertThat(pays(longs(65_536, i -> i * 7_919L % 2_000_003))).isFalse();
    assertThat(pays(doubles(65_536, i -> Math.sqrt(i) * 1000))).isFalse();
    assertThat(pays(strings(65_536, i -> "note-" + Long.toString(i * 104_729L, 36)))).isFalse();
  }

  @Test
  void repeatedValuesKeepTheirDictionary() {
    assertThat(pays(ints(65_536, i -> i % 49))).isTrue();
    // 3,001 prices in 65,536 rows: each repeats about 22 times, the dictionary pays
    assertThat(pays(doubles(65_536, i -> (i * 31 % 3_001) / 10_000.0))).isTrue();
    assertThat(pays(strings(65_536, i -> new String[] {"new", "paid", "void"}[i % 3]))).isTrue();
    // each value four times: the dictionary still halves the size
    assertThat(pays(longs(8_192, i -> (long) i / 4))).isTrue();
  }

  @Test
  void nullsDoNotCountAndSmallSamplesDecideNothing() {
    // 100 distinct values, the rest null: below the sample's minimum, left to Parquet
    assertThat(pays(longs(65_536, i -> i < 100 ? (long) i : null))).isTrue();
    assertThat(pays(longs(1_000, i -> (long) i))).isTrue();
    assertThat(pays(strings(10_000, i -> null))).isTrue();
    // half null, the other half distinct: plain
    assertThat(pays(longs(10_000, i -> i % 2 == 0 ? null : (long) i))).isFalse();
  }

  private boolean pays(FieldVector vector) {
    try (vector) {
      return DictionaryChoice.dictionaryPays(
          vector,
          vector.getValueCount(),
          new DictionaryChoice.DistinctCounter(vector.getValueCount()));
    }
  }

  private FieldVector longs(int rows, IntFunction<Long> value) {
    BigIntVector vector = new BigIntVector("v", allocator);
    vector.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      Long v = value.apply(i);
      if (v == null) {
        vector.setNull(i);
      } else {
        vector.set(i, v);
      }
    }
    vector.setValueCount(rows);
    return vector;
  }

  private FieldVector ints(int rows, IntFunction<Integer> value) {
    IntVector vector = new IntVector("v", allocator);
    vector.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      vector.set(i, value.apply(i));
    }
    vector.setValueCount(rows);
    return vector;
  }

  private FieldVector doubles(int rows, IntFunction<Double> value) {
    Float8Vector vector = new Float8Vector("v", allocator);
    vector.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      vector.set(i, value.apply(i));
    }
    vector.setValueCount(rows);
    return vector;
  }

  private FieldVector strings(int rows, IntFunction<String> value) {
    VarCharVector vector = new VarCharVector("v", allocator);
    vector.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      String v = value.apply(i);
      if (v == null) {
        vector.setNull(i);
      } else {
        vector.setSafe(i, v.getBytes(StandardCharsets.UTF_8));
      }
    }
    vector.setValueCount(rows);
    return vector;
  }
}
