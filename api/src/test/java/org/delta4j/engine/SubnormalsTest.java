package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Flush-to-zero: below the smallest normal number 0, from it up the value itself, NaN and ∞ as they are. */
class SubnormalsTest {
  @Test
  void floatsBelowTheSmallestNormalAreZeroAndTheRestThemselves() {
    assertEquals(0f, Subnormals.flush(Math.nextDown(Float.MIN_NORMAL)));
    assertEquals(0f, Subnormals.flush(-Float.MIN_VALUE));
    assertEquals(Float.MIN_NORMAL, Subnormals.flush(Float.MIN_NORMAL));
    assertEquals(-Float.MIN_NORMAL, Subnormals.flush(-Float.MIN_NORMAL));
    assertEquals(0f, Subnormals.flush(-0f)); // −0 is below the smallest normal too: +0, as every flushed value
    assertEquals(Float.NaN, Subnormals.flush(Float.NaN));
    assertEquals(Float.NEGATIVE_INFINITY, Subnormals.flush(Float.NEGATIVE_INFINITY));
    assertEquals(1.5f, Subnormals.flush(1.5f));
  }

  @Test
  void doublesBelowTheSmallestNormalAreZeroAndTheRestThemselves() {
    assertEquals(0, Subnormals.flush(Math.nextDown(Double.MIN_NORMAL)));
    assertEquals(0, Subnormals.flush(-Double.MIN_VALUE));
    assertEquals(0, Subnormals.flush((double) Float.MIN_VALUE * 0x1p-1000)); // subnormal in double
    assertEquals(Double.MIN_NORMAL, Subnormals.flush(Double.MIN_NORMAL));
    assertEquals((double) Float.MIN_VALUE, Subnormals.flush((double) Float.MIN_VALUE)); // normal in double
    assertEquals(Double.NaN, Subnormals.flush(Double.NaN));
    assertEquals(Double.POSITIVE_INFINITY, Subnormals.flush(Double.POSITIVE_INFINITY));
  }
}
