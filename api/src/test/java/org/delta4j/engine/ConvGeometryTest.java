package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which window geometries tile the image by 2×2 windows, the case the engines' own pooling loops take; an impossible
 * geometry is refused naming the values it was given, and one whose column matrix would not fit an array naming its
 * size.
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

  @Test
  void aGeometryWhoseColumnMatrixOutgrowsAnArrayIsRefusedNamingItsSize() {
    // 3 channels under 100×100 taps at 500×500 positions: 7.5·10⁹ values an image, which columnRows() · positions()
    // would give wrapped around
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ConvGeometry(3, 500, 500, 100, 100, 1, 1, 1, 1, 49, 49, 500, 500));
    assertTrue(e.getMessage().contains("100×100 window at 500×500 positions over 3 channels of 500×500")
        && e.getMessage().contains("7,500,000,000 values an image")
        && e.getMessage().contains("more than one array holds (2,147,483,647)"), e.getMessage());
    // an image plane of more values than an array holds, under a 1×1 window
    e = assertThrows(IllegalArgumentException.class,
        () -> new ConvGeometry(1, 50_000, 50_000, 1, 1, 50_000, 50_000, 1, 1, 0, 0, 1, 1));
    assertTrue(e.getMessage().contains("an image plane of 50000×50000, 2,500,000,000 values"), e.getMessage());
    // taps past the long range are still too many, not wrapped around into few
    int most = Integer.MAX_VALUE;
    e = assertThrows(IllegalArgumentException.class,
        () -> new ConvGeometry(most, 1, 1, most, most, 1, 1, 1, 1, most / 2, most / 2, 1, 1));
    assertTrue(e.getMessage().contains("over 9.2·10¹⁸ values an image"), e.getMessage());
    // the largest that fit: 46,340² = 2,147,395,600 positions of one tap in one channel
    assertEquals(46_340 * 46_340, new ConvGeometry(1, 46_340, 46_340, 1, 1, 1, 1, 1, 1, 0, 0, 46_340, 46_340)
        .positions());
  }
}
