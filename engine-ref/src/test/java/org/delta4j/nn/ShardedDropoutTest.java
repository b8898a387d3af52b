package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.layers.DropoutLayer;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A dropout mask is keyed by the step and the row's position in the step's whole batch: a shard of the batch, passed
 * with the position of its first row, is masked exactly as the same rows are in the whole batch.
 */
class ShardedDropoutTest {
  private final Engine engine = new RefEngine();

  private Tensor ones(int rows) {
    Tensor t = engine.zeros(DataType.FLOAT64, Shape.of(rows, 5));
    double[] v = new double[rows * 5];
    Arrays.fill(v, 1);
    t.copyFrom(v);
    return t;
  }

  @Test
  void aShardIsMaskedAsTheSameRowsOfTheWholeBatch() {
    DropoutLayer layer = new DropoutLayer("drop", 0.5, 99, Shape.of(5), engine, DataType.FLOAT64);
    double[] whole = layer.forward(ones(6), Mode.training(3)).toDoubleArray();
    double[] head = layer.forward(ones(2), Mode.training(3, 0)).toDoubleArray();
    double[] tail = layer.forward(ones(4), Mode.training(3, 2)).toDoubleArray();
    assertArrayEquals(Arrays.copyOfRange(whole, 0, 10), head);
    assertArrayEquals(Arrays.copyOfRange(whole, 10, 30), tail);
  }

  @Test
  void aNegativeFirstRowIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Mode.training(3, -1));
  }
}
