package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.Window;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reference engine's primitive kernels on small cases worked by hand, in both types: the reference every other
 * engine's primitives are compared with must itself be right.
 */
class PrimitivesTest {
  private final Engine engine = new RefEngine();
  private final Kernels k = engine.kernels();

  private Tensor m23(DataType type) {
    return engine.tensor(type, Shape.of(2, 3), 1, -2, 3, -4, 5, -6);
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void binaryBroadcastsARowAColumnAndAScalar(DataType type) {
    Tensor out = engine.zeros(type, Shape.of(2, 3));
    k.binary(BinaryOp.ADD, m23(type), engine.tensor(type, Shape.of(1, 3), 10, 20, 30), out);
    assertArrayEquals(new double[] {11, 18, 33, 6, 25, 24}, out.toDoubleArray(), "row: a[i, j] + b[j]");
    k.binary(BinaryOp.SUBTRACT, m23(type), engine.tensor(type, Shape.of(2, 1), 1, 2), out);
    assertArrayEquals(new double[] {0, -3, 2, -6, 3, -8}, out.toDoubleArray(), "column: a[i, j] − b[i]");
    k.binary(BinaryOp.MAX, m23(type), engine.tensor(type, Shape.of(1, 1), 0), out);
    assertArrayEquals(new double[] {1, 0, 3, 0, 5, 0}, out.toDoubleArray(), "scalar: max(a, 0)");
    k.binary(BinaryOp.GREATER, m23(type), engine.tensor(type, Shape.of(1, 3), 1, -3, 3), out);
    assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0}, out.toDoubleArray(), "a > b, 0 on ties");
    Tensor a = m23(type);
    k.binary(BinaryOp.DIVIDE, a, a, a);
    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, a.toDoubleArray(), "a / a in place");
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void unaryAffineAndSelectApplyTheirFormulas(DataType type) {
    Tensor y = engine.zeros(type, Shape.of(2, 3));
    k.unary(UnaryOp.ABS, m23(type), y);
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, y.toDoubleArray(), "|x|");
    k.affine(y, -0.5, 1, y);
    assertArrayEquals(new double[] {0.5, 0, -0.5, -1, -1.5, -2}, y.toDoubleArray(), "1 − x/2 in place");
    Tensor mask = engine.tensor(type, Shape.of(2, 3), 1, 0, 0, 1, 1, 0);
    k.select(mask, m23(type), y, y);
    assertArrayEquals(new double[] {1, 0, -0.5, -4, 5, -2}, y.toDoubleArray(), "mask ? a : b");
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void reduceAlongEitherAxis(DataType type) {
    Tensor row = engine.tensor(type, Shape.of(1, 3), 9, 9, 9);
    k.reduce(ReduceOp.SUM, m23(type), 0, row);
    assertArrayEquals(new double[] {-3, 3, -3}, row.toDoubleArray(), "column sums (what out held ignored)");
    Tensor column = engine.zeros(type, Shape.of(2, 1));
    k.reduce(ReduceOp.MAX, m23(type), 1, column);
    assertArrayEquals(new double[] {3, 5}, column.toDoubleArray(), "row maxima");
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void copyWindowSlicesTransposesAndRepeats(DataType type) {
    Tensor t = engine.zeros(type, Shape.of(3, 2));
    k.copyWindow(m23(type), new Window(0, 3, 2, 1, 3), t, Window.dense(0, 3, 2));
    assertArrayEquals(new double[] {1, -4, -2, 5, 3, -6}, t.toDoubleArray(), "the transpose");
    Tensor d = engine.tensor(type, Shape.of(2, 3), 7, 7, 7, 7, 7, 7);
    k.copyWindow(m23(type), new Window(1, 2, 2, 0, 1), d, new Window(1, 2, 2, 3, 1));
    assertArrayEquals(new double[] {7, -2, 3, 7, -2, 3}, d.toDoubleArray(),
        "columns 1..2 of row 0, twice, into columns 1..2; column 0 untouched");
  }
}
