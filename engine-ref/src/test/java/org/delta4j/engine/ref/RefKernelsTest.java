package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  @ParameterizedTest(name = "[{0}, {1}, {2}]")
  @CsvSource({"1, 1, 1", "3, 1, 7", "2, 3, 17", "5, 7, 33", "3, 5, 785", "4, 3, 4099"})
  void channelSumsAndProductsGiveTheBitsOfTwoChannelSums(int n, int channels, int size) {
    Shape shape = Shape.of(n, channels, size);
    Shape vector = Shape.of(channels);
    Tensor a = engine.tensor(DataType.FLOAT32, shape, values(n * channels * size, 6));
    Tensor b = engine.tensor(DataType.FLOAT32, shape, values(n * channels * size, 7));
    Tensor sums = engine.zeros(DataType.FLOAT32, vector);
    Tensor products = engine.zeros(DataType.FLOAT32, vector);
    Tensor expectedSums = engine.zeros(DataType.FLOAT32, vector);
    Tensor expectedProducts = engine.zeros(DataType.FLOAT32, vector);
    kernels.channelSumsAndProducts(a, b, sums, products);
    kernels.channelSums(a, null, 0, expectedSums);
    kernels.channelSums(a, b, 0, expectedProducts);
    assertArrayEquals(expectedSums.toDoubleArray(), sums.toDoubleArray());
    assertArrayEquals(expectedProducts.toDoubleArray(), products.toDoubleArray());
  }

  @ParameterizedTest(name = "[{0}, {1}, {2}]")
  @CsvSource({"1, 1, 1", "3, 1, 7", "2, 3, 17", "5, 7, 33", "3, 5, 785", "4, 3, 4099"})
  void channelCombineAgreesWithTheDefault(int n, int channels, int size) {
    Shape shape = Shape.of(n, channels, size);
    Shape vector = Shape.of(channels);
    double[] x = values(n * channels * size, 1);
    double[] z = values(n * channels * size, 2);
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
