package dev.tidewater.planner.expr;

import dev.tidewater.planner.query.CalciteTypes;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * Types a SQL expression against the columns of an Arrow schema with Calcite's validator and turns
 * it into a {@link RexNode} whose input references are the schema's field indexes.
 */
final class ExpressionTyper {
  /** The functions of the query engine: Calcite's standard ones plus PostgreSQL's. */
  private static final SqlOperatorTable OPERATORS =
      SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(
          SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL);

  /** The outcome: the typed expression over a row of the schema's columns. */
  record Typed(RexNode rex, RelDataType rowType, RexBuilder rexBuilder) {}

  private ExpressionTyper() {}

  /**
   * Decimals up to 38 digits, as Arrow's Decimal128 and Iceberg hold them (Calcite's default: 19).
   */
  private static final RelDataTypeSystem TYPE_SYSTEM =
      new RelDataTypeSystemImpl() {
        @Override
        public int getMaxPrecision(SqlTypeName typeName) {
          return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxPrecision(typeName);
        }

        @Override
        public int getMaxScale(SqlTypeName typeName) {
          return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxScale(typeName);
        }
      };

  static Typed type(SqlNode expression, Schema schema) {
    JavaTypeFactoryImpl typeFactory = new JavaTypeFactoryImpl(TYPE_SYSTEM);
    RelDataType rowType = rowType(typeFactory, schema);
    rejectUnsupported(expression);
    SqlNode copy = expression.accept(new CopyAndResolve(schema));

    Properties properties = new Properties();
    properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    CalciteConnectionConfigImpl connectionConfig = new CalciteConnectionConfigImpl(properties);
    CalciteCatalogReader catalogReader =
        new CalciteCatalogReader(
            CalciteSchema.createRootSchema(false), List.of(), typeFactory, connectionConfig);
    SqlValidator validator =
        SqlValidatorUtil.newValidator(
            OPERATORS, catalogReader, typeFactory, SqlValidator.Config.DEFAULT);
    RexBuilder rexBuilder = new RexBuilder(typeFactory);
    RelOptCluster cluster =
        RelOptCluster.create(new HepPlanner(HepProgram.builder().build()), rexBuilder);
    SqlToRelConverter converter =
        new SqlToRelConverter(
            null,
            validator,
            catalogReader,
            cluster,
            StandardConvertletTable.INSTANCE,
            SqlToRelConverter.config()
                .withExpand(false)
                .withInSubQueryThreshold(Integer.MAX_VALUE));

    Map<String, RexNode> columns = new HashMap<>();
    Map<String, RelDataType> columnTypes = new HashMap<>();
    for (RelDataTypeField field : rowType.getFieldList()) {
      columns.put(field.getName(), new RexInputRef(field.getIndex(), field.getType()));
      columnTypes.put(field.getName(), field.getType());
    }
    RexNode rex;
    try {
      SqlNode validated = validator.validateParameterizedExpression(copy, columnTypes);
      rex = converter.convertExpression(validated, columns);
    } catch (CalciteContextException e) {
      throw new TidewaterException(
          ErrorKind.USER,
          new SqlPosition(e.getPosLine(), e.getPosColumn()),
          "Invalid expression: " + e.getCause().getMessage(),
          null);
    } catch (TidewaterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TidewaterException(
          ErrorKind.USER, position(expression), "Cannot use this expression: " + e.getMessage(), e);
    }
    rejectUnsupportedColumns(rex, schema, expression);
    if (rex.getType().getSqlTypeName() != SqlTypeName.BOOLEAN) {
      throw userError(
          expression,
          "Expected a boolean expression, got one of type %s",
          rex.getType().getFullTypeString().replace(" NOT NULL", ""));
    }
    return new Typed(rex, rowType, rexBuilder);
  }

  /** The Calcite row type of an Arrow schema: every column nullable. */
  static RelDataType rowType(RelDataTypeFactory factory, Schema schema) {
    RelDataTypeFactory.Builder builder = factory.builder();
    for (Field field : schema.getFields()) {
      builder.add(field.getName(), factory.createTypeWithNullability(type(factory, field), true));
    }
    return builder.build();
  }

  private static RelDataType type(RelDataTypeFactory factory, Field field) {
    if (!isSupported(field.getType())) {
      return factory.createSqlType(SqlTypeName.ANY); // an error only if the expression uses it
    }
    return CalciteTypes.type(factory, field);
  }

  /** The Arrow types that expressions read. */
  static boolean isSupported(ArrowType type) {
    return switch (type.getTypeID()) {
      case Int, Bool, Date, Timestamp, Utf8, LargeUtf8 -> true;
      case FloatingPoint ->
          ((ArrowType.FloatingPoint) type).getPrecision() != FloatingPointPrecision.HALF;
      case Decimal -> ((ArrowType.Decimal) type).getBitWidth() == 128;
      default -> false;
    };
  }

