package org.delta4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  @Test
  void adoptingValidatesAsClassificationDoes() {
    assertThrows(IllegalArgumentException.class,
        () -> ArrayDataset.adopting(new float[] {Float.NaN, 0}, Shape.of(2), new int[] {0}, 1, List.of("a")));
    assertThrows(IllegalArgumentException.class,
        () -> ArrayDataset.adopting(new float[] {0, 0}, Shape.of(2), new int[] {1}, 1, List.of("a")));
  }
}
