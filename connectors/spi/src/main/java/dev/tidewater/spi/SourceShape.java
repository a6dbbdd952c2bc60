package dev.tidewater.spi;

/**
 * What a source of a type holds: one table ({@code FILES}, {@code HTTP}: the source's name is the
 * table) or a database of named objects ({@code JDBC}: {@code source.schema.table}).
 */
public enum SourceShape {
  TABLE,
  DATABASE
}
