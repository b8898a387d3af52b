package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which window geometries tile the image by 2×2 windows, the case the engines' own pooling loops take; an impossible
 * geometry is refused naming the values it was given.
 */
class ConvGeometryTest {
  @ParameterizedTest(name = "{0}×{1}")
  @CsvSource({"2, 2", "28, 28", "5, 7", "3, 2"})
  void twoByTwoWindowsOfStride2TileAnyImage(int height, int width) {
    // an odd height or width leaves its last row or column under no window
    assertTrue(new ConvGeometry(3, height, width, 2, 2, 2, 2, 1, 1, 0, 0, height / 2, width / 2).tilesBy2x2());
  }

  @ParameterizedTest(name = "kernel {0}×{1} stride {2}, padding {3}")
  @CsvSource({"3, 3, 3, 0", "2, 2, 1, 0", "2, 2, 2, 1", "2, 3, 2, 0"})
  void otherWindowsDoNot(int kh, int kw, int stride, int pad) {
    ConvGeometry g = new ConvGeometry(1, 8, 8, kh, kw, stride, stride, 1, 1, pad, pad, (8 + 2 * pad - kh) / stride + 1,
        (8 + 2 * pad - kw) / stride + 1);
    assertFalse(g.tilesBy2x2());
  }

  @Test
  void dilatedWindowsOrMoreOutputsThanTheImageHoldsDoNot() {
    assertFalse(new ConvGeometry(1, 8, 8, 2, 2, 2, 2, 2, 2, 0, 0, 3, 3).tilesBy2x2());
    assertFalse(new ConvGeometry(1, 8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 5, 4).tilesBy2x2());
  }

  @Test
  void anImpossibleGeometryIsReportedWithTheValuesGiven() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ConvGeometry(3, 8, 7, 2, 2, 2, 2, 1, 1, 0, 0, 0, 3));
    // a record's compact constructor assigns its fields only after its body: the values are the parameters'
    assertTrue(e.getMessage().contains("channels=3, height=8, width=7") && e.getMessage().contains("outputHeight=0,"),
        e.getMessage());
  }
}
