package org.delta4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Standardisation uses the pooled mean and standard deviation of the pixels scaled to [0, 1]. */
class NormalizationTest {
  @Test
  void standardiseComputesMeanAndStandardDeviation() {
    // Pixels 0 and 255 in equal numbers: scaled, 0 and 1, so mean 0.5 and standard deviation 0.5.
    Normalization n = Normalization.standardize(new byte[] {0, (byte) 255, 0, (byte) 255});
    assertEquals(0.5, n.mean(), 1e-12);
    assertEquals(0.5, n.std(), 1e-12);
    assertEquals(-1f, n.table()[0], 1e-6f);
    assertEquals(1f, n.table()[255], 1e-6f);
  }

  /**
   * Every constant byte, in sets of several sizes, keeps a unit scale: E[x²] − E[x]² left a rounding error for 72 of
   * the 256 values in threes (1, 2, 3...), a std of 6e-11 that blew other bytes' features up to 1e10.
   */
  @Test
  void constantPixelsKeepAUnitScale() {
    for (int n : new int[] {1, 3, 7, 1000}) {
      for (int v = 0; v < 256; v++) {
        byte[] pixels = new byte[n];
        java.util.Arrays.fill(pixels, (byte) v);
        Normalization s = Normalization.standardize(pixels);
        assertEquals(v / 255.0, s.mean(), 1e-15, v + " × " + n);
        assertEquals(1, s.std(), v + " × " + n);
      }
    }
  }

  @Test
  void invalidParametersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Normalization(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Normalization(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> Normalization.standardize(new byte[0]));
  }

  @Test
  void aNormalisationWhoseFeaturesAFloatCannotHoldIsRefused() {
    // 1 / 1e-300 is finite in double but infinite as the float feature a batch holds
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Normalization(0, 1e-300));
    assertTrue(e.getMessage().contains("byte 255") && e.getMessage().contains("beyond what a float holds"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Normalization(-1e300, 1));
    float[] table = new Normalization(0, 1e-30).table();
    assertTrue(Float.isFinite(table[255]), "1e30 is a float");
  }
}
