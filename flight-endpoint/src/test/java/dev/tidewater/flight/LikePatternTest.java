package dev.tidewater.flight;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LikePatternTest {
  @Test
  void percentAndUnderscoreAreWildcards() {
    LikePattern pattern = LikePattern.compile("de%_x");
    assertThat(pattern.matches("demo_x")).isTrue();
    assertThat(pattern.matches("deax")).isTrue();
    assertThat(pattern.matches("dex")).isFalse();
    assertThat(pattern.exactName()).isNull();
  }

  @Test
  void backslashEscapesAWildcard() {
    LikePattern pattern = LikePattern.compile("demo\\_x");
    assertThat(pattern.matches("demo_x")).isTrue();
    assertThat(pattern.matches("demoax")).isFalse();
    assertThat(pattern.exactName()).isEqualTo("demo_x");
  }

  @Test
  void regexCharactersAreLiteralAndNullMatchesEverything() {
    assertThat(LikePattern.compile("a.b(c)").matches("a.b(c)")).isTrue();
    assertThat(LikePattern.compile("a.b").matches("axb")).isFalse();
    assertThat(LikePattern.compile(null).matches("anything")).isTrue();
    assertThat(LikePattern.compile(null).exactName()).isNull();
  }
}
