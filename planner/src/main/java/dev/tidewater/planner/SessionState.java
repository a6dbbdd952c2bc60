package dev.tidewater.planner;

import static java.util.Objects.requireNonNull;

/**
 * What one session changes for itself: the current catalog and namespace for unqualified names
 * ({@code USE}, {@code SET CATALOG}, {@code SET SCHEMA}) and its statement limits ({@code SET
 * statement_timeout}). Statements of one session read it when they start.
 */
public final class SessionState {
  /**
   * A current catalog and namespace, read together so that a statement never mixes two; a null
   * namespace (a query a LOAD reads from a fully named table) has no default schema.
   */
  public record Names(String catalog, String namespace) {
    public Names {
      requireNonNull(catalog, "catalog is null");
    }
  }

  private volatile Names names;
  private volatile StatementLimits limits;

  public SessionState(String catalog, String namespace) {
    this(catalog, namespace, StatementLimits.NONE);
  }

  public SessionState(String catalog, String namespace, StatementLimits limits) {
    this.names = new Names(catalog, namespace);
    this.limits = requireNonNull(limits, "limits is null");
  }

  /** The limits of the session's next statement ({@code SET statement_timeout} changes them). */
  public StatementLimits limits() {
    return limits;
  }

  public void limits(StatementLimits limits) {
    this.limits = requireNonNull(limits, "limits is null");
  }

  public Names names() {
    return names;
  }

  public String catalog() {
    return names.catalog();
  }

  public String namespace() {
    return names.namespace();
  }

  public void use(String catalog, String namespace) {
    this.names = new Names(catalog, namespace);
  }
}
