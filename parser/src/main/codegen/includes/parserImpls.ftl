<#--
  Tidewater statements. Each production collects tokens and calls one
  constructor in dev.tidewater.parser.ast; the nodes hold no parser state.
-->

/** Parses {@code IF NOT EXISTS}; IF is non-reserved, hence the look-ahead. */
boolean IfNotExistsOpt() :
{
}
{
    LOOKAHEAD(3) <IF> <NOT> <EXISTS> { return true; }
|
    { return false; }
}

/** Parses {@code IF EXISTS}. */
boolean IfExistsOpt() :
{
}
{
    LOOKAHEAD(2) <IF> <EXISTS> { return true; }
|
    { return false; }
}

/** Parses a single-quoted string as one literal (no continuation, no charset prefix). */
SqlLiteral QuotedString() :
{
    final String value;
}
{
    value = SimpleStringLiteral() {
        return SqlLiteral.createCharString(value, getPos());
    }
}

/**
 * Consumes one unquoted word, keyword or not, as an identifier. Only after a semantic look-ahead
 * checked the token: the expansion is empty and the action takes the token. (A JAVACODE
 * production would do the same but sends JavaCC 5 into endless recursion.)
 */
SqlIdentifier WordAsIdentifier() :
{
}
{
    {
        getNextToken();
        return new SqlIdentifier(unquotedIdentifier(), getPos());
    }
}

/** Parses {@code (key = value, ...)}; the list may be empty. */
SqlNodeList OptionList() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
}
{
    <LPAREN> { s = span(); }
    (
        <RPAREN>
    |
        // Semantic look-ahead: AddOption starts with any word, which no token set describes.
        LOOKAHEAD({ getToken(1).kind != RPAREN })
        AddOption(list)
        ( <COMMA> AddOption(list) )*
        <RPAREN>
    )
    {
        return new SqlNodeList(list, s.end(this));
    }
}

/**
 * Parses {@code key = value}: key an identifier, any unquoted word (also a reserved one, such as
 * USER) or a quoted string; value a literal.
 */
void AddOption(List<SqlNode> list) :
{
    final SqlNode key;
    final SqlLiteral value;
}
{
    (
        LOOKAHEAD({ getToken(2).kind == EQ && ParserSupport.isWord(getToken(1)) })
        key = WordAsIdentifier()
    |
        key = CompoundIdentifier()
    |
        key = QuotedString()
    )
    <EQ>
    value = OptionValue() {
        list.add(new SqlOption(Span.of(key, value).pos(), key, value));
    }
}

/** Parses an option value: a string, a signed number, TRUE or FALSE. */
SqlLiteral OptionValue() :
{
    final SqlLiteral value;
}
{
    (
        value = QuotedString()
    |
        value = NumericLiteral()
    |
        <TRUE> { value = SqlLiteral.createBoolean(true, getPos()); }
    |
        <FALSE> { value = SqlLiteral.createBoolean(false, getPos()); }
    )
    { return value; }
}

/**
 * Parses {@code CREATE [OR REPLACE] SOURCE [IF NOT EXISTS] name TYPE type WITH (options)}
 * after {@code CREATE [OR REPLACE]}.
 */
SqlCreate TidewaterCreateSource(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final SqlIdentifier type;
    final SqlNodeList options;
}
{
    <SOURCE> ifNotExists = IfNotExistsOpt() name = SimpleIdentifier()
    <TYPE> type = SimpleIdentifier()
    <WITH> options = OptionList() {
        return new SqlCreateSource(s.end(this), replace, ifNotExists, name, type, options);
    }
}

/**
 * Parses {@code CREATE [OR REPLACE] CONTRACT [IF NOT EXISTS] name (element, ...) [WITH (options)]}
 * after {@code CREATE [OR REPLACE]}.
 */
SqlCreate TidewaterCreateContract(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final Span elements;
    final SqlParserPos elementsPos;
    final List<SqlNode> columns = new ArrayList<SqlNode>();
    final List<SqlNode> uniqueKeys = new ArrayList<SqlNode>();
    final List<SqlNode> checks = new ArrayList<SqlNode>();
    SqlNodeList options = SqlNodeList.EMPTY;
}
{
    <CONTRACT> ifNotExists = IfNotExistsOpt() name = SimpleIdentifier()
    <LPAREN> { elements = span(); }
    AddContractElement(columns, uniqueKeys, checks)
    ( <COMMA> AddContractElement(columns, uniqueKeys, checks) )*
    <RPAREN> { elementsPos = elements.end(this); }
    [ <WITH> options = OptionList() ]
    {
        return new SqlCreateContract(s.end(this), replace, ifNotExists, name,
            new SqlNodeList(columns, elementsPos),
            new SqlNodeList(uniqueKeys, elementsPos),
            new SqlNodeList(checks, elementsPos),
            options);
    }
}

