package org.delta4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.delta4j.random.SplitMix64;
import org.junit.jupiter.api.Test;

/** The fan-based initializers draw within their bounds for any fans a parameter may declare, and refuse others. */
class InitializerTest {
  @Test
  void xavierBoundsHoldForFansWhoseSumPassesTheIntLimit() {
    // fan-in + fan-out = 2³² − 2 wraps to −2 in int: the bound √(6 / −2) was NaN and every draw NaN
    for (Initializer init : new Initializer[] {Initializer.xavierUniform(), Initializer.xavierNormal()}) {
      double[] values = new double[64];
      init.fill(values, Integer.MAX_VALUE, Integer.MAX_VALUE, new SplitMix64(1));
      double bound = Math.sqrt(6.0 / (2.0 * Integer.MAX_VALUE));
      for (double v : values) {
        assertTrue(Double.isFinite(v) && Math.abs(v) <= 10 * bound, init + " drew " + v);
      }
    }
  }

  @Test
  void fansBelowOneAreRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Initializer.heUniform().fill(new double[4], 0, 3, new SplitMix64(1)));
    assertTrue(e.getMessage().contains("fan-in") && e.getMessage().contains("0"), e.getMessage());
  }

  /** A constant may be any finite value, negative too; one that is not finite is refused as a value, not a scale. */
  @Test
  void aConstantIsAnyFiniteValue() {
    assertEquals(-2.5, Initializer.constant(-2.5).scale());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Initializer.constant(Double.NaN));
    assertEquals("initializer CONSTANT needs a finite value, got NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Initializer.uniform(-1));
    assertEquals("initializer UNIFORM needs a finite, non-negative scale, got -1.0", e.getMessage());
  }
}
