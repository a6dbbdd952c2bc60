package dev.tidewater.planner.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.ColumnDictionary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/**
 * {@link DictionaryGroups} against a map keyed by the strings the ids stand for: a row group's
 * dictionary shared by several batches, a dictionary with repeated entries (PLAIN pages' values
 * after a chunk's own entries), nulls, and batches of plain strings into the same table, which must
 * find the same groups.
 */
class DictionaryGroupsTest {
  private static final String[] WORDS = {
    "", "a", "shipped", "pending!", "delivered", "cancelled-by-customer", "returned", "ßü€", "a\0"
  };

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void idsOfDictionariesAndPlainStringsMeetInTheSameGroups() {
    List<byte[]> chunkEntries = new ArrayList<>();
    for (String word : WORDS) {
      chunkEntries.add(utf8(word));
    }
    ColumnDictionary chunk = ColumnDictionary.of(chunkEntries, true);
    // a batch whose chunk fell back to PLAIN: the chunk's entries, then one per value, repeated
    List<byte[]> mixedEntries = new ArrayList<>(chunkEntries);
    for (int i = 0; i < 40; i++) {
      mixedEntries.add(utf8(i % 2 == 0 ? WORDS[i % WORDS.length] : "plain-" + (i % 7)));
    }
    ColumnDictionary mixed = ColumnDictionary.of(mixedEntries, false);

    try (BufferAllocator allocator = new RootAllocator();
        IntVector ids = new IntVector("status", allocator);
        VarCharVector text = new VarCharVector("status", allocator)) {
      GroupTable table = new GroupTable(new int[] {0}, 100_000);
      DictionaryGroups groups = new DictionaryGroups(table);
      Map<String, Integer> expected = new HashMap<>();
      SplittableRandom random = new SplittableRandom(17);
      List<ColumnDictionary> batches = List.of(chunk, chunk, mixed, chunk, mixed);
      for (int batch = 0; batch < 7; batch++) {
        int rows = 500 + batch * 131;
        int[] selected = new int[rows];
        int count = 0;
        for (int row = batch % 2; row < rows; row += 2) {
          selected[count++] = row;
        }
        int[] assigned = new int[count];
        List<String> values = new ArrayList<>();
        if (batch < batches.size()) {
          ColumnDictionary dictionary = batches.get(batch);
          ids.clear();
          ids.allocateNew(rows);
          for (int row = 0; row < rows; row++) {
            if (random.nextInt(9) == 0) {
              ids.setNull(row);
              values.add(null);
            } else {
              int entry = random.nextInt(dictionary.size());
              ids.set(row, entry);
              values.add(new String(dictionary.entry(entry), StandardCharsets.UTF_8));
            }
          }
          ids.setValueCount(rows);
          groups.assign(ids, dictionary, selected, count, assigned);
        } else {
          text.clear();
          text.allocateNew();
          for (int row = 0; row < rows; row++) {
            String value =
                random.nextInt(9) == 0
                    ? null
                    : random.nextBoolean() ? WORDS[random.nextInt(WORDS.length)] : "plain-3";
            if (value == null) {
              text.setNull(row);
            } else {
              text.setSafe(row, utf8(value));
            }
            values.add(value);
          }
          text.setValueCount(rows);
          table.assign(new FieldVector[] {text}, selected, count, assigned);
        }
        for (int i = 0; i < count; i++) {
          String key = values.get(selected[i]);
          Integer group = expected.putIfAbsent(key == null ? "<null>" : key, assigned[i]);
          assertThat(group == null ? assigned[i] : group)
              .as("row %d, %s", i, key)
              .isEqualTo(assigned[i]);
          assertThat(table.key(assigned[i])).containsExactly(key);
        }
      }
      assertThat(table.size()).isEqualTo(expected.size());
      assertThat(expected.values()).doesNotHaveDuplicates();
      assertThat(expected).containsKey("<null>").containsKey("plain-3");

      ids.clear();
      ids.allocateNew(1);
      ids.set(0, WORDS.length);
      ids.setValueCount(1);
      assertThatThrownBy(() -> groups.assign(ids, chunk, new int[] {0}, 1, new int[1]))
          .hasMessageContaining("past the dictionary");
    }
  }
}
