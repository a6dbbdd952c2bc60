package dev.tidewater.server.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements at semicolons outside quotes and comments, remembering where
 * each statement starts so that errors can name the script's line and column.
 */
public final class ScriptSplitter {
  private ScriptSplitter() {}

  /** One statement of a script; {@code line} and {@code column} are 1-based. */
  public record Statement(String text, int line, int column) {
    /** Maps a position inside the statement to the script. */
    public int[] scriptPosition(int statementLine, int statementColumn) {
      return statementLine == 1
          ? new int[] {line, column + statementColumn - 1}
          : new int[] {line + statementLine - 1, statementColumn};
    }
  }

  public static List<Statement> split(String script) {
    List<Statement> statements = new ArrayList<>();
    int start = splitTerminated(script, statements);
    add(statements, script, start, script.length());
    return statements;
  }

  /**
   * True when the script ends with a finished statement: its last code is a {@code ;} outside
   * quotes and comments (what an interactive shell waits for before it runs what was typed).
   */
  public static boolean endsWithTerminator(String script) {
    int start = splitTerminated(script, new ArrayList<>());
    return start > 0 && firstCode(script.substring(start)) < 0 && !inComment(script, start);
  }

  /** True when the text from {@code start} opens a block comment it does not close. */
  private static boolean inComment(String script, int start) {
    int open = script.indexOf("/*", start);
    return open >= 0 && script.indexOf("*/", open + 2) < 0;
  }

  /**
   * Adds the statements that end with {@code ;} and returns where the rest (an unfinished
   * statement, blanks or comments) starts.
   */
  private static int splitTerminated(String script, List<Statement> statements) {
    int length = script.length();
    int start = 0;
    int index = 0;
    while (index < length) {
      char c = script.charAt(index);
      if (c == '\'' || c == '"') {
        index = skipQuoted(script, index, c);
      } else if (c == '-' && index + 1 < length && script.charAt(index + 1) == '-') {
        while (index < length && script.charAt(index) != '\n') {
          index++;
        }
      } else if (c == '/' && index + 1 < length && script.charAt(index + 1) == '*') {
        int end = script.indexOf("*/", index + 2);
        index = end < 0 ? length : end + 2;
      } else if (c == ';') {
        add(statements, script, start, index);
        index++;
        start = index;
      } else {
        index++;
      }
    }
    return start;
  }

  private static int skipQuoted(String script, int index, char quote) {
    int i = index + 1;
    while (i < script.length()) {
      if (script.charAt(i) == quote) {
        if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return i;
  }

  private static void add(List<Statement> statements, String script, int start, int end) {
    String text = script.substring(start, end);
    int offset = firstCode(text);
    if (offset < 0) {
      return;
    }
    int line = 1;
    int column = 1;
    for (int i = 0; i < start + offset; i++) {
      if (script.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    statements.add(new Statement(text.substring(offset).stripTrailing(), line, column));
  }

  /** The index of the first character that is neither blank nor comment, or -1. */
  private static int firstCode(String text) {
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (text.startsWith("--", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end + 1;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        i = end < 0 ? text.length() : end + 2;
      } else {
        return i;
      }
    }
    return -1;
  }
}