  /**
   * Columns of types that expressions cannot read are errors only where the expression uses them.
   */
  private static void rejectUnsupportedColumns(RexNode rex, Schema schema, SqlNode expression) {
    for (int column : RelOptUtil.InputFinder.bits(rex)) {
      Field field = schema.getFields().get(column);
      if (!isSupported(field.getType())) {
        throw userError(
            expression,
            "Column '%s' has type %s, which expressions cannot read",
            field.getName(),
            field.getType());
      }
    }
  }

  /** Sub-queries, aggregates and window functions have no meaning over one row. */
  private static void rejectUnsupported(SqlNode node) {
    node.accept(
        new SqlShuttle() {
          @Override
          public SqlNode visit(SqlCall call) {
            if (call instanceof SqlSelect || call.getKind() == SqlKind.SELECT) {
              throw userError(call, "Sub-queries are not allowed in this expression");
            }
            if (isAggregate(call) || call.getKind() == SqlKind.OVER) {
              throw userError(
                  call,
                  "Aggregate and window functions are not allowed in a row expression (%s)",
                  call.getOperator().getName());
            }
            return super.visit(call);
          }
        });
  }

  /** Whether a call is to an aggregate function (before validation, functions are unresolved). */
  private static boolean isAggregate(SqlCall call) {
    if (call.getOperator().isAggregator()) {
      return true;
    }
    String name = call.getOperator().getName();
    return call.getOperator() instanceof SqlUnresolvedFunction
        && OPERATORS.getOperatorList().stream()
            .anyMatch(op -> op.isAggregator() && op.getName().equalsIgnoreCase(name));
  }

  static TidewaterException userError(SqlNode node, String format, Object... args) {
    return new TidewaterException(
        ErrorKind.USER, position(node), String.format(format, args), null);
  }

  private static SqlPosition position(SqlNode node) {
    SqlParserPos pos = node.getParserPosition();
    return new SqlPosition(pos.getLineNum(), pos.getColumnNum());
  }

  /**
   * Copies the tree (the validator rewrites what it validates, and the caller's statement must stay
   * as parsed) and spells each column name as the schema does: exactly if it can, else by a unique
   * case-insensitive match.
   */
  private static final class CopyAndResolve extends SqlShuttle {
    private final List<String> names;
    private final Map<String, List<String>> byLowerCase;

    CopyAndResolve(Schema schema) {
      this.names = schema.getFields().stream().map(Field::getName).toList();
      this.byLowerCase =
          names.stream().collect(Collectors.groupingBy(name -> name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public SqlNode visit(SqlIdentifier id) {
      if (id.isSimple() && !names.contains(id.getSimple())) {
        List<String> matches =
            byLowerCase.getOrDefault(id.getSimple().toLowerCase(Locale.ROOT), List.of());
        if (matches.size() == 1) {
          return new SqlIdentifier(matches.get(0), id.getParserPosition());
        }
        if (matches.size() > 1) {
          throw userError(
              id,
              "Column name '%s' is ambiguous: it matches %s; quote it to choose one",
              id.getSimple(),
              matches);
        }
        if (!id.isStar() && !isNiladicFunction(id)) {
          throw userError(
              id,
              "Unknown column '%s'; the columns are %s",
              id.getSimple(),
              String.join(", ", names));
        }
      } else if (!id.isSimple()) {
        throw userError(
            id, "Column '%s' must be a plain column name without a qualifier", id.toString());
      }
      return id.clone(id.getParserPosition());
    }

    @Override
    public SqlNode visit(SqlLiteral literal) {
      return literal.clone(literal.getParserPosition());
    }

    @Override
    public SqlNode visit(SqlNodeList nodeList) {
      List<SqlNode> copies = new ArrayList<>();
      for (SqlNode node : nodeList) {
        copies.add(node == null ? null : node.accept(this));
      }
      return new SqlNodeList(copies, nodeList.getParserPosition());
    }

    @Override
    public SqlNode visit(SqlCall call) {
      ArgHandler<SqlNode> handler = new CallCopyingArgHandler(call, true);
      call.getOperator().acceptCall(this, call, false, handler);
      return handler.result();
    }

    private static boolean isNiladicFunction(SqlIdentifier id) {
      return OPERATORS.getOperatorList().stream()
          .anyMatch(
              op ->
                  op.getName().equalsIgnoreCase(id.getSimple())
                      && op.getSyntax() == org.apache.calcite.sql.SqlSyntax.FUNCTION_ID);
    }
  }
}
