package dev.tidewater.planner.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.parser.ast.SqlLoad.SortDirection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupSpillTest {
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null),
              new Field("version", FieldType.nullable(new ArrowType.Int(64, true)), null),
              new Field("note", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

  @TempDir Path temp;

  @Test
  void keepsOneWinnerPerKeyAcrossPartitionsAndBatches() throws Exception {
    winnersAreRight(10 * DedupSpill.PARTITION_BYTES, DedupSpill.MAX_PARTITION_ROWS, 11);
  }

  @Test
  void splitsAPartitionTooLargeForOneMap() throws Exception {
    // One partition (a small source), but more rows than a map may take: split 16 ways, twice.
    winnersAreRight(1000, 200, 1);
  }

  private void winnersAreRight(long estimatedBytes, long maxPartitionRows, int partitions)
      throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      Map<Long, long[]> expected = new TreeMap<>();
      List<VectorSchemaRoot> emitted = new ArrayList<>();
      // A source "of 10 partitions" spreads the keys over several spill files.
      try (DedupSpill spill =
          new DedupSpill(
              temp,
              "load-1",
              SCHEMA,
              List.of("id"),
              "version",
              SortDirection.DESC,
              estimatedBytes,
              allocator,
              maxPartitionRows)) {
        assertThat(spill.partitionCount()).isEqualTo(partitions);
        long sequence = 0;
        for (int batch = 0; batch < 5; batch++) {
          try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
            root.allocateNew();
            for (int row = 0; row < 1000; row++) {
              long id = (batch * 1000L + row) % 700;
              long version = (row * 7919L + batch) % 13;
              ((BigIntVector) root.getVector("id")).setSafe(row, id);
              if (row % 97 == 0) {
                ((BigIntVector) root.getVector("version")).setNull(row);
              } else {
                ((BigIntVector) root.getVector("version")).setSafe(row, version);
              }
              String note = "n" + sequence++;
              ((VarCharVector) root.getVector("note")).setSafe(row, note.getBytes());
              Long value = row % 97 == 0 ? null : version;
              long[] current = expected.get(id);
              // DESC: larger wins, NULL loses, a tie goes to the later row.
              if (current == null
                  || (value != null && (current[0] == Long.MIN_VALUE || value >= current[0]))
                  || (value == null && current[0] == Long.MIN_VALUE)) {
                expected.put(id, new long[] {value == null ? Long.MIN_VALUE : value, sequence - 1});
              }
            }
            root.setRowCount(1000);
            spill.add(Batches.transfer(root, allocator));
          }
        }
        spill.drain(emitted::add);
      }
      Map<Long, String> winners = new TreeMap<>();
      for (VectorSchemaRoot root : emitted) {
        try (root) {
          for (int row = 0; row < root.getRowCount(); row++) {
            long id = ((BigIntVector) root.getVector("id")).get(row);
            assertThat(winners.put(id, root.getVector("note").getObject(row).toString())).isNull();
          }
        }
      }
      assertThat(winners).hasSize(700);
      expected.forEach((id, winner) -> assertThat(winners.get(id)).isEqualTo("n" + winner[1]));
      try (Stream<Path> left = Files.list(temp)) {
        assertThat(left).isEmpty();
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }
}
