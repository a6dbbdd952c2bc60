package dev.tidewater.spi;

/** A 1-based line and column in a statement's text. */
public record SqlPosition(int line, int column) {
  @Override
  public String toString() {
    return "line " + line + ", column " + column;
  }
}