/** Parses a contract column, {@code UNIQUE (column, ...)} or {@code CHECK (condition)}. */
void AddContractElement(List<SqlNode> columns, List<SqlNode> uniqueKeys, List<SqlNode> checks) :
{
    final SqlIdentifier name;
    final SqlDataTypeSpec type;
    boolean notNull = false;
    SqlNode check = null;
    final SqlNodeList keys;
}
{
    <UNIQUE> keys = ParenthesizedSimpleIdentifierList() {
        uniqueKeys.add(keys);
    }
|
    <CHECK> <LPAREN> check = Expression(ExprContext.ACCEPT_SUB_QUERY) <RPAREN> {
        checks.add(check);
    }
|
    name = SimpleIdentifier() type = DataType()
    [ <NOT> <NULL> { notNull = true; } ]
    [ <CHECK> <LPAREN> check = Expression(ExprContext.ACCEPT_SUB_QUERY) <RPAREN> ]
    {
        columns.add(new SqlContractColumn(Span.of(name).end(this), name, type, notNull, check));
    }
}

/** Parses {@code CREATE NAMESPACE [IF NOT EXISTS] name} after {@code CREATE}. */
SqlCreate TidewaterCreateNamespace(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
}
{
    <NAMESPACE> { ParserSupport.rejectOrReplace(replace, s, "CREATE NAMESPACE"); }
    ifNotExists = IfNotExistsOpt() name = CompoundIdentifier() {
        return new SqlCreateNamespace(s.end(this), ifNotExists, name);
    }
}

/** Parses {@code DROP SOURCE [IF EXISTS] name} after {@code DROP}. */
SqlDrop TidewaterDropSource(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <SOURCE> ifExists = IfExistsOpt() name = SimpleIdentifier() {
        return new SqlDropSource(s.end(this), ifExists, name);
    }
}

/** Parses {@code DROP CONTRACT [IF EXISTS] name} after {@code DROP}. */
SqlDrop TidewaterDropContract(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <CONTRACT> ifExists = IfExistsOpt() name = SimpleIdentifier() {
        return new SqlDropContract(s.end(this), ifExists, name);
    }
}

/** Parses {@code DROP TABLE [IF EXISTS] name [PURGE]} after {@code DROP}. */
SqlDrop TidewaterDropTable(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
    boolean purge = false;
}
{
    <TABLE> ifExists = IfExistsOpt() name = CompoundIdentifier()
    [ <PURGE> { purge = true; } ]
    {
        return new SqlDropTable(s.end(this), ifExists, name, purge);
    }
}

/** Parses {@code DROP BRANCH 'name' OF table} after {@code DROP}. */
SqlDrop TidewaterDropBranch(Span s, boolean replace) :
{
    final SqlLiteral branch;
    final SqlIdentifier table;
}
{
    <BRANCH> branch = QuotedString() <OF> table = CompoundIdentifier() {
        return new SqlDropBranch(s.end(this), branch, table);
    }
}

/** Parses {@code PUBLISH BRANCH 'name' OF table [WITH (mode = 'cherry-pick')]}. */
SqlNode TidewaterPublishBranch() :
{
    final Span s;
    final SqlLiteral branch;
    final SqlIdentifier table;
    SqlNodeList options = SqlNodeList.EMPTY;
}
{
    <PUBLISH> { s = span(); } <BRANCH> branch = QuotedString()
    <OF> table = CompoundIdentifier()
    [ <WITH> options = OptionList() ] {
        return new SqlPublishBranch(s.end(this), branch, table, options);
    }
}

/** Parses {@code ROLLBACK LOAD 'load-id'}. */
SqlNode TidewaterRollbackLoad() :
{
    final Span s;
    final SqlLiteral loadId;
}
{
    <ROLLBACK> { s = span(); } <LOAD> loadId = QuotedString() {
        return new SqlRollbackLoad(s.end(this), loadId);
    }
}

/** Parses {@code EXPLAIN LOAD ...}; Calcite's EXPLAIN PLAN FOR is untouched. */
SqlNode TidewaterExplainLoad() :
{
    final Span s;
    final SqlLoad load;
}
{
    <EXPLAIN> { s = span(); } load = LoadStatement() {
        return new SqlExplainLoad(s.end(this), load);
    }
}

/** Parses {@code VALIDATE LOAD ...}. */
SqlNode TidewaterValidateLoad() :
{
    final Span s;
    final SqlLoad load;
}
{
    <VALIDATE> { s = span(); } load = LoadStatement() {
        return new SqlValidateLoad(s.end(this), load);
    }
}

/** Parses a LOAD statement. */
SqlNode TidewaterLoad() :
{
    final SqlLoad load;
}
{
    load = LoadStatement() { return load; }
}

