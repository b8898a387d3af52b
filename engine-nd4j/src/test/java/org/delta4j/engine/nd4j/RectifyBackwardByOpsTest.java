package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The rectifiers' backward pass on ND4J's ops, taken where the vector loops cannot run (no jdk.incubator.vector, or
 * arrays past 2 GiB), gives what the rule gives, dx = x &gt; 0 ? dy : α·dy for any finite α (a negative slope too,
 * which turns a negative x into a positive output), and for ReLU x ≤ 0 ? 0 : dy: at x = NaN, where both tests fail,
 * α·dy and dy, as PyTorch's leaky_relu and relu backward.
 */
class RectifyBackwardByOpsTest {
  private static final double[] X = {-2, -0.5, 0, 1.5, 3, Double.NaN, Double.NEGATIVE_INFINITY,
      Double.POSITIVE_INFINITY};
  private static final double[] DY = {1, -2, 3, 4, -5, 6, Double.POSITIVE_INFINITY, 0.5};

  /** The rule, element by element. */
  private static double[] rule(boolean leaky, double alpha) {
    double[] dx = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      dx[i] = leaky ? (X[i] > 0 ? DY[i] : alpha * DY[i]) : X[i] <= 0 ? 0 : DY[i];
    }
    return dx;
  }

  private static double[] byOps(boolean leaky, double alpha, boolean inPlace, DataType type) {
    INDArray x = Nd4j.createFromArray(X).castTo(type).reshape(2, 4);
    INDArray dy = Nd4j.createFromArray(DY).castTo(type).reshape(2, 4);
    INDArray dx = inPlace ? dy : Nd4j.zeros(type, 2, 4);
    Nd4jKernels.rectifyBackwardByOps(leaky, alpha, x, dy, dx);
    return dx.castTo(DataType.DOUBLE).reshape(X.length).toDoubleVector();
  }

  @Test
  void leakyReluWithANegativeSlopeScalesTheGradientWhereTheInputIsNotPositive() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      for (double alpha : new double[] {-0.5, 0.1, 2}) {
        assertArrayEquals(rule(true, alpha), byOps(true, alpha, false, type), 1e-6, type + " α = " + alpha);
        assertArrayEquals(rule(true, alpha), byOps(true, alpha, true, type), 1e-6, type + " α = " + alpha
            + " into dy");
      }
    }
  }

  @Test
  void reluPassesNothingWhereTheInputIsNotPositiveNorNaN() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      assertArrayEquals(rule(false, 0), byOps(false, 0, false, type), 1e-6, type.toString());
      assertArrayEquals(rule(false, 0), byOps(false, 0, true, type), 1e-6, type + " into dy");
    }
  }
}
