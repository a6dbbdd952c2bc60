package dev.tidewater.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Writes the benchmark CSV: deterministic (fixed seed), 13 mixed columns — ids, ints, doubles,
 * decimals(10,2), timestamps and short strings.
 */
public final class CsvGenerator {
  static final String HEADER =
      "id,customer_id,quantity,price,discount,amount,tax,created_at,updated_at,status,country,"
          + "channel,note";
  private static final String[] STATUSES = {"new", "paid", "shipped", "void", "returned"};
  private static final String[] COUNTRIES = {"DE", "FR", "US", "JP", "BR", "IN", "NL", "SE"};
  private static final String[] CHANNELS = {"web", "app", "store", "partner"};
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private CsvGenerator() {}

  /** Writes {@code rows} rows to {@code file} unless it already holds them. */
  public static void generate(Path file, long rows) throws IOException {
    Path marker = file.resolveSibling(file.getFileName() + "." + rows + ".done");
    if (Files.exists(file) && Files.exists(marker)) {
      return;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    SplittableRandom random = new SplittableRandom(20261124L);
    LocalDateTime base = LocalDateTime.of(2024, 1, 1, 0, 0);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER);
      out.write('\n');
      StringBuilder line = new StringBuilder(160);
      for (long id = 1; id <= rows; id++) {
        line.setLength(0);
        int quantity = random.nextInt(1, 50);
        long priceCents = random.nextLong(100, 1_000_000);
        double discount = Math.round(random.nextDouble() * 3000) / 10000.0;
        long amountCents = Math.round(priceCents * quantity * (1 - discount)) % 100_000_000L;
        LocalDateTime created = base.plusSeconds(random.nextLong(0, 60L * 60 * 24 * 365));
        LocalDateTime updated = created.plusSeconds(random.nextLong(0, 60L * 60 * 24 * 30));
        line.append(id)
            .append(',')
            .append(random.nextLong(1, 2_000_000))
            .append(',')
            .append(quantity)
            .append(',')
            .append(random.nextDouble() * 1000)
            .append(',')
            .append(discount)
            .append(',')
            .append(cents(amountCents))
            .append(',')
            .append(cents(amountCents / 5))
            .append(',')
            .append(created.format(TIMESTAMP))
            .append(',')
            .append(updated.format(TIMESTAMP))
            .append(',')
            .append(STATUSES[random.nextInt(STATUSES.length)])
            .append(',')
            .append(COUNTRIES[random.nextInt(COUNTRIES.length)])
            .append(',')
            .append(CHANNELS[random.nextInt(CHANNELS.length)])
            .append(',')
            .append("note-")
            .append(Long.toString(random.nextLong(0, 1L << 40), 36))
            .append('\n');
        out.append(line);
      }
    }
    Files.writeString(marker, "ok\n");
  }

  private static String cents(long cents) {
    long abs = Math.abs(cents);
    String fraction = Long.toString(abs % 100);
    return (cents < 0 ? "-" : "")
        + (abs / 100)
        + "."
        + (fraction.length() == 1 ? "0" + fraction : fraction);
  }
}