/** Parses {@code LOAD { source | (query) } INTO table ...} with all its clauses. */
SqlLoad LoadStatement() :
{
    final Span s;
    final SqlNode source;
    final SqlIdentifier target;
    SqlNodeList partitionBy = null;
    final SqlLoad.Disposition disposition;
    SqlNodeList mergeKeys = null;
    SqlIdentifier dedupBy = null;
    SqlLoad.SortDirection dedupDirection = SqlLoad.SortDirection.ASC;
    SqlNode deleteWhen = null;
    SqlIdentifier incrementalColumn = null;
    SqlNode incrementalInitial = null;
    SqlNode incrementalLag = null;
    SqlNode backfillFrom = null;
    SqlNode backfillTo = null;
    SqlIdentifier contract = null;
    SqlLoad.OnError onError = null;
    SqlIdentifier quarantineTable = null;
    SqlNumericLiteral errorLimit = null;
    boolean errorLimitPercent = false;
    SqlLiteral branch = null;
    SqlNodeList options = SqlNodeList.EMPTY;
}
{
    <LOAD> { s = span(); }
    (
        source = CompoundIdentifier()
    |
        <LPAREN> source = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY) <RPAREN>
    )
    <INTO> target = CompoundIdentifier()
    [ <PARTITIONED> <BY> partitionBy = PartitionTermList() ]
    <WITH> <DISPOSITION>
    (
        <APPEND> { disposition = SqlLoad.Disposition.APPEND; }
    |
        <REPLACE> { disposition = SqlLoad.Disposition.REPLACE; }
    |
        <MERGE> { disposition = SqlLoad.Disposition.MERGE; }
        <ON> mergeKeys = ParenthesizedSimpleIdentifierList()
        [
            <DEDUP> <BY> dedupBy = SimpleIdentifier()
            [
                <ASC>
            |
                <DESC> { dedupDirection = SqlLoad.SortDirection.DESC; }
            ]
        ]
        [ <DELETE> <WHEN> deleteWhen = Expression(ExprContext.ACCEPT_NON_QUERY) ]
    )
    [
        <INCREMENTAL> <ON> incrementalColumn = SimpleIdentifier()
        [ <INITIAL> incrementalInitial = Literal() ]
        [ <LAG> incrementalLag = Literal() ]
    ]
    [ <BACKFILL> <FROM> backfillFrom = Literal() <TO> backfillTo = Literal() ]
    [ <USING> <CONTRACT> contract = SimpleIdentifier() ]
    [
        <ON> <ERROR>
        (
            <ABORT> { onError = SqlLoad.OnError.ABORT; }
        |
            <SKIP_> { onError = SqlLoad.OnError.SKIP; }
        |
            <QUARANTINE> { onError = SqlLoad.OnError.QUARANTINE; }
            [ <INTO> quarantineTable = CompoundIdentifier() ]
        )
        [
            <ERROR> <LIMIT> errorLimit = UnsignedNumericLiteral()
            [ <PERCENT> { errorLimitPercent = true; } ]
        ]
    ]
    [ <AT> <BRANCH> branch = QuotedString() ]
    [ <WITH> options = OptionList() ]
    {
        return new SqlLoad(s.end(this), source, target, partitionBy, disposition, mergeKeys,
            dedupBy, dedupDirection, deleteWhen, incrementalColumn, incrementalInitial,
            incrementalLag, backfillFrom, backfillTo, contract, onError, quarantineTable,
            errorLimit, errorLimitPercent, branch, options);
    }
}

/** Parses {@code (term, ...)} of PARTITIONED BY. */
SqlNodeList PartitionTermList() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
    SqlNode term;
}
{
    <LPAREN> { s = span(); }
    term = PartitionTerm() { list.add(term); }
    ( <COMMA> term = PartitionTerm() { list.add(term); } )*
    <RPAREN> {
        return new SqlNodeList(list, s.end(this));
    }
}

/** Parses {@code column}, {@code transform(column)} or {@code transform(n, column)}. */
SqlNode PartitionTerm() :
{
    final SqlIdentifier name;
    final Span s;
    final List<SqlNode> operands = new ArrayList<SqlNode>();
    SqlNode operand;
}
{
    LOOKAHEAD(2)
    name = PartitionTransformName() { s = span(); }
    <LPAREN>
    [ operand = UnsignedNumericLiteral() { operands.add(operand); } <COMMA> ]
    operand = SimpleIdentifier() { operands.add(operand); }
    <RPAREN> {
        return SqlLoad.partitionTransform(name, operands, s.end(this));
    }
|
    name = SimpleIdentifier() { return name; }
}

