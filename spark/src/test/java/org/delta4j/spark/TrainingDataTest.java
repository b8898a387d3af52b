package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.ml.linalg.Vectors;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;

/** A features cell is read and checked without Spark running: the rules every row of training and transform meets. */
class TrainingDataTest {
  /**
   * A sparse vector is judged by its size before its values are spread out: one of a billion values (a few of them
   * set), which spread would take 8 GB, is refused naming its size, not read into an array first.
   */
  @Test
  void aSparseVectorOfAnotherSizeIsRefusedBeforeItsValuesAreSpreadOut() {
    Object huge = Vectors.sparse(1_000_000_000, new int[] {3, 999_999_999}, new double[] {1, 2});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingData.checkedFeatures(huge, "features", 6, DataType.FLOAT32, "row 7"));
    assertEquals("features column 'features' has 1000000000 values in row 7 but the network takes 6 inputs",
        e.getMessage());
  }

  @Test
  void aSparseVectorOfTheNetworksSizeIsReadWithItsZeros() {
    Object sparse = Vectors.sparse(4, new int[] {1, 3}, new double[] {-2, 5});
    assertArrayEquals(new double[] {0, -2, 0, 5},
        TrainingData.checkedFeatures(sparse, "features", 4, DataType.FLOAT64, "row 0"));
  }
}
