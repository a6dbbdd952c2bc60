package dev.tidewater.planner.query;

import dev.tidewater.iceberg.ColumnDictionary;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.IntVector;

/**
 * A GROUP BY of one string column whose batches hold dictionary ids ({@link ColumnDictionary}):
 * each dictionary entry is looked up in the {@link GroupTable} once, the first time a row uses it,
 * and every row then takes its entry's group by index, with no string hashed or compared per row
 * (DuckDB's aggregate hash table does the same for dictionary vectors from storage). A row group's
 * dictionary serves all its batches, so the entries' groups are kept for the last few dictionaries
 * seen (a scan's threads interleave their files' batches).
 */
final class DictionaryGroups {
  private static final int KEPT = 4;

  private final GroupTable table;
  private final ColumnDictionary[] dictionaries = new ColumnDictionary[KEPT];
  private final int[][] entryGroups = new int[KEPT][];
  private int nextKept;
  private int nullGroup = -1;

  DictionaryGroups(GroupTable table) {
    this.table = table;
  }

  /**
   * The group of each of {@code count} {@code rows} of {@code ids} (entries of {@code dictionary}),
   * written to {@code groups}.
   */
  void assign(IntVector ids, ColumnDictionary dictionary, int[] rows, int count, int[] groups) {
    if (dictionary == null) {
      throw new IllegalStateException("a batch of dictionary ids without its dictionary");
    }
    int[] byEntry = entryGroups(dictionary);
    int size = dictionary.size();
    boolean nullable = ids.getNullCount() > 0;
    ArrowBuf data = ids.getDataBuffer();
    byte[] bytes = dictionary.bytes();
    for (int i = 0; i < count; i++) {
      int row = rows[i];
      if (nullable && ids.isNull(row)) {
        if (nullGroup < 0) {
          nullGroup = table.group(null, 0, 0);
        }
        groups[i] = nullGroup;
        continue;
      }
      int entry = data.getInt((long) row * IntVector.TYPE_WIDTH);
      if (entry < 0 || entry >= size) {
        throw new IllegalStateException(
            "dictionary id " + entry + " is past the dictionary's " + size + " entries");
      }
      int group = byEntry[entry];
      if (group < 0) {
        group = table.group(bytes, dictionary.start(entry), dictionary.length(entry));
        byEntry[entry] = group;
      }
      groups[i] = group;
    }
  }

  /** The groups of the entries looked up so far (-1: not yet), kept when the dictionary is. */
  private int[] entryGroups(ColumnDictionary dictionary) {
    for (int i = 0; i < KEPT; i++) {
      if (dictionaries[i] == dictionary) {
        return entryGroups[i];
      }
    }
    int[] byEntry = new int[dictionary.size()];
    Arrays.fill(byEntry, -1);
    if (dictionary.reused()) {
      dictionaries[nextKept] = dictionary;
      entryGroups[nextKept] = byEntry;
      nextKept = (nextKept + 1) % KEPT;
    }
    return byEntry;
  }
}
