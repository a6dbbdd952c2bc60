package dev.tidewater.parser.ast;

/**
 * A statement of Tidewater's own grammar (not a query): it hands itself to the one {@link
 * StatementVisitor} method of its kind.
 */
public interface TidewaterStatement {
  <R> R accept(StatementVisitor<R> visitor);
}
