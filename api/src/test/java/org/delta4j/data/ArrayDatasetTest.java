package org.delta4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;

/** A classification dataset copies what it is given, unless it is handed the arrays to keep. */
class ArrayDatasetTest {
  private static float[] first(Dataset d) {
    float[] x = new float[2];
    d.fill(new int[] {0}, 0, 1, x, new float[2]);
    return x;
  }

  @Test
  void classificationCopiesAndAdoptingKeepsTheArrays() {
    float[] features = {1, 2, 3, 4};
    int[] labels = {0, 1};
    ArrayDataset copied = ArrayDataset.classification(features, Shape.of(2), labels, 2, List.of("a", "b"));
    ArrayDataset adopted = ArrayDataset.adopting(features, Shape.of(2), labels, 2, List.of("a", "b"));
    features[0] = 9;
    assertArrayEquals(new float[] {1, 2}, first(copied));
    assertArrayEquals(new float[] {9, 2}, first(adopted), "no second copy of a large table");
  }

  /** Flat samples feed any input of their size; shaped ones only an input of their shape. */
  @Test
  void samplesFitAnInputOfTheirShapeOrFlatOnesOfTheirSize() {
    Dataset flat = ArrayDataset.classification(new float[8], Shape.of(4), new int[] {0, 1}, 2, List.of("a", "b"));
    assertTrue(flat.fitsInput(Shape.of(4)));
    assertTrue(flat.fitsInput(Shape.of(1, 2, 2)));
    assertFalse(flat.fitsInput(Shape.of(5)));
    Dataset square = ArrayDataset.classification(new float[8], Shape.of(2, 2), new int[] {0, 1}, 2, List.of("a", "b"));
    assertTrue(square.fitsInput(Shape.of(2, 2)));
    assertFalse(square.fitsInput(Shape.of(4)), "a shaped sample is not flattened to fit");
    assertFalse(square.fitsInput(Shape.of(1, 2, 2)));
  }

  @Test
  void adoptingValidatesAsClassificationDoes() {
    assertThrows(IllegalArgumentException.class,
        () -> ArrayDataset.adopting(new float[] {Float.NaN, 0}, Shape.of(2), new int[] {0}, 1, List.of("a")));
    assertThrows(IllegalArgumentException.class,
        () -> ArrayDataset.adopting(new float[] {0, 0}, Shape.of(2), new int[] {1}, 1, List.of("a")));
  }

  @Test
  void aNullClassNameIsRefusedNamingItsPlace() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> ArrayDataset.classification(
        new float[] {0, 0}, Shape.of(1), new int[] {0, 1}, 2, java.util.Arrays.asList("shirt", null)));
    assertEquals("class name 1 of [shirt, null] is null", e.getMessage());
  }

  @Test
  void rowsHoldingMoreValuesThanAnArrayAreRefusedNotWrappedAround() {
    // 50,000 rows of 50,000 values (one row shared, so the test needs no 10 GB): 2.5·10⁹ values wrapped to a negative
    // array size in int, 65,537 rows of 65,537 to an array of 131,073 that the second row overran
    for (int w : new int[] {50_000, 65_537}) {
      float[][] rows = new float[w][];
      java.util.Arrays.fill(rows, new float[w]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ArrayDataset.classification(rows, new int[w], 1));
      assertTrue(e.getMessage().contains((long) w * w + " values") && e.getMessage().contains(w + " rows"),
          e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> ArrayDataset.regression(rows, rows));
    }
  }

  @Test
  void aLabelOrBatchOutsideTheDataIsRefusedNamingTheIndex() {
    ArrayDataset data = ArrayDataset.classification(new float[][] {{1, 2}, {3, 4}}, new int[] {0, 1}, 2);
    assertEquals("sample 2 is outside the dataset's 2 samples",
        assertThrows(IndexOutOfBoundsException.class, () -> data.label(2)).getMessage());
    assertEquals("fill: order[0] is sample -1, outside the dataset's 2 samples",
        assertThrows(IndexOutOfBoundsException.class,
            () -> data.fill(new int[] {-1}, 0, 1, new float[2], new float[2])).getMessage());
    assertEquals("sample 1 is outside the dataset's 1 samples",
        assertThrows(IndexOutOfBoundsException.class, () -> data.subset(new int[] {1}).label(1)).getMessage());
  }

  /** The default names "0", "1"... are a view: a class count too large for a list of names costs no memory. */
  @Test
  void defaultClassNamesCountTheClassesWithoutHoldingThem() {
    ArrayDataset data = ArrayDataset.classification(new float[][] {{1}}, new int[] {0}, Integer.MAX_VALUE);
    assertEquals(Integer.MAX_VALUE, data.classNames().size());
    assertEquals("2147483646", data.classNames().get(Integer.MAX_VALUE - 1));
  }
}
