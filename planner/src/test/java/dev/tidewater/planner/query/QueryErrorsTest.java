package dev.tidewater.planner.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** How query failures become Tidewater errors. */
class QueryErrorsTest {
  @Test
  void aCalciteAssertionIsAnInternalErrorWithItsMessage() {
    TidewaterException error =
        QueryEngine.translate(
            new SQLException(
                "Error while preparing statement",
                new AssertionError("Was not expecting value 'OTHER'")));

    assertThat(error.kind()).isEqualTo(ErrorKind.INTERNAL);
    assertThat(error.getMessage())
        .isEqualTo("query failed: cannot plan the statement: Was not expecting value 'OTHER'");
  }

  @Test
  void aTidewaterErrorInTheCausesWins() {
    TidewaterException cause = TidewaterException.user("table %s has no snapshot %d", "t", 42);

    assertThat(QueryEngine.translate(new RuntimeException("wrapped", cause))).isSameAs(cause);
  }
}
