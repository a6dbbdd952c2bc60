package dev.tidewater.server;

import dev.tidewater.spi.TidewaterException;
import java.util.Locale;

/** Parses sizes such as {@code 512MB}, {@code 2GB} or {@code 1048576}. */
public final class ByteSizes {
  private ByteSizes() {}

  public static long parse(String text) {
    String value = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
    long multiplier = 1;
    String[][] units = {{"TB", "40"}, {"GB", "30"}, {"MB", "20"}, {"KB", "10"}, {"B", "0"}};
    for (String[] unit : units) {
      if (value.endsWith(unit[0])) {
        multiplier = 1L << Integer.parseInt(unit[1]);
        value = value.substring(0, value.length() - unit[0].length());
        break;
      }
    }
    try {
      return Math.round(Double.parseDouble(value) * multiplier);
    } catch (NumberFormatException e) {
      throw TidewaterException.user("'%s' is not a size (e.g. 512MB, 2GB)", text);
    }
  }
}
