package dev.tidewater.planner.expr;

import org.apache.calcite.rel.type.RelDataType;

/** How a SQL type's values are held in vectorized nodes. */
enum TypeFamily {
  /** Integers and decimals: longs at the type's scale. */
  EXACT,
  /** DOUBLE, FLOAT, REAL: doubles. */
  APPROXIMATE,
  /** Days since the epoch. */
  DATE,
  /** Microseconds since the epoch. */
  TIMESTAMP,
  /** UTF-8 bytes. */
  TEXT,
  BOOLEAN,
  OTHER;

  /** The family of a SQL type. */
  static TypeFamily of(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL -> TypeFamily.EXACT;
      case DOUBLE, FLOAT, REAL -> TypeFamily.APPROXIMATE;
      case DATE -> TypeFamily.DATE;
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> TypeFamily.TIMESTAMP;
      case CHAR, VARCHAR -> TypeFamily.TEXT;
      case BOOLEAN -> TypeFamily.BOOLEAN;
      default -> TypeFamily.OTHER;
    };
  }

  /** Exact or approximate numbers. */
  boolean isNumeric() {
    return this == EXACT || this == APPROXIMATE;
  }
}
