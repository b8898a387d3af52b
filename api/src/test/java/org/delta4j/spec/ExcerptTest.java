package org.delta4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A message quotes at most a hundred characters of a value, whole ones, and says how long a cut value was. */
class ExcerptTest {
  @Test
  void aValueOfAHundredCharactersIsQuotedWhole() {
    String hundred = "x".repeat(100);
    assertEquals(hundred, Excerpt.of(hundred));
    assertEquals("", Excerpt.of(""));
  }

  @Test
  void aLongerValueIsCutAndItsLengthGiven() {
    assertEquals("x".repeat(100) + "… (16777216 characters)", Excerpt.of("x".repeat(1 << 24)));
  }

  /** A character outside the basic plane is one character, two chars: never cut in half. */
  @Test
  void charactersAreCountedAndCutWhole() {
    String clefs = "𝄞".repeat(101);
    assertEquals("𝄞".repeat(100) + "… (101 characters)", Excerpt.of(clefs));
    assertEquals("𝄞".repeat(100), Excerpt.of("𝄞".repeat(100)));
  }
}
