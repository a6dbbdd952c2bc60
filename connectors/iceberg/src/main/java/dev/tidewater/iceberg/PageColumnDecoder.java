package dev.tidewater.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes one flat column chunk page by page into Arrow vectors, without parquet-java's
 * value-at-a-time column reader: definition levels in runs, values in bulk ({@link PageValues}),
 * nulls and deleted rows handled a run at a time, the way Iceberg's vectorized Arrow reader does.
 * {@link #supports} says which chunks it takes; {@link ColumnDecoder} reads the others.
 */
final class PageColumnDecoder {
  private static final Set<ColumnLayout> LAYOUTS =
      EnumSet.of(
          ColumnLayout.BOOLEAN,
          ColumnLayout.INT32,
          ColumnLayout.INT64,
          ColumnLayout.INT32_AS_INT64,
          ColumnLayout.FLOAT,
          ColumnLayout.DOUBLE,
          ColumnLayout.FLOAT_AS_DOUBLE,
          ColumnLayout.DECIMAL_LONG,
          ColumnLayout.TIMESTAMP_MILLIS_AS_MICROS,
          ColumnLayout.BYTES);

  /** BIT_PACKED stands for the empty levels of a maximum level 0 in V1 chunks' encoding lists. */
  private static final Set<Encoding> ENCODINGS =
      EnumSet.of(
          Encoding.PLAIN,
          Encoding.PLAIN_DICTIONARY,
          Encoding.RLE_DICTIONARY,
          Encoding.RLE,
          Encoding.BIT_PACKED);

  private final PageReader pages;
  private final ColumnLayout layout;
  private final PrimitiveTypeName physical;
  private final int maxDefinition;
  private final String where;
  private final PageDictionary dictionary;

  /** The entries of the batch being decoded as ids ({@link #decodeIds}); null: decoding values. */
  private ColumnDictionary.Builder ids;

  private ColumnDictionary chunkEntries;
  private HybridDecoder levels;
  private PageValues values;
  private int pageLeft;
  private int pageNumber;
  private int[] defined = new int[0];

  /** Decodes the pages of {@code pages}, a chunk {@link #supports} takes; {@code where}: errors. */
  PageColumnDecoder(
      PageReader pages, ColumnDescriptor descriptor, ColumnLayout layout, String where) {
    this.pages = pages;
    this.layout = layout;
    this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
    this.where = where + ", column " + String.join(".", descriptor.getPath());
    DictionaryPage page = pages.readDictionaryPage();
    this.dictionary =
        page == null ? null : PageDictionary.decode(page, layout, physical, this.where);
  }

  /** Whether this decoder reads {@code chunk}: a flat column, known layout and encodings. */
  static boolean supports(
      ColumnLayout layout, ColumnDescriptor descriptor, ColumnChunkMetaData chunk) {
    if (descriptor.getMaxRepetitionLevel() != 0
        || descriptor.getMaxDefinitionLevel() > 1
        || !LAYOUTS.contains(layout)) {
      return false;
    }
    return ENCODINGS.containsAll(chunk.getEncodings());
  }

  /**
   * Decodes the next {@code rows} rows into {@code vector} (allocated for the rows kept, validity
   * zeroed), leaving out the rows {@code skip} marks (null: none).
   */
  void decode(FieldVector vector, int rows, boolean[] skip) {
    ids = null;
    decodeRows(vector, rows, skip);
  }

  /**
   * Decodes the next {@code rows} rows of a byte-string column as dictionary ids into {@code
   * target} (allocated for the rows kept, validity zeroed), leaving out the rows {@code skip}
   * marks; answers the entries the ids index: the chunk's dictionary page itself while the rows
   * come from dictionary pages, and the values of PLAIN pages added after it.
   */
  ColumnDictionary decodeIds(IntVector target, int rows, boolean[] skip) {
    if (layout != ColumnLayout.BYTES) {
      throw new IllegalStateException(where + ": only byte strings decode as dictionary ids");
    }
    if (chunkEntries == null && dictionary != null) {
      chunkEntries = dictionary.entries();
    }
    if (ids == null) {
      ids = new ColumnDictionary.Builder();
    }
    ids.reset(chunkEntries);
    decodeRows(target, rows, skip);
    return ids.build();
  }

  private void emit(FieldVector vector, int out, int count) {
    if (ids == null) {
      values.emit(vector, out, count);
    } else {
      values.emitIds(vector.getDataBuffer(), out, count, ids);
    }
  }

  private void decodeRows(FieldVector vector, int rows, boolean[] skip) {
    BaseVariableWidthVector variable = vector instanceof BaseVariableWidthVector v ? v : null;
    if (variable != null) {
      variable.getOffsetBuffer().setInt(0, 0);
    }
    ArrowBuf validity = vector.getValidityBuffer();
    int out = 0;
    int done = 0;
    while (done < rows) {
      if (pageLeft == 0) {
        readPage();
      }
      int n = Math.min(rows - done, pageLeft);
      boolean allDefined = readLevels(n);
      if (allDefined && skip == null) {
        emit(vector, out, n);
        setValid(validity, out, n);
        out += n;
      } else {
        out = runs(vector, variable, validity, out, n, allDefined, skip, done);
      }
      done += n;
      pageLeft -= n;
    }
    if (variable != null) {
      variable.setLastSet(out - 1);
    }
  }

  /** Rows {@code first..first+n) of the batch, in runs of one kind: value, null, deleted. */
  private int runs(
      FieldVector vector,
      BaseVariableWidthVector variable,
      ArrowBuf validity,
      int out,
      int n,
      boolean allDefined,
      boolean[] skip,
      int first) {
    int i = 0;
    while (i < n) {
      int kind = kind(i, allDefined, skip, first);
      int j = i + 1;
      while (j < n && kind(j, allDefined, skip, first) == kind) {
        j++;
      }
      int length = j - i;
      switch (kind) {
        case VALUE -> {
          emit(vector, out, length);
          setValid(validity, out, length);
          out += length;
        }
        case NULL -> {
          if (variable != null) {
            VariableWidth.empty(variable, out, length);
          }
          out += length;
        }
        case DELETED_VALUE -> values.skip(length);
        default -> {
          // a deleted null: nothing to read, nothing to write
        }
      }
      i = j;
    }
    return out;
  }

  private static final int VALUE = 0;
  private static final int NULL = 1;
  private static final int DELETED_VALUE = 2;

  private int kind(int i, boolean allDefined, boolean[] skip, int first) {
    int deleted = skip != null && skip[first + i] ? DELETED_VALUE : VALUE;
    return deleted + (allDefined || defined[i] != 0 ? 0 : NULL);
  }

  /** Reads the definition levels of the next {@code n} rows; answers whether all are defined. */
  private boolean readLevels(int n) {
    if (maxDefinition == 0) {
      return true;
    }
    defined = PageValues.Scratch.ensure(defined, n);
    return levels.readLevels(defined, n) == n;
  }

  private void readPage() {
    DataPage page = pages.readPage();
    pageNumber++;
    String pageWhere = where + ", page " + pageNumber;
    if (page == null) {
      throw new IllegalStateException(pageWhere + ": the column chunk has fewer rows than stated");
    }
    try {
      if (page instanceof DataPageV1 v1) {
        ByteBuffer data = buffer(v1.getBytes().toByteBuffer());
        int start = 0;
        if (maxDefinition > 0) {
          if (v1.getDlEncoding() != Encoding.RLE) {
            throw new IllegalStateException(
                pageWhere + ": definition levels encoded " + v1.getDlEncoding() + " are unknown");
          }
          int length = data.getInt(0);
          levels = new HybridDecoder(data, 4, 4 + length, 1, pageWhere);
          start = 4 + length;
        }
        values =
            PageValues.of(
                v1.getValueEncoding(), data, start, layout, physical, dictionary, pageWhere);
        pageLeft = v1.getValueCount();
      } else {
        DataPageV2 v2 = (DataPageV2) page;
        if (maxDefinition > 0) {
          ByteBuffer levelBytes = buffer(v2.getDefinitionLevels().toByteBuffer());
          levels = new HybridDecoder(levelBytes, 0, levelBytes.limit(), 1, pageWhere);
        }
        ByteBuffer data = buffer(v2.getData().toByteBuffer());
        values =
            PageValues.of(v2.getDataEncoding(), data, 0, layout, physical, dictionary, pageWhere);
        pageLeft = v2.getValueCount();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(pageWhere + ": cannot read the page", e);
    }
  }

  private static ByteBuffer buffer(ByteBuffer bytes) {
    return bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Sets validity bits {@code from..from+count): bit by bit to a byte boundary, then bytes. */
  static void setValid(ArrowBuf validity, int from, int count) {
    int bit = from;
    int end = from + count;
    while (bit < end && (bit & 7) != 0) {
      setBit(validity, bit++);
    }
    if (end - bit >= 8) {
      int bytes = (end - bit) >>> 3;
      validity.setOne(bit >>> 3, bytes);
      bit += bytes << 3;
    }
    while (bit < end) {
      setBit(validity, bit++);
    }
  }

  private static void setBit(ArrowBuf validity, int bit) {
    long index = bit >>> 3;
    validity.setByte(index, validity.getByte(index) | (1 << (bit & 7)));
  }
}
