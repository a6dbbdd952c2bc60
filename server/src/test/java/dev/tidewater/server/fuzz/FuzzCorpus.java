package dev.tidewater.server.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The statements of one fuzz run, and the file format of statement corpora: one statement per line,
 * with {@code \\}, {@code \n}, {@code \r}, {@code \t} and {@code \}{@code uXXXX} escapes for what a
 * line cannot hold (so NUL, lone surrogates and newlines survive), {@code --} lines are comments.
 */
final class FuzzCorpus {
  private FuzzCorpus() {}

  /**
   * The seeds themselves, every truncation of each seed at a token boundary, and random mutations
   * up to {@code count} statements, shuffled (seeds first, so that later statements find sources
   * and tables to work on).
   */
  static List<String> generate(List<String> seeds, Random random, int count) {
    List<String> fuzzed = new ArrayList<>();
    for (String seed : seeds) {
      fuzzed.addAll(StatementMutator.truncations(seed));
    }
    StatementMutator mutator = new StatementMutator(random, seeds);
    while (seeds.size() + fuzzed.size() < count) {
      fuzzed.add(mutator.next());
    }
    Collections.shuffle(fuzzed, random);
    List<String> statements = new ArrayList<>(seeds);
    statements.addAll(fuzzed);
    return statements;
  }

  /** The statements of a corpus file. */
  static List<String> read(Path file) throws IOException {
    List<String> statements = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.startsWith("--")) {
        statements.add(unescape(line));
      }
    }
    return statements;
  }

  /** One corpus line for a statement. */
  static String escape(String statement) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < statement.length(); i++) {
      char c = statement.charAt(i);
      switch (c) {
        case '\\' -> line.append("\\\\");
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        case '\t' -> line.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            line.append(String.format("\\u%04x", (int) c));
          } else {
            line.append(c);
          }
        }
      }
    }
    return line.toString();
  }

  static String unescape(String line) {
    StringBuilder statement = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c != '\\' || i + 1 == line.length()) {
        statement.append(c);
        continue;
      }
      char escaped = line.charAt(++i);
      switch (escaped) {
        case 'n' -> statement.append('\n');
        case 'r' -> statement.append('\r');
        case 't' -> statement.append('\t');
        case 'u' -> {
          statement.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> statement.append(escaped);
      }
    }
    return statement.toString();
  }
}
