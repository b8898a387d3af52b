package org.delta4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A shape has at least one dimension, each at least 1, and a size a long can count; anything else is refused. */
class ShapeTest {
  @Test
  void aShapeCountsItsElements() {
    assertEquals(24, Shape.of(2, 3, 4).size());
    assertEquals(2L * Integer.MAX_VALUE * Integer.MAX_VALUE,
        Shape.of(2, Integer.MAX_VALUE, Integer.MAX_VALUE).size());
  }

  @Test
  void missingEmptyAndNonPositiveDimensionsAreRefused() {
    assertEquals("a shape's dimensions must not be null",
        assertThrows(IllegalArgumentException.class, () -> Shape.of((int[]) null)).getMessage());
    assertEquals("a shape needs at least one dimension",
        assertThrows(IllegalArgumentException.class, Shape::of).getMessage());
    assertEquals("shape [2, 0] has a dimension < 1",
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 0)).getMessage());
  }

  @Test
  void aShapeOfMoreElementsThanALongCountsIsRefusedNamingIt() {
    int m = Integer.MAX_VALUE;
    assertEquals("shape [" + m + ", " + m + ", " + m + "] has more elements than a long counts",
        assertThrows(IllegalArgumentException.class, () -> Shape.of(m, m, m)).getMessage());
  }

  @Test
  void valuesForATensorAreOneAnElement() {
    Shape s = Shape.of(2, 3);
    s.checkValues(new float[6]);
    s.checkValues(new double[6]);
    s.checkDestination(new double[6]);
    assertEquals("source is null but the tensor [2, 3] needs 6 values",
        assertThrows(IllegalArgumentException.class, () -> s.checkValues((double[]) null)).getMessage());
    assertEquals("source has 5 values but the tensor [2, 3] has 6",
        assertThrows(IllegalArgumentException.class, () -> s.checkValues(new float[5])).getMessage());
    assertEquals("destination has no array but the tensor [2, 3] has 6",
        assertThrows(IllegalArgumentException.class, () -> s.checkDestination(null)).getMessage());
  }

  @Test
  void anAxisOutsideTheShapeIsRefusedNamingTheAxisAndTheShape() {
    Shape s = Shape.of(2, 3);
    assertEquals(3, s.dim(1));
    assertEquals("axis 2 of shape [2, 3], of rank 2",
        assertThrows(IndexOutOfBoundsException.class, () -> s.dim(2)).getMessage());
    assertEquals("axis -1 of shape [2, 3], of rank 2",
        assertThrows(IndexOutOfBoundsException.class, () -> s.dim(-1)).getMessage());
  }

  /** An index outside the shape is refused: -1 named [0, -1] and 100 named [1, 1] of a [2, 3] shape. */
  @Test
  void anElementOutsideTheShapeHasNoIndex() {
    assertEquals("[1, 2]", Shape.of(2, 3).index(5));
    assertEquals("element -1 of shape [2, 3], which holds 6",
        assertThrows(IndexOutOfBoundsException.class, () -> Shape.of(2, 3).index(-1)).getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> Shape.of(2, 3).index(100));
  }
}
