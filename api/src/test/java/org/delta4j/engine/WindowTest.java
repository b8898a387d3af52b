package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A window addresses element (i, j) at offset + i·rowStride + j·columnStride, and knows when it can be written. */
class WindowTest {
  @Test
  void aDenseWindowIsRowMajor() {
    Window w = Window.dense(6, 2, 3);
    assertEquals(new Window(6, 2, 3, 3, 1), w);
    assertEquals(6 + 3 + 2, w.index(1, 2));
    assertEquals(11, w.last());
  }

  @Test
  void rowMajorAndColumnMajorWindowsAreDistinctRepeatsAndOverlapsAreNot() {
    assertTrue(Window.dense(0, 4, 5).distinct(), "rows one after another");
    assertTrue(new Window(0, 4, 5, 9, 1).distinct(), "rows with a gap (columns of a wider matrix)");
    assertTrue(new Window(0, 4, 5, 1, 4).distinct(), "a transpose");
    assertTrue(new Window(3, 1, 1, 0, 0).distinct(), "one element, whatever the strides");
    assertFalse(new Window(0, 4, 5, 0, 1).distinct(), "one row read four times");
    assertFalse(new Window(0, 4, 5, 3, 1).distinct(), "rows that overlap");
  }

  @Test
  void badWindowsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Window(0, 0, 3, 3, 1));
    assertTrue(e.getMessage().contains("0×3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Window(0, 2, 3, -3, 1));
  }

  @Test
  void aWindowWhoseLastIndexPassesTheLongLimitIsRejected() {
    // 2 · 2⁶² wraps to −2⁶³: the last index looked inside any tensor, and the reference engine read element 0 thrice
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Window(0, 3, 1, 1L << 62, 1));
    assertTrue(e.getMessage().contains("4611686018427387904") && e.getMessage().contains("3×1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Window(1, 1, 3, 0, Long.MAX_VALUE / 2 + 1));
    assertThrows(IllegalArgumentException.class, () -> new Window(Long.MAX_VALUE, 1, 2, 0, 1));
    assertEquals(Long.MAX_VALUE, new Window(Long.MAX_VALUE - 2, 1, 3, 0, 1).last());
  }
}
