package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReluGate;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference engine's fused per-channel kernels against the plain paths they replace, over odd sizes and sizes
 * large enough to be split between the cores: the one-pass sums agree with two channelSums, the one-pass
 * centred sums and moments agree with their definitions (FLOAT64 to 1e-12, FLOAT32 to its rounding, also for a mean
 * far above the spread), and the one-pass combination agrees with the default (run in FLOAT64) to float rounding.
 * A fill split between the cores sets every element.
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

  /** A gate of random centre, scale and shift over {@code channels}. */
  private ReluGate gate(DataType t, int channels, long seed) {
    Shape vector = Shape.of(channels);
    return new ReluGate(engine.tensor(t, vector, values(channels, seed + 2)),
        engine.tensor(t, vector, values(channels, seed)), engine.tensor(t, vector, values(channels, seed + 1)));
  }

  /**
   * The gate's ReLU of z as the forward pass runs it, in the tensors' type: positive exactly where the gate is open.
   */
  private double[] reluAt(ReluGate gate, Tensor z) {
    Tensor relu = engine.zeros(z.dataType(), z.shape());
    kernels.channelAffineRelu(z, gate.centre(), gate.scale(), gate.shift(), relu);
    return relu.toDoubleArray();
  }

  /** The plain path: per-channel sums of a (b null) or a·b, by {@link Kernels#channelSums}. */
  private Tensor channelSums(Tensor a, Tensor b) {
    Tensor sums = zeros(Shape.of(a.shape().dim(1)));
    kernels.channelSums(a, b, 0, sums);
    return sums;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void channelSumsAndProductsAgreeWithTwoChannelSums(Shape shape) {
    Shape vector = Shape.of(shape.dim(1));
    Tensor a = floats(shape, 6);
    Tensor b = floats(shape, 7);
    Tensor sums = zeros(vector);
    Tensor products = zeros(vector);
    kernels.channelSumsAndProducts(a, b, null, null, sums, products, zeros(shape));
    assertArrayEquals(channelSums(a, null).toDoubleArray(), sums.toDoubleArray()); // float terms: the same bits
    // each product rounded to float before the double sum: within 2⁻²⁴ of the sum of |a·b| ≤ 4 per term
    double terms = (double) shape.intSize() / shape.dim(1);
    assertArrayEquals(channelSums(a, b).toDoubleArray(), products.toDoubleArray(), 4 * terms * 0x1p-24);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void channelSumsAndProductsCentreBByTheOriginAndGateA(Shape shape) {
    int channels = shape.dim(1);
    int size = shape.dim(2);
    Shape vector = Shape.of(channels);
    double[] a = values(shape.intSize(), 6);
    double[] b = values(shape.intSize(), 7);
    double[] origin = values(channels, 8);
    for (DataType t : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      Tensor bTensor = engine.tensor(t, shape, b);
      ReluGate gate = gate(t, channels, 9);
      double[] passed = reluAt(gate, bTensor);
      for (boolean gated : new boolean[] {false, true}) {
        double[] expectedSums = new double[channels];
        double[] expectedProducts = new double[channels];
        for (int i = 0; i < a.length; i++) { // the definition: Σg·a and Σg·a·(b − origin) per channel
          int c = i / size % channels;
          double g = !gated || !(passed[i] <= 0) ? 1 : 0;
          expectedSums[c] += g * a[i];
          expectedProducts[c] += g * a[i] * (b[i] - origin[c]);
        }
        Tensor sums = engine.zeros(t, vector);
        Tensor products = engine.zeros(t, vector);
        kernels.channelSumsAndProducts(engine.tensor(t, shape, a), bTensor, engine.tensor(t, vector, origin),
            gated ? gate : null, sums, products, engine.zeros(t, shape));
        // sums of up to 16 396 terms of up to 8, added in another order: rounding grows with the count
        double terms = (double) size * shape.dim(0);
        double tolerance = t == DataType.FLOAT64 ? 1e-12 * Math.max(1, terms / 100) : 1e-6 * terms;
        assertArrayEquals(expectedSums, sums.toDoubleArray(), tolerance, t + " gated " + gated);
        assertArrayEquals(expectedProducts, products.toDoubleArray(), tolerance, t + " gated " + gated);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void channelMomentsAreTheTwoPassMeanAndVariance(Shape shape) {
    int channels = shape.dim(1);
    int size = shape.dim(2);
    double m = (double) shape.intSize() / channels;
    for (double offset : new double[] {0, 1e4}) { // a mean far above the spread: one pass must not cancel
      double[] x = values(shape.intSize(), 9);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (x[i] + offset);
      }
      double[] mean = new double[channels];
      double[] variance = new double[channels];
      for (int i = 0; i < x.length; i++) { // the definition, in two passes: μ = Σx / M, σ² = Σ(x − μ)² / M
        mean[i / size % channels] += x[i] / m;
      }
      for (int i = 0; i < x.length; i++) {
        int c = i / size % channels;
        variance[c] += (x[i] - mean[c]) * (x[i] - mean[c]) / m;
      }
      for (DataType t : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
        Shape vector = Shape.of(channels);
        Tensor mu = engine.zeros(t, vector);
        Tensor sigma2 = engine.zeros(t, vector);
        kernels.channelMoments(engine.tensor(t, shape, x), mu, sigma2, engine.zeros(t, shape));
        boolean doubles = t == DataType.FLOAT64;
        assertArrayEquals(mean, mu.toDoubleArray(), doubles ? 1e-12 * (1 + offset) : 1e-6 * (1 + offset),
            t + " mean");
        assertArrayEquals(variance, sigma2.toDoubleArray(), doubles ? 1e-12 : 1e-6, t + " variance");
      }
    }
  }

  /**
   * The FLOAT32 variance stays within a few units of round-off when a channel's first value lies far from the rest:
   * with 1e4 among 65,535 values of spread 1 the one pass, shifted by that value, left σ² nine units off (2.6e-6 of it
   * with normal values), Σ(x − k)²/M and (μ − k)² cancelling.
   */
  @Test
  void channelMomentsStayAccurateWhenTheFirstValueIsFarFromTheRest() {
    Shape shape = Shape.of(64, 2, 1024);
    int m = 64 * 1024;
    double[] x = values(shape.intSize(), 13);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) x[i];
    }
    x[0] = 1e4; //        channel 0's first value
    x[1024] = -1e4; //    channel 1's
    Tensor mu = engine.zeros(DataType.FLOAT32, Shape.of(2));
    Tensor sigma2 = engine.zeros(DataType.FLOAT32, Shape.of(2));
    kernels.channelMoments(engine.tensor(DataType.FLOAT32, shape, x), mu, sigma2, zeros(shape));
    for (int c = 0; c < 2; c++) {
      double mean = 0;
      for (int s = 0; s < 64; s++) {
        for (int t = 0; t < 1024; t++) {
          mean += x[(s * 2 + c) * 1024 + t] / m;
        }
      }
      double variance = 0;
      for (int s = 0; s < 64; s++) {
        for (int t = 0; t < 1024; t++) {
          double d = x[(s * 2 + c) * 1024 + t] - mean;
          variance += d * d / m;
        }
      }
      assertEquals(mean, mu.toDoubleArray()[c], 4 * Math.ulp((float) mean) + 1e-6, "channel " + c + " mean");
      assertEquals(variance, sigma2.toDoubleArray()[c], 4 * Math.ulp((float) variance), "channel " + c + " variance");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void channelCombineIsAXPlusBZPlusShiftWithXPassedByTheGate(Shape shape) {
    Shape vector = Shape.of(shape.dim(1));
    int channels = shape.dim(1);
    int size = shape.dim(2);
    double[] x = values(shape.intSize(), 1);
    double[] z = values(shape.intSize(), 2);
    double[] a = values(channels, 3);
    double[] b = values(channels, 4);
    double[] shift = values(channels, 5);
    double[] centre = values(channels, 21);
    for (DataType t : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      Tensor zTensor = engine.tensor(t, shape, z);
      ReluGate gate = gate(t, channels, 6);
      double[] passed = reluAt(gate, zTensor);
      for (boolean gated : new boolean[] {false, true}) {
        Tensor y = engine.zeros(t, shape);
        kernels.channelCombine(engine.tensor(t, shape, x), engine.tensor(t, vector, a), zTensor,
            engine.tensor(t, vector, centre), engine.tensor(t, vector, b), engine.tensor(t, vector, shift),
            gated ? gate : null, y, engine.zeros(t, shape));
        double[] actual = y.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
          int c = i / size % channels;
          // y = a·x + b·(z − centre) + shift, |terms| ≤ 2·2 + 2·4 + 2; FLOAT64 runs the default, FLOAT32 the fused loop
          double expected = a[c] * (!gated || !(passed[i] <= 0) ? x[i] : 0) + b[c] * (z[i] - centre[c]) + shift[c];
          assertEquals(expected, actual[i], t == DataType.FLOAT64 ? 1e-14 : 1e-5, t + " gated " + gated + " at " + i);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void channelAffineReluGivesTheBitsOfChannelAffineThenRelu(Shape shape) {
    Shape vector = Shape.of(shape.dim(1));
    for (DataType t : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      Tensor x = engine.tensor(t, shape, values(shape.intSize(), 18));
      Tensor centre = engine.tensor(t, vector, values(shape.dim(1), 22));
      Tensor scale = engine.tensor(t, vector, values(shape.dim(1), 19));
      Tensor shift = engine.tensor(t, vector, values(shape.dim(1), 20));
      Tensor expected = engine.zeros(t, shape);
      kernels.channelAffine(x, centre, scale, shift, expected);
      kernels.activation(ActivationFunction.RELU, 0, expected, expected);
      Tensor y = engine.zeros(t, shape);
      kernels.channelAffineRelu(x, centre, scale, shift, y);
      assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), t.toString());
      kernels.channelAffineRelu(x, centre, scale, shift, x); // in place
      assertArrayEquals(expected.toDoubleArray(), x.toDoubleArray(), t + " in place");
    }
  }

  /** Element counts on both sides of where fill splits between the cores, and a gradient's, 784 × 256. */
  static List<Shape> fillShapes() {
    return List.of(Shape.of(1), Shape.of(32767), Shape.of(32768), Shape.of(32769), Shape.of(201, 163),
        Shape.of(784, 256));
  }

  @ParameterizedTest(name = "fill of {0}")
  @MethodSource("fillShapes")
  void fillSetsEveryElementWhicheverCoreTakesIt(Shape shape) {
    for (DataType type : DataType.values()) {
      Tensor t = engine.tensor(type, shape, values(shape.intSize(), 61));
      kernels.fill(t, -0.75);
      double[] expected = new double[shape.intSize()];
      java.util.Arrays.fill(expected, -0.75);
      assertArrayEquals(expected, t.toDoubleArray(), type + " fill of " + shape);
    }
  }

  /** Matrices on both sides of where the float addition of a row vector splits its rows between the cores. */
  static List<Shape> rowVectorShapes() {
    return List.of(Shape.of(1, 1), Shape.of(3, 17), Shape.of(127, 257), Shape.of(128, 256), Shape.of(129, 256),
        Shape.of(7, 4099));
  }

  @ParameterizedTest(name = "addRowVector on {0}")
  @MethodSource("rowVectorShapes")
  void addRowVectorAddsTheRowToEveryRowWhicheverCoreTakesIt(Shape shape) {
    int rows = shape.dim(0);
    int n = shape.dim(1);
    double[] m = values(rows * n, 71);
    double[] v = values(n, 72);
    for (DataType type : DataType.values()) {
      Tensor t = engine.tensor(type, shape, m);
      kernels.addRowVector(t, engine.tensor(type, Shape.of(n), v));
      double[] expected = new double[rows * n];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < n; j++) {
          // the sum in the tensor's type: exact in double for these float inputs, rounded once to float
          double sum = m[i * n + j] + v[j];
          expected[i * n + j] = type == DataType.FLOAT32 ? (float) sum : sum;
        }
      }
      assertArrayEquals(expected, t.toDoubleArray(), type + " addRowVector on " + shape);
    }
  }
}
