package dev.tidewater.parser.ast;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code LOAD { source | (query) } INTO table [PARTITIONED BY (...)] WITH DISPOSITION ...
 * [INCREMENTAL ON ...] [BACKFILL FROM ... TO ...] [USING CONTRACT ...] [ON ERROR ...] [AT BRANCH
 * ...] [WITH (...)]}.
 *
 * <p>Fields of absent optional clauses are null, except {@link #options} (empty), {@link
 * #dedupDirection} (ASC) and {@link #errorLimitPercent} (false).
 */
public final class SqlLoad extends SqlCall implements TidewaterStatement {
  private static final SqlSpecialOperator OPERATOR = new SqlSpecialOperator("LOAD", SqlKind.OTHER);

  /** How rows reach the target table. */
  public enum Disposition {
    APPEND,
    REPLACE,
    MERGE
  }

  /** What happens to a row that cannot be loaded. */
  public enum OnError {
    ABORT,
    SKIP,
    QUARANTINE
  }

  /** Which row wins among duplicates of a merge key (DEDUP BY column ASC: the greatest). */
  public enum SortDirection {
    ASC,
    DESC
  }

  /** A {@link SqlIdentifier} (source, or source.schema.table) or a query (SELECT, VALUES, ...). */
  public final SqlNode source;

  public final SqlIdentifier target;

  /**
   * PARTITIONED BY terms, null when absent: {@link SqlIdentifier} columns and {@link SqlBasicCall}
   * transforms ({@code day(ts)}, {@code bucket(16, id)}), see {@link #partitionTransform}.
   */
  public final SqlNodeList partitionBy;

  public final Disposition disposition;

  /** MERGE ON keys ({@link SqlIdentifier}s); null unless MERGE. */
  public final SqlNodeList mergeKeys;

  public final SqlIdentifier dedupBy;
  public final SortDirection dedupDirection;

  /** DELETE WHEN boolean expression. */
  public final SqlNode deleteWhen;

  public final SqlIdentifier incrementalColumn;

  /** INITIAL literal (number, string, DATE / TIMESTAMP ...). */
  public final SqlNode incrementalInitial;

  /** LAG literal (an INTERVAL literal, a number or a string). */
  public final SqlNode incrementalLag;

  public final SqlNode backfillFrom;
  public final SqlNode backfillTo;
  public final SqlIdentifier contract;

  /** ON ERROR choice; null when the clause is absent. */
  public final OnError onError;

  /** QUARANTINE INTO table; null for the default quarantine table. */
  public final SqlIdentifier quarantineTable;

  public final SqlNumericLiteral errorLimit;
  public final boolean errorLimitPercent;

  /** AT BRANCH name, a character literal. */
  public final SqlLiteral branch;

  /** {@link SqlOption} elements; empty when WITH (...) is absent. */
  public final SqlNodeList options;

  public SqlLoad(
      SqlParserPos pos,
      SqlNode source,
      SqlIdentifier target,
      SqlNodeList partitionBy,
      Disposition disposition,
      SqlNodeList mergeKeys,
      SqlIdentifier dedupBy,
      SortDirection dedupDirection,
      SqlNode deleteWhen,
      SqlIdentifier incrementalColumn,
      SqlNode incrementalInitial,
      SqlNode incrementalLag,
      SqlNode backfillFrom,
      SqlNode backfillTo,
      SqlIdentifier contract,
      OnError onError,
      SqlIdentifier quarantineTable,
      SqlNumericLiteral errorLimit,
      boolean errorLimitPercent,
      SqlLiteral branch,
      SqlNodeList options) {
    super(pos);
    this.source = requireNonNull(source, "source is null");
    this.target = requireNonNull(target, "target is null");
    this.partitionBy = partitionBy;
    this.disposition = requireNonNull(disposition, "disposition is null");
    this.mergeKeys = mergeKeys;
    this.dedupBy = dedupBy;
    this.dedupDirection = dedupDirection == null ? SortDirection.ASC : dedupDirection;
    this.deleteWhen = deleteWhen;
    this.incrementalColumn = incrementalColumn;
    this.incrementalInitial = incrementalInitial;
    this.incrementalLag = incrementalLag;
    this.backfillFrom = backfillFrom;
    this.backfillTo = backfillTo;
    this.contract = contract;
    this.onError = onError;
    this.quarantineTable = quarantineTable;
    this.errorLimit = errorLimit;
    this.errorLimitPercent = errorLimitPercent;
    this.branch = branch;
    this.options = options == null ? SqlNodeList.EMPTY : options;
  }

  /**
   * A partition transform term such as {@code bucket(16, id)}: a call of an unresolved function
   * named by the lower-case transform name, with the literal argument (if any) and the column.
   */
  public static SqlBasicCall partitionTransform(
      SqlIdentifier name, List<SqlNode> operands, SqlParserPos pos) {
    SqlUnresolvedFunction function =
        new SqlUnresolvedFunction(
            name, null, null, null, null, SqlFunctionCategory.USER_DEFINED_FUNCTION);
    return (SqlBasicCall) function.createCall(pos, operands);
  }

  /** Whether the source is a query rather than a source object name. */
  public boolean isQuerySource() {
    return !(source instanceof SqlIdentifier);
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return Collections.unmodifiableList(
        Arrays.asList(
            source,
            target,
            partitionBy,
            Unparsing.symbol(disposition),
            mergeKeys,
            dedupBy,
            Unparsing.symbol(dedupDirection),
            deleteWhen,
            incrementalColumn,
            incrementalInitial,
            incrementalLag,
            backfillFrom,
            backfillTo,
            contract,
            Unparsing.symbol(onError),
            quarantineTable,
            errorLimit,
            Unparsing.flag(errorLimitPercent),
            branch,
            options));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("LOAD");
    if (isQuerySource()) {
      SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.SUB_QUERY, "(", ")");
      source.unparse(writer, 0, 0);
      writer.endList(frame);
    } else {
      source.unparse(writer, 0, 0);
    }
    writer.keyword("INTO");
    target.unparse(writer, 0, 0);
    if (partitionBy != null) {
      writer.keyword("PARTITIONED BY");
      SqlWriter.Frame frame = writer.startList("(", ")");
      for (SqlNode term : partitionBy) {
        writer.sep(",");
        unparsePartitionTerm(writer, term);
      }
      writer.endList(frame);
    }
    writer.keyword("WITH DISPOSITION");
    writer.keyword(disposition.name());
    if (mergeKeys != null) {
      writer.keyword("ON");
      Unparsing.parenthesized(writer, mergeKeys);
    }
    if (dedupBy != null) {
      writer.keyword("DEDUP BY");
      dedupBy.unparse(writer, 0, 0);
      writer.keyword(dedupDirection.name());
    }
    if (deleteWhen != null) {
      writer.keyword("DELETE WHEN");
      deleteWhen.unparse(writer, 0, 0);
    }
    if (incrementalColumn != null) {
      writer.keyword("INCREMENTAL ON");
      incrementalColumn.unparse(writer, 0, 0);
      if (incrementalInitial != null) {
        writer.keyword("INITIAL");
        incrementalInitial.unparse(writer, 0, 0);
      }
      if (incrementalLag != null) {
        writer.keyword("LAG");
        incrementalLag.unparse(writer, 0, 0);
      }
    }
    if (backfillFrom != null) {
      writer.keyword("BACKFILL FROM");
      backfillFrom.unparse(writer, 0, 0);
      writer.keyword("TO");
      backfillTo.unparse(writer, 0, 0);
    }
    if (contract != null) {
      writer.keyword("USING CONTRACT");
      contract.unparse(writer, 0, 0);
    }
    if (onError != null) {
      writer.keyword("ON ERROR");
      writer.keyword(onError.name());
      if (quarantineTable != null) {
        writer.keyword("INTO");
        quarantineTable.unparse(writer, 0, 0);
      }
      if (errorLimit != null) {
        writer.keyword("ERROR LIMIT");
        errorLimit.unparse(writer, 0, 0);
        if (errorLimitPercent) {
          writer.keyword("PERCENT");
        }
      }
    }
    if (branch != null) {
      writer.keyword("AT BRANCH");
      Unparsing.string(writer, branch);
    }
    Unparsing.options(writer, options);
  }

  private static void unparsePartitionTerm(SqlWriter writer, SqlNode term) {
    if (term instanceof SqlBasicCall call) {
      SqlWriter.Frame frame = writer.startFunCall(call.getOperator().getName());
      for (SqlNode operand : call.getOperandList()) {
        writer.sep(",");
        operand.unparse(writer, 0, 0);
      }
      writer.endFunCall(frame);
    } else {
      term.unparse(writer, 0, 0);
    }
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visit(this);
  }
}