/** Parses a transform name; year, month, day, hour, truncate and identity are reserved words. */
SqlIdentifier PartitionTransformName() :
{
    final SqlIdentifier name;
}
{
    ( <YEAR> | <MONTH> | <DAY> | <HOUR> | <TRUNCATE> | <IDENTITY> ) {
        return new SqlIdentifier(unquotedIdentifier(), getPos());
    }
|
    name = SimpleIdentifier() { return name; }
}

/**
 * Parses {@code SHOW SOURCES | CONTRACTS | CATALOGS | NAMESPACES [IN x] | TABLES [IN x] | LOADS [FOR x]
 * | BRANCHES OF x}.
 */
SqlNode TidewaterShow() :
{
    final Span s;
    final SqlShow.ShowKind kind;
    SqlIdentifier scope = null;
}
{
    <SHOW> { s = span(); }
    (
        <SOURCES> { kind = SqlShow.ShowKind.SOURCES; }
    |
        <CONTRACTS> { kind = SqlShow.ShowKind.CONTRACTS; }
    |
        <CATALOGS> { kind = SqlShow.ShowKind.CATALOGS; }
    |
        <NAMESPACES> { kind = SqlShow.ShowKind.NAMESPACES; }
        [ <IN> scope = CompoundIdentifier() ]
    |
        <TABLES> { kind = SqlShow.ShowKind.TABLES; }
        [ <IN> scope = CompoundIdentifier() ]
    |
        <LOADS> { kind = SqlShow.ShowKind.LOADS; }
        [ <FOR> scope = CompoundIdentifier() ]
    |
        <BRANCHES> { kind = SqlShow.ShowKind.BRANCHES; }
        <OF> scope = CompoundIdentifier()
    )
    {
        return new SqlShow(s.end(this), kind, scope);
    }
}

/**
 * Parses {@code DESCRIBE SOURCE name | DESCRIBE CONTRACT name | DESCRIBE [TABLE] name}.
 * Calcite's DESCRIBE of a query (DESCRIBE SELECT ...) remains Calcite's.
 */
SqlNode TidewaterDescribe() :
{
    final Span s;
    final SqlDescribe.DescribeKind kind;
    final SqlIdentifier name;
}
{
    <DESCRIBE> { s = span(); }
    (
        LOOKAHEAD(2)
        <SOURCE> { kind = SqlDescribe.DescribeKind.SOURCE; } name = CompoundIdentifier()
    |
        LOOKAHEAD(2)
        <CONTRACT> { kind = SqlDescribe.DescribeKind.CONTRACT; } name = SimpleIdentifier()
    |
        [ <TABLE> ] { kind = SqlDescribe.DescribeKind.TABLE; } name = CompoundIdentifier()
    )
    {
        return new SqlDescribe(s.end(this), kind, name);
    }
}

/**
 * Parses time travel after a table reference: Iceberg's {@code FOR TIMESTAMP AS OF expr} and
 * {@code FOR VERSION AS OF expr} (snapshot id, branch or tag), and Calcite's own
 * {@code FOR SYSTEM_TIME AS OF expr}. The build points Calcite's TableRef3 here.
 */
SqlNode TimeTravel(SqlNode tableRef) :
{
    final Span s;
    final SqlTimeTravel.Kind kind;
    final SqlNode e;
}
{
    { s = Span.of(tableRef); } <FOR>
    (
        <SYSTEM_TIME> <AS> <OF> e = Expression(ExprContext.ACCEPT_NON_QUERY) {
            return new SqlSnapshot(s.end(this), tableRef, e);
        }
    |
        (
            <TIMESTAMP> { kind = SqlTimeTravel.Kind.TIMESTAMP; }
        |
            <VERSION> { kind = SqlTimeTravel.Kind.VERSION; }
        )
        <AS> <OF> e = Expression(ExprContext.ACCEPT_NON_QUERY) {
            return new SqlTimeTravel(s.end(this), tableRef, kind, e);
        }
    )
}

/** Parses {@code USE [catalog.]namespace}. */
SqlNode TidewaterUse() :
{
    final Span s;
    final SqlIdentifier name;
}
{
    <USE> { s = span(); } name = CompoundIdentifier() {
        return new SqlUse(s.end(this), SqlUse.Target.NAMESPACE, name);
    }
}

/**
 * Parses {@code SET CATALOG name} and {@code SET SCHEMA [catalog.]namespace}; any other
 * {@code SET} is Calcite's {@code SET option = value}.
 */
SqlNode TidewaterSetCurrent() :
{
    final Span s;
    final SqlUse.Target target;
    final SqlIdentifier name;
}
{
    <SET> { s = span(); }
    (
        <CATALOG> { target = SqlUse.Target.CATALOG; }
    |
        <SCHEMA> { target = SqlUse.Target.SCHEMA; }
    )
    [ <EQ> | <TO> ]
    name = CompoundIdentifier() {
        return new SqlUse(s.end(this), target, name);
    }
}
