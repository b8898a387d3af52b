package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference engine's fused per-channel kernels against the plain paths they replace, over odd sizes and sizes
 * large enough to be split between the cores: the one-pass sums give the bits of two channelSums, and the one-pass
 * combination agrees with the default (run in FLOAT64) to float rounding.
 */
class RefKernelsTest {
  private final Engine engine = new RefEngine();
  private final Kernels kernels = engine.kernels();

  private double[] values(int n, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (4 * r.nextDouble() - 2); // representable in float: both types see the same inputs
    }
    return v;
  }

  /** [N, C, S]: odd sizes around the vector width, and sizes large enough to be split between the cores. */
  static List<Shape> shapes() {
    return List.of(Shape.of(1, 1, 1), Shape.of(3, 1, 7), Shape.of(2, 3, 17), Shape.of(5, 7, 33), Shape.of(3, 5, 785),
        Shape.of(4, 3, 4099));
  }

  private Tensor floats(Shape shape, long seed) {
    return engine.tensor(DataType.FLOAT32, shape, values(shape.intSize(), seed));
  }

  private Tensor zeros(Shape shape) {
    return engine.zeros(DataType.FLOAT32, shape);
  }

  /** The plain path: per-channel sums of a (b null) or a·b, by {@link Kernels#channelSums}. */
  private Tensor channelSums(Tensor a, Tensor b) {
    Tensor sums = zeros(Shape.of(a.shape().dim(1)));
    kernels.channelSums(a, b, 0, sums);
    return sums;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void channelSumsAndProductsGiveTheBitsOfTwoChannelSums(Shape shape) {
    Shape vector = Shape.of(shape.dim(1));
    Tensor a = floats(shape, 6);
    Tensor b = floats(shape, 7);
    Tensor sums = zeros(vector);
    Tensor products = zeros(vector);
    kernels.channelSumsAndProducts(a, b, sums, products);
    assertArrayEquals(channelSums(a, null).toDoubleArray(), sums.toDoubleArray());
    assertArrayEquals(channelSums(a, b).toDoubleArray(), products.toDoubleArray());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void channelShiftAndSquaresGiveTheBitsOfAShiftThenChannelSums(Shape shape) {
    Shape vector = Shape.of(shape.dim(1));
    Tensor x = floats(shape, 8);
    Tensor shift = floats(vector, 9);
    Tensor y = zeros(shape);
    Tensor squares = zeros(vector);
    kernels.channelShiftAndSquares(x, shift, y, squares);
    Tensor expectedY = zeros(shape);
    kernels.channelAffine(x, null, shift, expectedY);
    assertArrayEquals(expectedY.toDoubleArray(), y.toDoubleArray());
    assertArrayEquals(channelSums(expectedY, expectedY).toDoubleArray(), squares.toDoubleArray());
    kernels.channelShiftAndSquares(x, shift, x, squares); // in place
    assertArrayEquals(expectedY.toDoubleArray(), x.toDoubleArray());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void channelCombineAgreesWithTheDefault(Shape shape) {
    Shape vector = Shape.of(shape.dim(1));
    int channels = shape.dim(1);
    int size = shape.dim(2);
    double[] x = values(shape.intSize(), 1);
    double[] z = values(shape.intSize(), 2);
    double[] a = values(channels, 3);
    double[] b = values(channels, 4);
    double[] shift = values(channels, 5);
    double[][] results = new double[2][];
    DataType[] types = {DataType.FLOAT32, DataType.FLOAT64};
    for (int k = 0; k < 2; k++) {
      DataType t = types[k];
      Tensor y = engine.zeros(t, shape);
      kernels.channelCombine(engine.tensor(t, shape, x), engine.tensor(t, vector, a), engine.tensor(t, shape, z),
          engine.tensor(t, vector, b), engine.tensor(t, vector, shift), y, engine.zeros(t, shape));
      results[k] = y.toDoubleArray();
    }
    for (int i = 0; i < x.length; i++) {
      int c = i / size % channels;
      double expected = a[c] * x[i] + b[c] * z[i] + shift[c]; // y = a·x + b·z + shift, |terms| ≤ 2·2 + 2·2 + 2
      assertEquals(expected, results[1][i], 1e-14, "FLOAT64 (the default) at " + i);
      assertEquals(expected, results[0][i], 1e-5, "FLOAT32 (fused) at " + i);
    }
  }
}
