package dev.tidewater.parser.ast;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableNullableList;

/** One {@code key = value} entry of a {@code WITH (...)} option list. */
public final class SqlOption extends SqlCall {
  private static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("OPTION", SqlKind.OTHER);

  /** A {@link SqlIdentifier} ({@code format}, {@code s3.endpoint}) or a character literal. */
  public final SqlNode key;

  /** A character, numeric or boolean literal. */
  public final SqlLiteral value;

  public SqlOption(SqlParserPos pos, SqlNode key, SqlLiteral value) {
    super(pos);
    this.key = requireNonNull(key, "key is null");
    this.value = requireNonNull(value, "value is null");
    if (!(key instanceof SqlIdentifier || key instanceof SqlCharStringLiteral)) {
      throw new IllegalArgumentException("option key must be an identifier or a string: " + key);
    }
  }

  /** The key, lower-cased: option keys are case-insensitive, quoted or not. */
  public String keyName() {
    String name =
        key instanceof SqlIdentifier identifier
            ? String.join(".", identifier.names)
            : ((SqlLiteral) key).getValueAs(String.class);
    return name.toLowerCase(Locale.ROOT);
  }

  /** The value as text: a string's contents, a number's digits, or {@code true} / {@code false}. */
  public String valueText() {
    if (value instanceof SqlNumericLiteral) {
      return value.getValueAs(BigDecimal.class).toPlainString();
    }
    if (value.getTypeName() == SqlTypeName.BOOLEAN) {
      return String.valueOf(value.booleanValue());
    }
    return value.getValueAs(String.class);
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(key, value);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    if (key instanceof SqlIdentifier) {
      key.unparse(writer, 0, 0);
    } else {
      Unparsing.string(writer, (SqlLiteral) key);
    }
    writer.keyword("=");
    Unparsing.literal(writer, value);
  }
}
