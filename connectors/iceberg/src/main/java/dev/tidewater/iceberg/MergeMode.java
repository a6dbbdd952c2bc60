package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;

/** How a MERGE removes the target rows it replaces. */
public enum MergeMode {
  /** Writes delete files (position deletes; deletion vectors on format v3) next to new rows. */
  MERGE_ON_READ("merge-on-read"),
  /** Rewrites every data file that holds a replaced row, without that row. */
  COPY_ON_WRITE("copy-on-write");

  /**
   * The write option ({@code LOAD ... WITH (merge_mode = 'copy-on-write')}) that picks the mode.
   */
  public static final String OPTION = "merge_mode";

  private final String optionValue;

  MergeMode(String optionValue) {
    this.optionValue = optionValue;
  }

  /** The mode's name as options and the table property spell it. */
  public String optionValue() {
    return optionValue;
  }

  /** The mode of a load into a table that does not exist yet: the option, else merge-on-read. */
  public static MergeMode forLoad(Map<String, String> writeOptions) {
    String option = option(writeOptions);
    return option == null ? MERGE_ON_READ : parse(OPTION, option);
  }

  /**
   * The mode of one load: the write option {@value #OPTION} when given, else the table property
   * {@code write.merge.mode} when the table sets it, else {@link #MERGE_ON_READ}.
   */
  public static MergeMode forLoad(Table table, Map<String, String> writeOptions) {
    String option = option(writeOptions);
    if (option != null) {
      return parse(OPTION, option);
    }
    String property = table.properties().get(TableProperties.MERGE_MODE);
    return property == null ? MERGE_ON_READ : parse(TableProperties.MERGE_MODE, property);
  }

  private static String option(Map<String, String> writeOptions) {
    for (Map.Entry<String, String> option : writeOptions.entrySet()) {
      if (option.getKey().equalsIgnoreCase(OPTION)) {
        return option.getValue();
      }
    }
    return null;
  }

  private static MergeMode parse(String name, String value) {
    String normalized = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (MergeMode mode : values()) {
      if (mode.optionValue.equals(normalized)) {
        return mode;
      }
    }
    throw TidewaterException.user(
        "%s = '%s': expected 'merge-on-read' or 'copy-on-write'", name, value);
  }
}
