package org.delta4j.conformance;

import static org.delta4j.conformance.Agreement.assertAgree;
import static org.delta4j.conformance.LayerAgreement.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Engine;
import org.delta4j.engine.EngineProvider;
import org.delta4j.engine.EngineStatus;
import org.delta4j.engine.EngineUnavailableException;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ImageLoops;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReluGate;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.gradcheck.GradientCheckResult;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.nn.layers.ActivationLayer;
import org.delta4j.nn.layers.DenseLayer;
import org.delta4j.nn.layers.DropoutLayer;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.BatchNorm;
import org.delta4j.spec.Conv2D;
import org.delta4j.spec.Flatten;
import org.delta4j.spec.GlobalAveragePool2D;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerKind;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.Pool2D;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.delta4j.train.EpochResult;
import org.delta4j.train.History;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite: every layer, activation, loss, optimizer, schedule and initializer, and the raw kernels (the
 * primitives in {@link PrimitiveConformance}, which this class extends, so that every engine runs both), in
 * FLOAT32 and FLOAT64, on shapes that include a batch of 1, odd sizes and rank &gt; 2 inputs, agree with the reference
 * engine within {@link Tolerances}; gradient checks pass on the engine itself; a network trained for a few epochs
 * ends where the reference's does; and the engine is found and selected through {@link Engines}. An engine module runs
 * it by extending this class and returning its engine from {@link #engine()}.
 */
public abstract class EngineConformance extends AutodiffConformance {
  private final Engine reference = new RefEngine();

  /** The engine under test. */
  protected abstract Engine engine();

  // ---------------------------------------------------------------- kernels

  static Stream<Arguments> gemmCases() {
    List<Arguments> cases = new ArrayList<>();
    // square ones too, where a transpose ignored still fits the shapes
    int[][] sizes = {{1, 1, 1}, {1, 7, 3}, {5, 1, 4}, {5, 5, 5}, {7, 5, 3}, {33, 17, 9}, {64, 70, 65}};
    for (DataType type : DataType.values()) {
      for (int[] mkn : sizes) {
        for (int flags = 0; flags < 4; flags++) {
          cases.add(Arguments.of(type, mkn[0], mkn[1], mkn[2], (flags & 1) != 0, (flags & 2) != 0));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} gemm m={1} k={2} n={3} transposeA={4} transposeB={5}")
  @MethodSource("gemmCases")
  void gemmAgrees(DataType type, int m, int k, int n, boolean ta, boolean tb) {
    Shape as = ta ? Shape.of(k, m) : Shape.of(m, k);
    Shape bs = tb ? Shape.of(n, k) : Shape.of(k, n);
    double[] a = random(reference, DataType.FLOAT64, as, 1, 1).toDoubleArray();
    double[] b = random(reference, DataType.FLOAT64, bs, 2, 1).toDoubleArray();
    double[] c = random(reference, DataType.FLOAT64, Shape.of(m, n), 3, 1).toDoubleArray();
    double[] nan = new double[m * n];
    java.util.Arrays.fill(nan, Double.NaN);
    for (double[] ab : new double[][] {{1, 0}, {0.5, 1}, {-2, 0.25}}) {
      double[] before = ab[1] == 0 ? nan : c; // β = 0 ignores what C held, NaN included
      Tensor ce = reference.tensor(type, Shape.of(m, n), before);
      Tensor ca = engine().tensor(type, Shape.of(m, n), before);
      reference.kernels().gemm(reference.tensor(type, as, a), ta, reference.tensor(type, bs, b), tb, ab[0], ab[1], ce);
      engine().kernels().gemm(engine().tensor(type, as, a), ta, engine().tensor(type, bs, b), tb, ab[0], ab[1], ca);
      assertAgree("gemm α=" + ab[0] + " β=" + ab[1], ce, ca, Tolerances.of(type));
    }
  }

  /**
   * A Dense layer's X·W + b ({@link org.delta4j.engine.Kernels#linear}) is the product, then the row added, to the
   * bit, on one sample, on a batch, on a product of more inputs than samples and outputs (which an engine may sum in
   * parts over the inputs), and without a bias; over what Y held before, NaN included; and it agrees with the
   * reference engine.
   */
  @ParameterizedTest(name = "{0} linear N={1} in={2} units={3} bias={4}")
  @MethodSource("linearCases")
  void linearIsTheProductThenTheRow(DataType type, int rows, int in, int units, boolean withBias) {
    double[] x = random(reference, DataType.FLOAT64, Shape.of(rows, in), 4, 1).toDoubleArray();
    double[] w = random(reference, DataType.FLOAT64, Shape.of(in, units), 5, 1).toDoubleArray();
    double[] b = random(reference, DataType.FLOAT64, Shape.of(units), 6, 1).toDoubleArray();
    double[] nan = new double[rows * units];
    java.util.Arrays.fill(nan, Double.NaN);
    Tensor[] fused = new Tensor[2];
    int i = 0;
    for (Engine e : List.of(reference, engine())) {
      Tensor xt = e.tensor(type, Shape.of(rows, in), x);
      Tensor wt = e.tensor(type, Shape.of(in, units), w);
      Tensor bt = withBias ? e.tensor(type, Shape.of(units), b) : null;
      Tensor y = e.tensor(type, Shape.of(rows, units), nan);
      e.kernels().linear(xt, wt, bt, y);
      Tensor apart = e.tensor(type, Shape.of(rows, units), nan);
      e.kernels().gemm(xt, false, wt, false, 1, 0, apart);
      if (withBias) {
        e.kernels().addRowVector(apart, bt);
      }
      assertEquals(java.util.Arrays.toString(apart.toDoubleArray()), java.util.Arrays.toString(y.toDoubleArray()),
          e.name() + ": linear against gemm, then addRowVector");
      fused[i++] = y;
    }
    assertAgree("linear", fused[0], fused[1], Tolerances.of(type));
  }

  static Stream<Arguments> linearCases() {
    List<Arguments> cases = new ArrayList<>();
    int[][] sizes = {{1, 7, 3}, {5, 3, 4}, {33, 17, 9}, {64, 784, 128}, {128, 300, 10}, {300, 20, 70}, {1024, 64, 128}};
    for (DataType type : DataType.values()) {
      for (int[] s : sizes) {
        for (boolean bias : new boolean[] {true, false}) {
          cases.add(Arguments.of(type, s[0], s[1], s[2], bias));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void gemmWithZeroBetaIgnoresNaNInTheOutput(DataType type) {
    Tensor c = engine().tensor(type, Shape.of(2, 2), Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    Tensor a = engine().tensor(type, Shape.of(2, 2), 1, 2, 3, 4);
    engine().kernels().gemm(a, false, a, false, 1, 0, c);
    assertAgree("gemm with β = 0 over NaN", new double[] {7, 10, 15, 22}, c.toDoubleArray(), Tolerances.of(type));
  }

  /** With α = 0 neither matrix is read, as in BLAS: C ← β·C, though they hold NaN. */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void gemmWithZeroAlphaReadsNeitherMatrix(DataType type) {
    Tensor a = engine().tensor(type, Shape.of(2, 2), Double.NaN, 1, 2, Double.POSITIVE_INFINITY);
    Tensor c = engine().tensor(type, Shape.of(2, 2), 1, 2, 3, 4);
    engine().kernels().gemm(a, false, a, true, 0, 0.5, c);
    assertAgree("gemm with α = 0 of NaN", new double[] {0.5, 1, 1.5, 2}, c.toDoubleArray(), Tolerances.of(type));
    engine().kernels().gemm(a, true, a, false, 0, 0, c);
    assertAgree("gemm with α = β = 0 of NaN", new double[] {0, 0, 0, 0}, c.toDoubleArray(), Tolerances.of(type));
  }

  /** A null type, shape or array of values is refused by name; a null type once made a FLOAT64 tensor, or none. */
  @Test
  void nullArgumentsToTheEngineAreRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> engine().zeros(null, Shape.of(2, 3)));
    assertTrue(e.getMessage().contains("data type is null") && e.getMessage().contains("[2, 3]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> engine().zeros(DataType.FLOAT32, null));
    assertTrue(e.getMessage().contains("shape") && e.getMessage().contains("null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> engine().tensor(DataType.FLOAT64, Shape.of(2), (double[]) null));
    assertTrue(e.getMessage().contains("values") && e.getMessage().contains("[2]"), e.getMessage());
  }

  /** A network refuses a null spec, engine, type, mode or targets by name, before it reaches a layer. */
  @Test
  void nullArgumentsToANetworkAreRefusedByName() {
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Network.create(spec, engine(), null));
    assertTrue(e.getMessage().contains("data type null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Network.create(spec, null));
    assertTrue(e.getMessage().contains("engine null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Network.create(null, engine()));
    assertTrue(e.getMessage().contains("spec null"), e.getMessage());
    Network network = Network.create(spec, engine());
    Tensor x = engine().tensor(DataType.FLOAT32, Shape.of(1, 3), 1, 2, 3);
    e = assertThrows(IllegalArgumentException.class, () -> network.forward(x, null));
    assertTrue(e.getMessage().contains("mode is null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> network.trainStep(x, null));
    assertTrue(e.getMessage().contains("targets are null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> network.loss(x, null));
    assertTrue(e.getMessage().contains("targets are null"), e.getMessage());
    assertEquals(0, network.optimizer().iterations(), "a refused step is no step");
  }

  /**
   * ReLU passes nothing back where its input is ≤ 0, whatever the gradient there (an infinite one gave 0·∞ = NaN on
   * some engines), and dy elsewhere, at NaN too, as PyTorch's relu (threshold_backward zeroes only where x ≤ 0); its
   * forward pass is max(x, 0) as Math.max takes it. Leaky ReLU takes α·dy wherever x &gt; 0 fails, at NaN too, as
   * PyTorch's leaky_relu. On a small tensor, its last value NaN in the vector loops' tail, and on one past the sizes
   * engines take a shortcut for.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void reluGatesNonFiniteValuesAsTheReferenceEngineDoes(DataType type) {
    double inf = Double.POSITIVE_INFINITY;
    double nan = Double.NaN;
    double[] x0 = {-1, 0, 2, -inf, nan, 3, inf, -0.5, nan};
    double[] dy0 = {inf, nan, 5, -inf, 1, nan, 2, -inf, 4};
    for (int n : new int[] {x0.length, 70_001}) {
      double[] x = new double[n];
      double[] dy = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = i < x0.length ? x0[i] : i == n - 1 ? nan : Math.sin(i);
        dy[i] = i < dy0.length ? dy0[i] : Math.cos(i);
      }
      for (ActivationFunction f : List.of(ActivationFunction.RELU, ActivationFunction.LEAKY_RELU)) {
        String what = type + " " + f + " of " + n + " values";
        Tensor[] expected = rectified(reference, type, f, x, dy);
        Tensor[] actual = rectified(engine(), type, f, x, dy);
        assertAgree(what + " forward", expected[0], actual[0], Tolerances.of(type));
        assertAgree(what + " backward", expected[1], actual[1], Tolerances.of(type));
      }
    }
    Tensor[] small = rectified(engine(), type, ActivationFunction.RELU, x0, dy0);
    double[] forward = new double[x0.length];
    double[] backward = new double[x0.length];
    for (int i = 0; i < x0.length; i++) {
      forward[i] = Math.max(x0[i], 0);
      backward[i] = x0[i] <= 0 ? 0 : dy0[i];
    }
    assertAgree(type + " ReLU forward", forward, small[0].toDoubleArray(), Tolerances.of(type));
    assertAgree(type + " ReLU backward", backward, small[1].toDoubleArray(), Tolerances.of(type));
    Tensor[] leaky = rectified(engine(), type, ActivationFunction.LEAKY_RELU, x0, dy0);
    for (int i = 0; i < x0.length; i++) {
      forward[i] = x0[i] > 0 ? x0[i] : 0.1 * x0[i];
      backward[i] = x0[i] > 0 ? dy0[i] : 0.1 * dy0[i];
    }
    assertAgree(type + " leaky ReLU forward", forward, leaky[0].toDoubleArray(), Tolerances.of(type));
    assertAgree(type + " leaky ReLU backward", backward, leaky[1].toDoubleArray(), Tolerances.of(type));
  }

  /**
   * The ReLU gate fused into a batch normalisation's backward pass is open where ReLU's backward pass passes its
   * gradient, at NaN too, and closed at 0, −0 and −∞ as it is: Σ over a channel of the gated gradient takes a where the
   * reference engine's ReLU backward pass at z does. So does the gated combination a·g·x + 0·z, over z with 0 for
   * its NaN and infinities (0·∞ would be NaN), through a gate shifted by NaN in its second channel. On planes of 35
   * values, past the vector loops' width with a tail.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void theFusedReluGateOpensWhereReluBackwardPasses(DataType type) {
    double[] special = {Double.NaN, -0.0, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -1e-30, 1e-30};
    int n = 2;
    int c = 2;
    int plane = 35;
    double[] z = new double[n * c * plane];
    double[] a = new double[z.length];
    double[] finite = new double[z.length]; // z, 0 where it is not finite
    double[] shifted = new double[z.length]; // finite shifted by the second gate: NaN in channel 1
    for (int i = 0; i < z.length; i++) {
      z[i] = i % 5 == 0 ? special[(i / 5) % special.length] : Math.sin(i);
      a[i] = Math.cos(i);
      finite[i] = Double.isFinite(z[i]) ? z[i] : 0;
      shifted[i] = (i / plane) % c == 1 ? Double.NaN : finite[i];
    }
    double[] passed = rectified(reference, type, ActivationFunction.RELU, z, a)[1].toDoubleArray();
    double[] expected = new double[c];
    for (int i = 0; i < z.length; i++) {
      expected[(i / plane) % c] += passed[i];
    }
    Engine e = engine();
    Shape s = Shape.of(n, c, 5, 7);
    Tensor sums = e.zeros(type, Shape.of(c));
    Tensor ones = e.tensor(type, Shape.of(c), 1, 1);
    Tensor zeros = e.zeros(type, Shape.of(c));
    e.kernels().channelSumsAndProducts(e.tensor(type, s, a), e.tensor(type, s, z), null, new ReluGate(ones, zeros),
        sums, e.zeros(type, Shape.of(c)), e.zeros(type, s));
    assertAgree(type + " gated sums", expected, sums.toDoubleArray(), Tolerances.of(type));

    Tensor combined = e.zeros(type, s);
    ReluGate nanShifted = new ReluGate(ones, e.tensor(type, Shape.of(c), 0, Double.NaN));
    e.kernels().channelCombine(e.tensor(type, s, a), ones, e.tensor(type, s, finite), null, zeros, zeros, nanShifted,
        combined, e.zeros(type, s));
    assertAgree(type + " gated combination", rectified(reference, type, ActivationFunction.RELU, shifted, a)[1]
        .toDoubleArray(), combined.toDoubleArray(), Tolerances.of(type));
  }

  /**
   * A closed gate takes its a as 0, and 0 times an infinite b − origin is NaN: the gated Σa·(b − origin) is NaN, as
   * the default's ReLU backward pass then product give it (and PyTorch's batch norm after relu's backward pass), and
   * Σa is the open elements' sum, wherever in a plane of 35 the closed element lies. The reference engine's FLOAT64
   * loop and the ND4J engine's FLOAT32 loop past its last whole vector skipped a closed element and gave 0 there, while
   * the ND4J vector loop gave NaN: one channel's sums depended on where its infinity sat.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void aClosedGateTimesAnInfiniteCentredValueIsNaN(DataType type) {
    Engine e = engine();
    Shape s = Shape.of(1, 1, 5, 7);
    Tensor one = e.tensor(type, Shape.of(1), 1);
    ReluGate negated = new ReluGate(e.tensor(type, Shape.of(1), -1), e.zeros(type, Shape.of(1))); // open at b < 0
    for (int at : new int[] {0, 17, 34}) {
      double[] b = new double[35];
      java.util.Arrays.fill(b, -2);
      b[at] = Double.POSITIVE_INFINITY;
      double[] a = new double[35];
      java.util.Arrays.fill(a, 1);
      Tensor sums = e.zeros(type, Shape.of(1));
      Tensor products = e.zeros(type, Shape.of(1));
      e.kernels().channelSumsAndProducts(e.tensor(type, s, a), e.tensor(type, s, b), one, negated, sums, products,
          e.zeros(type, s));
      assertEquals("[34.0, NaN]", java.util.Arrays.toString(new double[] {sums.getDouble(0), products.getDouble(0)}),
          type + " gated sums with ∞ at " + at);
    }
  }

  /** {f(x), f′(x)·dy} on {@code e}, x and dy of shape [1, n]. */
  private static Tensor[] rectified(Engine e, DataType type, ActivationFunction f, double[] x, double[] dy) {
    Shape s = Shape.of(1, x.length);
    Tensor tx = e.tensor(type, s, x);
    Tensor y = e.zeros(type, s);
    Tensor dx = e.zeros(type, s);
    e.kernels().activation(f, 0.1, tx, y);
    e.kernels().activationBackward(f, 0.1, tx, y, e.tensor(type, s, dy), dx);
    return new Tensor[] {y, dx};
  }

  /**
   * A network whose output is an image ([F, H, W] a sample) trains with its loss over each sample's flattened output;
   * its probabilities and classes read that output the same way, on every engine (they once refused any rank but 2).
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void imageOutputsAreReadAsTheLossReadsThem(DataType type) {
    NetworkSpec spec = NetworkSpec.builder().input(1, 4, 4).conv2d(2, 3, Padding.VALID)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).seed(3).build();
    Map<String, double[]> results = new LinkedHashMap<>();
    int[] classes = new int[3];
    for (Engine e : List.of(reference, engine())) {
      Network net = Network.create(spec, e, type);
      Tensor x = random(e, type, Shape.of(3, 1, 4, 4), 7, 1);
      double[] t = new double[24];
      t[5] = 1;
      t[8] = 1;
      t[23] = 1;
      net.trainStep(x, e.tensor(type, Shape.of(3, 2, 2, 2), t));
      Tensor p = net.probabilities(x);
      assertEquals(Shape.of(3, 2, 2, 2), p.shape());
      double[] probabilities = p.toDoubleArray();
      double[] logits = net.output().toDoubleArray();
      net.predictClasses(x, classes);
      for (int n = 0; n < 3; n++) {
        double sum = 0;
        int best = 0;
        for (int j = 0; j < 8; j++) {
          sum += probabilities[8 * n + j];
          best = logits[8 * n + j] > logits[8 * n + best] ? j : best;
        }
        assertEquals(1, sum, 1e-5, "sample " + n + "'s probabilities");
        assertEquals(best, classes[n], "sample " + n + "'s class");
      }
      assertEquals(java.util.Arrays.toString(classes),
          java.util.Arrays.toString(net.predictor().classes(rows(x))), "the predictor's classes");
      results.put(e.name() + " " + results.size(), probabilities);
    }
    List<double[]> both = new ArrayList<>(results.values());
    assertAgree(type + " probabilities of image outputs", both.get(0), both.get(1), Tolerances.of(type));
  }

  /** A batch's samples as rows of features. */
  private static float[][] rows(Tensor x) {
    float[] flat = x.toFloatArray();
    int n = x.shape().dim(0);
    int width = flat.length / n;
    float[][] rows = new float[n][width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * width, rows[i], 0, width);
    }
    return rows;
  }

  /**
   * A refused training step leaves the model as it was, batch norm's running statistics included: a batch holding a
   * NaN once made them NaN, and every later output with them, though the step was refused.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void aRefusedStepLeavesTheRunningStatisticsAsTheyWere(DataType type) {
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(4).batchNorm().relu().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).seed(6).build();
    Network net = Network.create(spec, engine(), type);
    Tensor x = engine().tensor(type, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    Tensor t = engine().tensor(type, Shape.of(2, 2), 1, 0, 0, 1);
    net.trainStep(x, t);
    Map<String, String> before = new LinkedHashMap<>();
    net.buffers().forEach((name, b) -> before.put(name, java.util.Arrays.toString(b.toDoubleArray())));
    double loss = net.loss(x, t);
    Tensor nan = engine().tensor(type, Shape.of(2, 3), Double.NaN, 2, 3, 4, 5, 6);
    assertThrows(ArithmeticException.class, () -> net.trainStep(nan, t));
    assertThrows(IllegalArgumentException.class, () -> net.trainStep(x, engine().zeros(type, Shape.of(2, 3))));
    net.buffers().forEach((name, b) -> assertEquals(before.get(name), java.util.Arrays.toString(b.toDoubleArray()),
        name + " after the refused steps"));
    assertEquals(loss, net.loss(x, t), 0, "the loss after the refused steps");
    assertEquals(1, net.optimizer().iterations(), "one step taken");
  }

  /** copyTo fills the caller's array with what toDoubleArray returns, and names both sizes when they differ. */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void copyToGivesTheElementsOfToDoubleArray(DataType type) {
    Tensor t = random(engine(), type, Shape.of(3, 4), 31, 2);
    double[] into = new double[12];
    t.copyTo(into);
    assertEquals(java.util.Arrays.toString(t.toDoubleArray()), java.util.Arrays.toString(into));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.copyTo(new double[11]));
    assertTrue(e.getMessage().contains("11") && e.getMessage().contains("12"), e.getMessage());
  }

  /**
   * copyFrom and copyTo refuse a null array or one of another length, naming the tensor's shape and size, and leave
   * the tensor as it was.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void copiesRefuseMissingAndMisfitArraysNamingTheShape(DataType type) {
    Tensor t = random(engine(), type, Shape.of(2, 3), 37, 2);
    String before = java.util.Arrays.toString(t.toDoubleArray());
    List<org.junit.jupiter.api.function.Executable> misfits = List.of(() -> t.copyFrom((float[]) null),
        () -> t.copyFrom((double[]) null), () -> t.copyTo(null), () -> t.copyFrom(new float[5]),
        () -> t.copyFrom(new double[7]));
    for (org.junit.jupiter.api.function.Executable misfit : misfits) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, misfit);
      assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("6"), e.getMessage());
    }
    assertEquals(before, java.util.Arrays.toString(t.toDoubleArray()), "the tensor after the refused copies");
  }

  /**
   * A factor or value that is NaN or infinite gives what IEEE 754 arithmetic gives: the ND4J engine's scale by NaN
   * multiplied by 1e-5 instead (ND4J's INDArray.muli(Number) puts its EPS_THRESHOLD in place of a NaN).
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void nonFiniteFactorsGiveWhatIeeeArithmeticGives(DataType type) {
    Kernels k = engine().kernels();
    Tensor x = engine().tensor(type, Shape.of(2, 2), 0, 1, -2, 3);
    Tensor y = engine().zeros(type, Shape.of(2, 2));
    for (double f : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      double[] expected = {0 * f, f, -2 * f, 3 * f};
      Tensor scaled = engine().tensor(type, x.shape(), x.toDoubleArray());
      k.scale(scaled, f);
      assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(scaled.toDoubleArray()),
          "scale by " + f);
      k.affine(x, f, 0, y);
      assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(y.toDoubleArray()),
          "affine by " + f);
      k.affine(x, 1, f, y);
      assertEquals(java.util.Arrays.toString(new double[] {f, f, f, f}), java.util.Arrays.toString(y.toDoubleArray()),
          "affine shifted by " + f);
      k.fill(y, f);
      assertEquals(java.util.Arrays.toString(new double[] {f, f, f, f}), java.util.Arrays.toString(y.toDoubleArray()),
          "fill with " + f);
    }
  }

  /**
   * y + 0·x is NaN where x is NaN or infinite, as IEEE 754 arithmetic gives it (and PyTorch's add with alpha = 0): in
   * axpy, and in the updates at a learning rate of 0 (a cosine schedule's last) or a momentum of 0, which move w by
   * 0·v. The ND4J engine's BLAS axpy returned at once for α = 0 and left y as it was, a diverged gradient unseen.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void aZeroFactorOfANonFiniteValueIsNaN(DataType type) {
    Kernels k = engine().kernels();
    Shape s = Shape.of(4);
    double[] g = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2};
    double nan = Double.NaN;
    Tensor y = engine().tensor(type, s, 1, 1, 1, 1);
    k.axpy(0, engine().tensor(type, s, g), y);
    assertEquals(java.util.Arrays.toString(new double[] {nan, nan, nan, 1}), java.util.Arrays.toString(
        y.toDoubleArray()), "y + 0·x");

    Map<String, double[]> updated = new LinkedHashMap<>();
    Tensor w = engine().tensor(type, s, 1, 1, 1, 1);
    k.momentumUpdate(w, engine().tensor(type, s, g), engine().zeros(type, s), 0, 0.9, false);
    updated.put("momentum at a rate of 0", w.toDoubleArray());
    w = engine().tensor(type, s, 1, 1, 1, 1);
    k.momentumUpdate(w, engine().tensor(type, s, g), engine().zeros(type, s), 0.5, 0, true); // w − α(g + 0·v)
    updated.put("Nesterov momentum of 0", new double[] {w.getDouble(0), w.getDouble(1), w.getDouble(2), 1});
    w = engine().tensor(type, s, 1, 1, 1, 1);
    k.adaGradUpdate(w, engine().tensor(type, s, g), engine().zeros(type, s), 0, 1e-8);
    updated.put("AdaGrad at a rate of 0", w.toDoubleArray());
    w = engine().tensor(type, s, 1, 1, 1, 1);
    k.rmsPropUpdate(w, engine().tensor(type, s, g), engine().zeros(type, s), 0, 0.9, 1e-8);
    updated.put("RMSProp at a rate of 0", w.toDoubleArray());
    updated.forEach((what, values) -> assertEquals(java.util.Arrays.toString(new double[] {nan, nan, nan, 1}),
        java.util.Arrays.toString(values), what));
  }

  /**
   * AdaGrad and RMSProp step by (α·g)/(√s + ε), the product first, as PyTorch's addcdiv takes it (value·t₁/t₂): at
   * α = 2 a gradient near the type's largest makes α·g and s infinite, and the weights NaN, as in PyTorch; and at
   * α = 0.01 the least subnormal gradient's α·g underflows to 0 and moves no weight, as in PyTorch. The ND4J engine
   * and the defaults divided first: the weights stayed 1 where PyTorch's are NaN, and a gradient of 4.9e-324 moved
   * one by 4.9e-296.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void adaGradAndRmsPropMultiplyByTheRateBeforeTheyDivide(DataType type) {
    Kernels k = engine().kernels();
    double huge = type == DataType.FLOAT32 ? 3e38 : 1.7e308;
    double tiny = type == DataType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
    double epsilon = type == DataType.FLOAT32 ? 1e-8 : 1e-30;
    Shape s = Shape.of(3);
    Map<String, String> results = new LinkedHashMap<>();
    for (String rule : new String[] {"AdaGrad", "RMSProp"}) {
      Tensor w = engine().tensor(type, s, 1, 1, 0);
      Tensor large = engine().tensor(type, s, huge, -huge, 0);
      Tensor small = engine().tensor(type, s, 0, 0, tiny);
      Tensor state = engine().zeros(type, s);
      for (Tensor g : new Tensor[] {large, small}) {
        double rate = g == large ? 2 : 0.01;
        if (rule.equals("AdaGrad")) {
          k.adaGradUpdate(w, g, state, rate, epsilon);
        } else {
          k.rmsPropUpdate(w, g, state, rate, 0.5, epsilon);
        }
      }
      results.put(rule, java.util.Arrays.toString(w.toDoubleArray()));
    }
    results.forEach((rule, weights) -> assertEquals("[NaN, NaN, 0.0]", weights, type + " " + rule
        + " of gradients [" + huge + ", " + -huge + ", 0] at a rate of 2, then [0, 0, " + tiny + "] at 0.01"));
  }

  /**
   * Nesterov momentum steps by α·(g + μ·v), the sum formed first, as PyTorch's SGD takes it (g.add(v, alpha=μ), then
   * the step): a gradient near the type's largest with v = g makes g + μ·v infinite, and the weights −∞ and ∞, as in
   * PyTorch. The ND4J engine added α·g and α·μ·v to w one at a time, and moved them by a finite −1.9·α·g.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void nesterovMomentumSumsTheGradientAndTheVelocityFirst(DataType type) {
    double huge = type == DataType.FLOAT32 ? 3e38 : 1.7e308;
    Shape s = Shape.of(2);
    Tensor w = engine().tensor(type, s, 1, 1);
    engine().kernels().momentumUpdate(w, engine().tensor(type, s, huge, -huge), engine().zeros(type, s), 0.1, 0.9,
        true);
    assertEquals("[-Infinity, Infinity]", java.util.Arrays.toString(w.toDoubleArray()), type + " Nesterov step of "
        + huge);
  }

  /**
   * A channel holding an infinity has that infinity for its mean and NaN for its variance (∞ − ∞), as Σx/M and
   * PyTorch's batch statistics give them, wherever in the channel the infinity lies: the reference engine's FLOAT32
   * moments, sums shifted by each channel's first value, gave a NaN mean where that first value was the infinity.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void aChannelHoldingAnInfinityHasItForItsMean(DataType type) {
    double inf = Double.POSITIVE_INFINITY;
    Shape s = Shape.of(1, 3, 4);
    Tensor x = engine().tensor(type, s, inf, 1, 2, 3, 1, 2, inf, 3, -inf, -1, -2, -3);
    Tensor mean = engine().zeros(type, Shape.of(3));
    Tensor variance = engine().zeros(type, Shape.of(3));
    engine().kernels().channelMoments(x, mean, variance, engine().zeros(type, s));
    assertEquals("[Infinity, Infinity, -Infinity] [NaN, NaN, NaN]", java.util.Arrays.toString(mean.toDoubleArray())
        + " " + java.util.Arrays.toString(variance.toDoubleArray()), type + " moments of three channels");
  }

  /**
   * tanh of a small x is x to within a few units in the last place, as Math.tanh (UnaryOp's formula) and PyTorch give
   * it, not merely within the absolute tolerance that every value under 1e-5 meets: the ND4J engine's tanh, ND4J's
   * (1 − e^(−2|x|))/(1 + e^(−2|x|)), gave 0 for 1e-8 in FLOAT32 and lost to that cancellation what |x| is below 1
   * (three parts in 10⁴ at 1e-4). In the unary kernel, the activation, in place, and at every size the engine routes.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void tanhOfASmallValueIsThatValue(DataType type) {
    double[] small = {1e-30, -1e-30, 1e-8, -3e-6, 1e-4, -2.5e-3, 0.1, -0.45, 0.7, 3};
    Kernels k = engine().kernels();
    for (int copies : new int[] {1, 7000}) { // 10 and 70 000 elements
      Shape s = Shape.of(copies, small.length);
      double[] x = new double[copies * small.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = small[i % small.length];
      }
      Tensor unary = engine().zeros(type, s);
      k.unary(org.delta4j.engine.UnaryOp.TANH, engine().tensor(type, s, x), unary);
      Tensor activation = engine().zeros(type, s);
      k.activation(ActivationFunction.TANH, 0, engine().tensor(type, s, x), activation);
      Tensor inPlace = engine().tensor(type, s, x);
      k.activation(ActivationFunction.TANH, 0, inPlace, inPlace);
      for (Tensor y : new Tensor[] {unary, activation, inPlace}) {
        for (int i = 0; i < x.length; i += Math.max(1, x.length / 50)) {
          double v = type == DataType.FLOAT32 ? (float) x[i] : x[i];
          double expected = type == DataType.FLOAT32 ? (float) Math.tanh(v) : Math.tanh(v);
          double ulp = type == DataType.FLOAT32 ? Math.ulp((float) expected) : Math.ulp(expected);
          assertTrue(Math.abs(y.getDouble(i) - expected) <= 2 * ulp, type + " tanh(" + v + ") of " + x.length
              + " is " + y.getDouble(i) + " where Math.tanh gives " + expected);
        }
      }
    }
  }

  /** sumRows' output has storage of its own: a one-row matrix summed into itself read [1, 2, 3] as [0, 0, 0]. */
  @Test
  void sumRowsRefusesItsMatrixAsItsOutput() {
    Tensor m = engine().tensor(DataType.FLOAT32, Shape.of(1, 3), 1, 2, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> engine().kernels().sumRows(m, 0, m.reshape(Shape.of(3))));
    assertEquals("sumRows: the output [3] shares storage with the input [1, 3]; it must be a tensor of its own",
        e.getMessage());
  }

  /** channelAffine's y may be x, or x reshaped to its shape: the primitives' default refused the latter. */
  @Test
  void channelAffineWritesIntoItsInputReshaped() {
    Tensor x = engine().tensor(DataType.FLOAT64, Shape.of(1, 2, 2), 1, 2, 3, 4);
    Tensor shift = engine().tensor(DataType.FLOAT64, Shape.of(2), 10, 20);
    engine().kernels().channelAffine(x, null, shift, x.reshape(Shape.of(1, 2, 2)));
    assertEquals("[11.0, 12.0, 23.0, 24.0]", java.util.Arrays.toString(x.toDoubleArray()));
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void elementwiseKernelsAgree(DataType type) {
    Tolerances tol = Tolerances.of(type);
    Shape s = Shape.of(5, 7);
    for (Engine e : List.of(reference, engine())) {
      e.kernels(); // both engines get the same inputs below
    }
    double[] x = random(reference, DataType.FLOAT64, s, 21, 3).toDoubleArray();
    double[] y = random(reference, DataType.FLOAT64, s, 22, 3).toDoubleArray();
    double[] row = random(reference, DataType.FLOAT64, Shape.of(7), 23, 3).toDoubleArray();
    Tensor[] results = new Tensor[2];
    int[][] argmax = new int[2][5];
    for (int i = 0; i < 2; i++) {
      Engine e = i == 0 ? reference : engine();
      Tensor a = e.tensor(type, s, x);
      Tensor b = e.tensor(type, s, y);
      Tensor v = e.tensor(type, Shape.of(7), row);
      e.kernels().addRowVector(a, v); //          a + row
      e.kernels().axpy(-1.5, b, a); //            − 1.5·b
      e.kernels().scale(a, 0.75);
      e.kernels().multiply(a, b, b); //           b ← a ⊙ b
      e.kernels().sumRows(b, 0.5, v); //          v ← Σ rows b + ½·v
      Tensor c = e.zeros(type, s);
      e.kernels().copy(b, c);
      e.kernels().argmaxRows(c, argmax[i]);
      Tensor all = e.zeros(type, Shape.of(5 * 7 + 7));
      double[] joined = new double[42];
      System.arraycopy(c.toDoubleArray(), 0, joined, 0, 35);
      System.arraycopy(v.toDoubleArray(), 0, joined, 35, 7);
      all.copyFrom(joined);
      results[i] = all;
    }
    assertAgree("addRowVector, axpy, scale, multiply, sumRows, copy", results[0], results[1], tol);
    assertEquals(java.util.Arrays.toString(argmax[0]), java.util.Arrays.toString(argmax[1]), "argmaxRows");
    Tensor filled = engine().zeros(type, s);
    engine().kernels().fill(filled, 2.5);
    assertTrue(java.util.Arrays.stream(filled.toDoubleArray()).allMatch(d -> d == 2.5), "fill");
  }

  // ---------------------------------------------------------------- layers

  static Stream<Arguments> layers() {
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (int batch : new int[] {1, 6}) {
        cases.add(Arguments.of(type, "dense 7→5, batch " + batch, (LayerAgreement.LayerFactory)
            (e, t) -> new DenseLayer("dense", Shape.of(7), 5, e, t), Shape.of(batch, 7)));
        for (ActivationFunction f : ActivationFunction.values()) {
          cases.add(Arguments.of(type, f.label() + ", batch " + batch, (LayerAgreement.LayerFactory)
              (e, t) -> new ActivationLayer(f.label(), f, 0.05, Shape.of(9), e, t), Shape.of(batch, 9)));
        }
        cases.add(Arguments.of(type, "dropout 0.3, batch " + batch, (LayerAgreement.LayerFactory)
            (e, t) -> new DropoutLayer("dropout", 0.3, 99, Shape.of(11), e, t), Shape.of(batch, 11)));
      }
      cases.add(Arguments.of(type, "dense on rank-3 input [3, 2, 4] → 5", (LayerAgreement.LayerFactory)
          (e, t) -> new DenseLayer("dense", Shape.of(2, 4), 5, e, t), Shape.of(3, 2, 4)));
      cases.add(Arguments.of(type, "dense 7→5 without bias", (LayerAgreement.LayerFactory)
          (e, t) -> new DenseLayer("dense", Shape.of(7), 5, Parameter.zeros("dense.weight", Shape.of(7, 5), e, t),
              null, e, t), Shape.of(4, 7)));
      cases.add(Arguments.of(type, "dense 129→67, batch 33", (LayerAgreement.LayerFactory)
          (e, t) -> new DenseLayer("dense", Shape.of(129), 67, e, t), Shape.of(33, 129)));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("layers")
  void layerForwardAndBackwardAgree(DataType type, String label, LayerAgreement.LayerFactory f, Shape input) {
    LayerAgreement.check(label, reference, engine(), type, f, input);
  }

  // ---------------------------------------------------------------- losses

  static Stream<Arguments> losses() {
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (LossFunction f : LossFunction.values()) {
        for (int rows : new int[] {1, 5}) {
          cases.add(Arguments.of(type, f, rows));
        }
      }
    }
    return cases.stream();
  }

  /** Predictions and targets that suit the loss: probabilities for the cross-entropies, ±1 for the perceptron. */
  static double[][] lossInputs(LossFunction f, int rows, int cols) {
    SplitMix64 r = new SplitMix64(31 + rows);
    double[] p = new double[rows * cols];
    double[] t = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      double sum = 0;
      int hot = r.nextInt(cols);
      for (int j = 0; j < cols; j++) {
        int k = i * cols + j;
        switch (f) {
          case BINARY_CROSS_ENTROPY -> {
            p[k] = 0.02 + 0.96 * r.nextDouble();
            t[k] = r.nextDouble() < 0.5 ? 0 : 1;
          }
          case CATEGORICAL_CROSS_ENTROPY -> {
            p[k] = 0.05 + r.nextDouble();
            sum += p[k];
            t[k] = j == hot ? 1 : 0;
          }
          case SOFTMAX_CROSS_ENTROPY -> {
            p[k] = 4 * r.nextDouble() - 2;
            t[k] = j == hot ? 1 : 0;
          }
          case PERCEPTRON -> {
            p[k] = k % 4 == 0 ? 0 : 2 * r.nextDouble() - 1; // includes a = 0, which counts as a mistake
            t[k] = r.nextDouble() < 0.5 ? -1 : 1;
          }
          default -> {
            p[k] = 2 * r.nextDouble() - 1;
            t[k] = 2 * r.nextDouble() - 1;
          }
        }
      }
      if (f == LossFunction.CATEGORICAL_CROSS_ENTROPY) {
        for (int j = 0; j < cols; j++) {
          p[i * cols + j] /= sum;
        }
      }
    }
    return new double[][] {p, t};
  }

  @ParameterizedTest(name = "{0} {1} rows={2}")
  @MethodSource("losses")
  void lossValueAndGradientAgree(DataType type, LossFunction f, int rows) {
    Shape s = Shape.of(rows, 7);
    double[][] in = lossInputs(f, rows, 7);
    Tensor ge = reference.zeros(type, s);
    Tensor ga = engine().zeros(type, s);
    double le = reference.kernels().loss(f, reference.tensor(type, s, in[0]), reference.tensor(type, s, in[1]), ge);
    double la = engine().kernels().loss(f, engine().tensor(type, s, in[0]), engine().tensor(type, s, in[1]), ga);
    assertAgree(f + " value", le, la, Tolerances.of(type));
    assertAgree(f + " gradient", ge, ga, Tolerances.of(type));
    double withoutGradient = engine().kernels().loss(f, engine().tensor(type, s, in[0]),
        engine().tensor(type, s, in[1]), null);
    assertAgree(f + " value without a gradient", le, withoutGradient, Tolerances.of(type));
  }

  /**
   * Logits far apart (a confident network late in training): softmax underflows to 0 for the losers, and a log-softmax
   * computed as log(softmax) gives −∞ and 0·−∞ = NaN. The loss must stay finite and agree with the reference.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void softmaxCrossEntropyStaysFiniteForLogitsFarApart(DataType type) {
    Shape s = Shape.of(3, 4);
    double[] logits = {0, 50, 120, -3, -200, -100, -300, -150, 1, 2, 3, 4};
    double[] targets = {0, 0, 1, 0, 0.5, 0, 0.5, 0, 0, 0, 0, 1};
    Tensor ge = reference.zeros(type, s);
    Tensor ga = engine().zeros(type, s);
    double le = reference.kernels().loss(LossFunction.SOFTMAX_CROSS_ENTROPY, reference.tensor(type, s, logits),
        reference.tensor(type, s, targets), ge);
    double la = engine().kernels().loss(LossFunction.SOFTMAX_CROSS_ENTROPY, engine().tensor(type, s, logits),
        engine().tensor(type, s, targets), ga);
    assertTrue(Double.isFinite(la), "loss " + la);
    assertAgree("softmax cross-entropy of logits far apart", le, la, Tolerances.of(type));
    assertAgree("its gradient", ge, ga, Tolerances.of(type));
  }

  // ---------------------------------------------------------------- optimizers and schedules

  static Stream<Arguments> optimizers() {
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    List<OptimizerSpec> specs = List.of(
        new OptimizerSpec.Sgd(0.1),
        new OptimizerSpec.Sgd(0.1, 0.01, new LearningRateSchedule.StepDecay(2, 0.5)),
        new OptimizerSpec.Momentum(0.05, 0.9),
        new OptimizerSpec.Nesterov(0.05, 0.9, 0.001, new LearningRateSchedule.ExponentialDecay(3, 0.7)),
        new OptimizerSpec.AdaGrad(0.1),
        new OptimizerSpec.RmsProp(0.01),
        new OptimizerSpec.Adam(0.01),
        new OptimizerSpec.Adam(0.01, 0.8, 0.99, 1e-7, 0.01, new LearningRateSchedule.CosineDecay(4, 0.1)),
        new OptimizerSpec.AdamW(0.01, 0.05),
        new OptimizerSpec.Momentum(0.05, 0.5, 0, constant));
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (OptimizerSpec o : specs) {
        cases.add(Arguments.of(type, o));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("optimizers")
  void optimizerStepsAgree(DataType type, OptimizerSpec optimizer) {
    NetworkSpec spec = NetworkSpec.builder().input(6).dense(5).tanh().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(optimizer).seed(5).build();
    Network expected = Network.create(spec, reference, type);
    Network actual = Network.create(spec, engine(), type);
    double[] x = random(reference, DataType.FLOAT64, Shape.of(4, 6), 41, 1).toDoubleArray();
    double[] t = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0};
    for (int step = 0; step < 3; step++) {
      double le = expected.trainStep(reference.tensor(type, Shape.of(4, 6), x), reference.tensor(type, Shape.of(4, 3), t));
      double la = actual.trainStep(engine().tensor(type, Shape.of(4, 6), x), engine().tensor(type, Shape.of(4, 3), t));
      assertAgree(optimizer + " loss at step " + step, le, la, Tolerances.of(type).compounded());
    }
    for (int i = 0; i < expected.parameters().size(); i++) {
      assertAgree(optimizer + " " + expected.parameters().get(i).name(), expected.parameters().get(i).value(),
          actual.parameters().get(i).value(), Tolerances.of(type).compounded());
    }
    for (Map.Entry<String, Tensor> e : expected.optimizer().state().entrySet()) {
      assertAgree(optimizer + " state " + e.getKey(), e.getValue(), actual.optimizer().state().get(e.getKey()),
          Tolerances.of(type).compounded());
    }
    assertEquals(expected.optimizer().iterations(), actual.optimizer().iterations());
  }

  /**
   * Adam's first update from zero moments moves each weight by α·m̂/(√v̂ + ε) = α·g/(|g| + ε), to the type's
   * precision, for β's near 1: the moments' gains 1 − β are taken from β in double, where 1 − β after β is rounded to
   * float was off by up to 2⁻²⁵/(1 − β) of itself (6.4e-6 of each FLOAT32 step for the default β₂ = 0.999, 6.8e-4 for
   * 0.99999).
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void adamsFirstUpdateIsTheRateTimesTheSignOfTheGradient(DataType type) {
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    double epsilon = 1e-8;
    double[] g = {3, -0.25, 1e-3};
    for (double beta : new double[] {0.9, 0.999, 0.99999}) {
      for (OptimizerSpec adam : List.of(new OptimizerSpec.Adam(1, beta, beta, epsilon, 0, constant),
          new OptimizerSpec.AdamW(1, beta, beta, epsilon, 0, constant))) {
        Parameter p = new Parameter("w", engine().zeros(type, Shape.of(3)), engine().tensor(type, Shape.of(3), g));
        adam.build(List.of(p), engine()).step();
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
          expected[i] = -g[i] / (Math.abs(g[i]) + epsilon);
        }
        assertAgree(type + " " + adam, expected, p.value().toDoubleArray(),
            new Tolerances(type == DataType.FLOAT32 ? 1e-6 : 1e-14, 0));
      }
    }
  }

  /**
   * An ε too small to hide a subnormal FLOAT32 state leaves the state to set the step, as the formulas say: with
   * gradients whose squares, as AdaGrad, RMSProp and Adam keep them, fall to half the smallest normal number, the first
   * update moves each weight by α·g / (√s + ε) = α·k·sign(g) (k = 1, and 1/√(1 − ρ) for RMSProp), where a state flushed
   * to zero would move it by α·g/ε, some 10¹¹·α for an ε of 1e-30. (In FLOAT64 every ε accepted, at least 1.4e-45,
   * hides a subnormal state.)
   */
  @Test
  void aTinyEpsilonLeavesASubnormalStateToSetTheStep() {
    DataType type = DataType.FLOAT32;
    double minNormal = Float.MIN_NORMAL;
    double epsilon = 1e-30;
    double rate = 0.01;
    double rho = 0.9;
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    List<OptimizerSpec> optimizers = List.of(new OptimizerSpec.AdaGrad(rate, epsilon, 0, constant),
        new OptimizerSpec.RmsProp(rate, rho, epsilon, 0, constant),
        new OptimizerSpec.Adam(rate, 0.9, 0.999, epsilon, 0, constant),
        new OptimizerSpec.AdamW(rate, 0.9, 0.999, epsilon, 0, constant));
    double[] share = {1, 1 - rho, 0.001, 0.001}; // of g² in the state after the first update
    double[] k = {1, 1 / Math.sqrt(1 - rho), 1, 1};
    for (int i = 0; i < optimizers.size(); i++) {
      double g = Math.sqrt(0.5 * minNormal / share[i]);
      Parameter p = new Parameter("w", engine().tensor(type, Shape.of(2), 1, -1), engine().tensor(type, Shape.of(2),
          g, -g));
      optimizers.get(i).build(List.of(p), engine()).step();
      assertAgree(type + " " + optimizers.get(i) + " with gradients ±" + g, new double[] {1 - rate * k[i],
          -1 + rate * k[i]}, p.value().toDoubleArray(), new Tolerances(1e-6, 0));
    }
  }

  /**
   * Every registered optimizer kind, with its defaults but for the rate, under each schedule; the cosine ends within
   * {@link #trainingResumedFromASavedModelContinuesBitForBit}'s run, which then goes past it.
   */
  static Stream<Arguments> optimizersUnderEachSchedule() {
    List<LearningRateSchedule> schedules = List.of(new LearningRateSchedule.Constant(),
        new LearningRateSchedule.StepDecay(3, 0.5), new LearningRateSchedule.ExponentialDecay(2, 0.8),
        new LearningRateSchedule.CosineDecay(7, 0.1));
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (OptimizerKind k : KindRegistry.standard().optimizerKinds()) {
        for (LearningRateSchedule s : schedules) {
          cases.add(Arguments.of(type, NetworkSpecJson.optimizer(k.type(), 0.05, s)));
        }
      }
    }
    return cases.stream();
  }

  /**
   * Training resumed from a saved model continues bit for bit: 2k updates end with the weights, optimizer state, update
   * count and learning rate of k updates, a save, a load and k updates more, for every optimizer and schedule.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("optimizersUnderEachSchedule")
  void trainingResumedFromASavedModelContinuesBitForBit(DataType type, OptimizerSpec optimizer) throws IOException {
    NetworkSpec spec = NetworkSpec.builder().input(6).dense(5).tanh().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(optimizer).seed(5).build();
    int k = 6;
    Network straight = Network.create(spec, engine(), type);
    Network interrupted = Network.create(spec, engine(), type);
    Tensor targets = engine().tensor(type, Shape.of(4, 3), 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0);
    for (int step = 0; step < k; step++) {
      Tensor x = random(engine(), type, Shape.of(4, 6), 100 + step, 2);
      straight.trainStep(x, targets);
      interrupted.trainStep(x, targets);
    }
    Path file = Files.createTempFile("resume", ".safetensors");
    Network resumed;
    try {
      ModelFiles.save(interrupted, file);
      resumed = ModelFiles.load(file, engine()).network();
    } finally {
      Files.delete(file);
    }
    for (int step = k; step < 2 * k; step++) {
      Tensor x = random(engine(), type, Shape.of(4, 6), 100 + step, 2);
      straight.trainStep(x, targets);
      resumed.trainStep(x, targets);
    }
    for (int i = 0; i < straight.parameters().size(); i++) {
      assertArrayEquals(straight.parameters().get(i).value().toDoubleArray(),
          resumed.parameters().get(i).value().toDoubleArray(), straight.parameters().get(i).name());
    }
    for (Map.Entry<String, Tensor> e : straight.optimizer().state().entrySet()) {
      assertArrayEquals(e.getValue().toDoubleArray(), resumed.optimizer().state().get(e.getKey()).toDoubleArray(),
          "state " + e.getKey());
    }
    assertEquals(straight.optimizer().iterations(), resumed.optimizer().iterations());
    assertEquals(straight.optimizer().currentLearningRate(), resumed.optimizer().currentLearningRate());
  }

  // ---------------------------------------------------------------- initializers

  static Stream<Arguments> initializers() {
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (Initializer i : List.of(Initializer.zeros(), Initializer.constant(0.25), Initializer.uniform(0.3),
          Initializer.normal(0.2), Initializer.xavierUniform(), Initializer.xavierNormal(), Initializer.heUniform(),
          Initializer.heNormal())) {
        cases.add(Arguments.of(type, i));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("initializers")
  void sameSeedGivesTheSameInitialWeights(DataType type, Initializer init) {
    NetworkSpec spec = NetworkSpec.builder().input(3, 4).layer(new LayerSpec.Dense(null, 9, init, init)).relu()
        .dense(2, init).loss(LossFunction.MEAN_SQUARED_ERROR).seed(77).build();
    Network expected = Network.create(spec, reference, type);
    Network actual = Network.create(spec, engine(), type);
    for (int i = 0; i < expected.parameters().size(); i++) {
      Parameter p = expected.parameters().get(i);
      assertAgree(init + " " + p.name(), p.value(), actual.parameters().get(i).value(), new Tolerances(0, 0));
    }
  }

  // ---------------------------------------------------------------- gradient checks on this engine

  /**
   * The FLOAT64 layer cases small enough for finite differences to judge: in the 129→67 case the loss sums 2,211
   * terms, and its rounding error divided by 2ε is as large as the tolerance (that case is covered by agreement).
   */
  static Stream<Arguments> gradientCheckedLayers() {
    return layers().filter(a -> a.get()[0] == DataType.FLOAT64 && !((String) a.get()[1]).contains("129"))
        .map(a -> Arguments.of(a.get()[1], a.get()[2], a.get()[3]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gradientCheckedLayers")
  void layerGradientsMatchFiniteDifferences(String label, LayerAgreement.LayerFactory factory, Shape input) {
    var layer = factory.build(engine(), DataType.FLOAT64);
    for (Parameter p : layer.parameters()) {
      p.value().copyFrom(random(engine(), DataType.FLOAT64, p.value().shape(), 3, 0.5).toDoubleArray());
    }
    Tensor x = random(engine(), DataType.FLOAT64, input, 4, 2);
    GradientCheckResult r = new GradientChecker().checkLayer(layer, x);
    assertTrue(r.passes(1e-6), label + ": " + r);
  }

  @ParameterizedTest
  @EnumSource(LossFunction.class)
  void networkGradientsMatchFiniteDifferences(LossFunction loss) {
    NetworkSpec.Builder b = NetworkSpec.builder().input(2, 3).dense(6).tanh().dropout(0.25).dense(4);
    switch (loss) {
      case BINARY_CROSS_ENTROPY -> b.sigmoid();
      case CATEGORICAL_CROSS_ENTROPY -> b.softmax();
      default -> { }
    }
    NetworkSpec spec = b.loss(loss).optimizer(new OptimizerSpec.Sgd(0.1)).seed(3).build();
    Network net = Network.create(spec, engine(), DataType.FLOAT64);
    double[][] in = lossInputs(loss == LossFunction.SOFTMAX_CROSS_ENTROPY || loss == LossFunction.CATEGORICAL_CROSS_ENTROPY
        ? LossFunction.SOFTMAX_CROSS_ENTROPY : loss, 3, 4);
    if (loss == LossFunction.PERCEPTRON) {
      in = lossInputs(loss, 3, 4);
    }
    Tensor x = random(engine(), DataType.FLOAT64, Shape.of(3, 2, 3), 8, 1);
    Tensor t = engine().tensor(DataType.FLOAT64, Shape.of(3, 4), in[1]);
    GradientCheckResult r = new GradientChecker().check(net, x, t);
    assertTrue(r.passes(1e-6), loss + ": " + r);
  }

  // ---------------------------------------------------------------- whole networks

  @ParameterizedTest
  @EnumSource(DataType.class)
  void trainingAFewEpochsEndsWhereTheReferenceEnds(DataType type) {
    int n = 240;
    float[][] x = new float[n][2];
    int[] y = new int[n];
    SplitMix64 r = new SplitMix64(9);
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      double angle = 2 * Math.PI * y[i] / 3 + 0.6 * r.nextGaussian();
      x[i][0] = (float) Math.cos(angle);
      x[i][1] = (float) Math.sin(angle);
    }
    ArrayDataset data = ArrayDataset.classification(x, y, 3);
    NetworkSpec spec = NetworkSpec.builder().input(2).dense(16).tanh().dense(16).relu().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(11).build();
    Trainer trainer = Trainer.builder().epochs(3).batchSize(16).seed(4).build();
    Network expected = Network.create(spec, reference, type);
    Network actual = Network.create(spec, engine(), type);
    History he = trainer.fit(expected, data);
    History ha = trainer.fit(actual, data);
    Tolerances tol = type == DataType.FLOAT64 ? new Tolerances(1e-8, 1e-10) : new Tolerances(2e-3, 1e-4);
    for (int e = 0; e < he.epochs().size(); e++) {
      EpochResult a = ha.epochs().get(e);
      EpochResult b = he.epochs().get(e);
      assertAgree("training loss of epoch " + a.epoch(), b.trainingLoss(), a.trainingLoss(), tol);
    }
    for (int i = 0; i < expected.parameters().size(); i++) {
      assertAgree("trained " + expected.parameters().get(i).name(), expected.parameters().get(i).value(),
          actual.parameters().get(i).value(), tol);
    }
  }

  // ---------------------------------------------------------------- every registered kind

  /**
   * Every layer kind on the class path, built-in or added by a library, by its registered example: a network of that
   * one layer agrees with the reference engine forward and backward, in both types.
   */
  static Stream<Arguments> registeredLayerKinds() {
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (LayerKind k : KindRegistry.standard().layerKinds()) {
        cases.add(Arguments.of(type, k.type(), k.example()));
      }
    }
    return cases.stream();
  }

  static NetworkSpec oneLayer(LayerKind.Example example) {
    return NetworkSpec.builder().input(example.input().dims()).layer(example.spec())
        .loss(LossFunction.MEAN_SQUARED_ERROR).optimizer(new OptimizerSpec.Sgd(0.1)).seed(13).build();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("registeredLayerKinds")
  void everyRegisteredLayerKindAgrees(DataType type, String kind, LayerKind.Example example) {
    NetworkSpec spec = oneLayer(example);
    Network expected = Network.create(spec, reference, type);
    Network actual = Network.create(spec, engine(), type);
    Shape batch = example.input().withBatch(3);
    double[] x = random(reference, DataType.FLOAT64, batch, 17, 1.5).toDoubleArray();
    Tensor ye = expected.forward(reference.tensor(type, batch, x), org.delta4j.nn.Mode.training(2));
    Tensor ya = actual.forward(engine().tensor(type, batch, x), org.delta4j.nn.Mode.training(2));
    assertAgree(kind + " forward", ye, ya, Tolerances.of(type));
    double[] dy = random(reference, DataType.FLOAT64, ye.shape(), 19, 1).toDoubleArray();
    expected.zeroGradients();
    actual.zeroGradients();
    Tensor dxe = expected.backward(reference.tensor(type, ye.shape(), dy), true);
    Tensor dxa = actual.backward(engine().tensor(type, ya.shape(), dy), true);
    assertAgree(kind + " input gradient", dxe, dxa, Tolerances.of(type));
    for (int i = 0; i < expected.parameters().size(); i++) {
      assertAgree(kind + " gradient of " + expected.parameters().get(i).name(),
          expected.parameters().get(i).gradient(), actual.parameters().get(i).gradient(), Tolerances.of(type));
    }
  }

  static Stream<Arguments> registeredLayerKindsInFloat64() {
    return KindRegistry.standard().layerKinds().stream().map(k -> Arguments.of(k.type(), k.example()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registeredLayerKindsInFloat64")
  void everyRegisteredLayerKindPassesTheGradientCheck(String kind, LayerKind.Example example) {
    Network net = Network.create(oneLayer(example), engine(), DataType.FLOAT64);
    Shape batch = example.input().withBatch(3);
    Tensor x = random(engine(), DataType.FLOAT64, batch, 23, 1.5);
    Tensor t = random(engine(), DataType.FLOAT64, net.outputShape().withBatch(3), 29, 1);
    GradientCheckResult r = new GradientChecker().check(net, x, t);
    assertTrue(r.passes(1e-6), kind + ": " + r);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registeredLayerKindsInFloat64")
  void everyRegisteredLayerKindLeavesItsInputAndGradientAsGiven(String kind, LayerKind.Example example) {
    for (DataType type : DataType.values()) {
      Network net = Network.create(oneLayer(example), engine(), type);
      Tensor x = random(engine(), type, example.input().withBatch(3), 31, 1.5);
      Tensor dy = random(engine(), type, net.outputShape().withBatch(3), 37, 1);
      double[] xGiven = x.toDoubleArray();
      double[] dyGiven = dy.toDoubleArray();
      net.forward(x, Mode.training(0));
      net.backward(dy, true);
      // the input is the caller's or the layer before's saved output, ∂L/∂y the layer after's: read, never written
      assertArrayEquals(xGiven, x.toDoubleArray(), kind + " " + type + ": the input changed");
      assertArrayEquals(dyGiven, dy.toDoubleArray(), kind + " " + type + ": ∂L/∂output changed");
    }
  }

  static Stream<Arguments> registeredLossKinds() {
    return KindRegistry.standard().lossKinds().stream().map(k -> Arguments.of(k.type(), k.example()));
  }

  /** Every loss kind's example, on probabilities and one-hot targets (inputs every loss accepts), agrees. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("registeredLossKinds")
  void everyRegisteredLossKindAgrees(String kind, LossSpec loss) {
    for (DataType type : DataType.values()) {
      Shape s = Shape.of(4, 5);
      double[][] in = lossInputs(LossFunction.CATEGORICAL_CROSS_ENTROPY, 4, 5);
      Tensor ge = reference.zeros(type, s);
      Tensor ga = engine().zeros(type, s);
      double le = loss.build(reference, type).compute(reference.tensor(type, s, in[0]),
          reference.tensor(type, s, in[1]), ge);
      double la = loss.build(engine(), type).compute(engine().tensor(type, s, in[0]), engine().tensor(type, s, in[1]),
          ga);
      assertAgree(kind + " value", le, la, Tolerances.of(type));
      assertAgree(kind + " gradient", ge, ga, Tolerances.of(type));
    }
  }

  static Stream<Arguments> registeredOptimizerKinds() {
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (OptimizerKind k : KindRegistry.standard().optimizerKinds()) {
        cases.add(Arguments.of(type, k.example()));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("registeredOptimizerKinds")
  void everyRegisteredOptimizerKindAgrees(DataType type, OptimizerSpec optimizer) {
    optimizerStepsAgree(type, optimizer);
  }

  static Stream<Arguments> registeredKindsTogether() {
    KindRegistry kinds = KindRegistry.standard();
    List<Arguments> cases = new ArrayList<>();
    List<LayerKind> layers = kinds.layerKinds();
    List<org.delta4j.spec.LossKind> losses = kinds.lossKinds();
    List<OptimizerKind> optimizers = kinds.optimizerKinds();
    int n = Math.max(layers.size(), Math.max(losses.size(), optimizers.size()));
    for (int i = 0; i < n; i++) {
      LayerKind l = layers.get(i % layers.size());
      // the loss in rotation, or the next one a network of this layer can end with: a softmax layer ends its network,
      // which a loss on logits refuses (each loss still comes round with another layer)
      LossSpec loss = losses.get(i % losses.size()).example();
      for (int j = 0; j < losses.size() && !fits(l.example(), loss); j++) {
        loss = losses.get((i + j + 1) % losses.size()).example();
      }
      OptimizerSpec o = optimizers.get(i % optimizers.size()).example();
      cases.add(Arguments.of(l.type() + ", " + loss.type() + ", " + o.type(), l.example(), loss, o));
    }
    return cases.stream();
  }

  /** Whether some network of {@link #fitted} ends {@code layer} with {@code loss}. */
  private static boolean fits(LayerKind.Example layer, LossSpec loss) {
    try {
      fitted("", layer.input(), layer.spec(), loss, new OptimizerSpec.Sgd(0.1));
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /**
   * A network of {@code layer} (none when null) on inputs of shape {@code input}, then the first of a dense layer, a
   * dense layer and a softmax, a dense layer and a sigmoid, or nothing that {@code loss} accepts after it.
   */
  static NetworkSpec fitted(String kinds, Shape input, LayerSpec layer, LossSpec loss, OptimizerSpec optimizer) {
    List<List<LayerSpec>> tails = List.of(List.of(new LayerSpec.Dense(4)),
        List.of(new LayerSpec.Dense(4), new LayerSpec.Activation(ActivationFunction.SOFTMAX)),
        List.of(new LayerSpec.Dense(4), new LayerSpec.Activation(ActivationFunction.SIGMOID)), List.of());
    for (List<LayerSpec> tail : tails) {
      NetworkSpec.Builder b = NetworkSpec.builder().input(input.dims());
      if (layer != null) {
        b.layer(layer);
      }
      tail.forEach(b::layer);
      try {
        return b.loss(loss).optimizer(optimizer).seed(21).build();
      } catch (org.delta4j.spec.InvalidSpecException e) {
        // the loss wants another last layer: try the next
      }
    }
    throw new AssertionError(kinds + ": no network of these kinds fits its loss");
  }

  /**
   * Every loss kind's example ends a small network that passes the gradient check in FLOAT64 on this engine, on
   * one-hot targets: the engines agreeing on a loss says nothing of whether its gradient is its value's.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("registeredLossKinds")
  void everyRegisteredLossKindPassesTheGradientCheck(String kind, LossSpec loss) {
    NetworkSpec spec = fitted(kind, Shape.of(2, 3), new LayerSpec.Dense(5), loss, new OptimizerSpec.Sgd(0.1));
    Network net = Network.create(spec, engine(), DataType.FLOAT64);
    int outputs = net.outputShape().intSize();
    Tensor x = random(engine(), DataType.FLOAT64, Shape.of(3, 2, 3), 37, 1);
    Tensor t = engine().tensor(DataType.FLOAT64, Shape.of(3, outputs),
        lossInputs(LossFunction.CATEGORICAL_CROSS_ENTROPY, 3, outputs)[1]);
    GradientCheckResult r = new GradientChecker().check(net, x, t);
    assertTrue(r.passes(1e-6), kind + ": " + r);
  }

  /**
   * Every registered layer, loss and optimizer kind (each at least once, in rotation) trains, saves and loads on this
   * engine exactly: weights, buffers, optimizer state and the next step's loss.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("registeredKindsTogether")
  void everyRegisteredKindSavesAndLoadsExactly(String kinds, LayerKind.Example layer, LossSpec loss,
      OptimizerSpec optimizer) throws java.io.IOException {
    NetworkSpec spec = fitted(kinds, layer.input(), layer.spec(), loss, optimizer);
    DataType type = DataType.FLOAT64;
    Network net = Network.create(spec, engine(), type);
    Shape batch = layer.input().withBatch(3);
    Tensor x = random(engine(), type, batch, 31, 1);
    int outputs = net.outputShape().intSize();
    double[][] in = lossInputs(LossFunction.CATEGORICAL_CROSS_ENTROPY, 3, outputs);
    Tensor t = engine().tensor(type, Shape.of(3, outputs), in[1]);
    net.trainStep(x, t);
    net.trainStep(x, t);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("conformance", ".safetensors");
    try {
      org.delta4j.io.ModelFiles.save(net, file);
      Network loaded = org.delta4j.io.ModelFiles.load(file, engine()).network();
      assertEquals(net.spec(), loaded.spec(), kinds);
      Tolerances exact = new Tolerances(0, 0);
      for (int i = 0; i < net.parameters().size(); i++) {
        assertAgree(kinds + " " + net.parameters().get(i).name(), net.parameters().get(i).value(),
            loaded.parameters().get(i).value(), exact);
      }
      for (Map.Entry<String, Tensor> b : net.buffers().entrySet()) {
        assertAgree(kinds + " buffer " + b.getKey(), b.getValue(), loaded.buffers().get(b.getKey()), exact);
      }
      for (Map.Entry<String, Tensor> e : net.optimizer().state().entrySet()) {
        assertAgree(kinds + " state " + e.getKey(), e.getValue(), loaded.optimizer().state().get(e.getKey()), exact);
      }
      assertEquals(net.trainStep(x, t), loaded.trainStep(x, t), 0, kinds + ": the next step's loss");
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  // ---------------------------------------------------------------- the training seam and threads

  @ParameterizedTest
  @EnumSource(DataType.class)
  void computeGradientsThenApplyUpdateIsTrainStep(DataType type) {
    NetworkSpec spec = NetworkSpec.builder().input(6).dense(5).tanh().dropout(0.2).dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(5).build();
    Network whole = Network.create(spec, engine(), type);
    Network split = Network.create(spec, engine(), type);
    Tensor x = random(engine(), type, Shape.of(4, 6), 41, 1);
    Tensor t = engine().tensor(type, Shape.of(4, 3), 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0);
    for (int step = 0; step < 3; step++) {
      double lw = whole.trainStep(x, t);
      double ls = split.computeGradients(x, t);
      split.applyUpdate();
      assertEquals(lw, ls, 0, "loss at step " + step);
    }
    for (int i = 0; i < whole.parameters().size(); i++) {
      assertAgree(whole.parameters().get(i).name(), whole.parameters().get(i).value(),
          split.parameters().get(i).value(), new Tolerances(0, 0));
    }
  }

  /** Eight threads predicting at once through one predictor get exactly what one thread gets. */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void thePredictorGivesEightThreadsWhatOneThreadGets(DataType type) throws Exception {
    NetworkSpec spec = NetworkSpec.builder().input(12).dense(32).relu().dropout(0.3).dense(16).tanh().dense(5)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).seed(8).build();
    Network net = Network.create(spec, engine(), type);
    int threads = 8;
    float[][][] inputs = new float[threads][][];
    float[][][] expected = new float[threads][][];
    for (int i = 0; i < threads; i++) {
      int rows = 1 + 7 * i;
      inputs[i] = new float[rows][12];
      SplitMix64 r = new SplitMix64(100 + i);
      for (float[] row : inputs[i]) {
        for (int j = 0; j < row.length; j++) {
          row[j] = (float) (2 * r.nextDouble() - 1);
        }
      }
      expected[i] = net.predictor().probabilities(inputs[i]);
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
      List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int me = i;
        results.add(pool.submit(() -> {
          start.await();
          boolean same = true;
          for (int round = 0; round < 50; round++) {
            int which = (me + round) % threads;
            float[][] got = net.predictor().probabilities(inputs[which]);
            same &= java.util.Arrays.deepEquals(expected[which], got);
          }
          return same;
        }));
      }
      for (int i = 0; i < threads; i++) {
        assertTrue(results.get(i).get(), "thread " + i + " saw other results than one thread does");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A predictor used while its network trains gives, each time, the outputs of the network as it stood between two
   * updates, never a mix of one update's weights (or batch norm statistics) with another's.
   */
  @Test
  void aPredictorUsedWhileItsNetworkTrainsSeesWholeUpdatesOnly() throws Exception {
    NetworkSpec spec = NetworkSpec.builder().input(16).dense(64).batchNorm().relu().dense(64).relu().dense(4)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.05)).seed(5).build();
    Network net = Network.create(spec, engine(), DataType.FLOAT64);
    SplitMix64 r = new SplitMix64(12);
    float[][] probe = new float[2][16];
    double[] x = new double[32 * 16];
    double[] y = new double[32 * 4];
    for (float[] row : probe) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    for (int i = 0; i < 32; i++) {
      y[i * 4 + i % 4] = 1;
    }
    Tensor input = engine().tensor(DataType.FLOAT64, Shape.of(32, 16), x);
    Tensor targets = engine().tensor(DataType.FLOAT64, Shape.of(32, 4), y);
    // The outputs between updates, as the training thread sees them: the only ones a prediction may give.
    List<float[][]> states = new java.util.concurrent.CopyOnWriteArrayList<>();
    states.add(net.predictor().probabilities(probe));
    java.util.concurrent.atomic.AtomicBoolean training = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<List<float[][]>> seen = pool.submit(() -> {
        List<float[][]> got = new ArrayList<>();
        while (training.get()) {
          float[][] p = net.predictor().probabilities(probe);
          if (got.isEmpty() || !java.util.Arrays.deepEquals(p, got.get(got.size() - 1))) {
            got.add(p);
          }
        }
        return got;
      });
      for (int step = 0; step < 150; step++) {
        net.trainStep(input, targets);
        states.add(net.predictor().probabilities(probe));
      }
      training.set(false);
      for (float[][] got : seen.get()) {
        assertTrue(states.stream().anyMatch(s -> java.util.Arrays.deepEquals(s, got)),
            "a prediction matches no state of the network between updates: " + java.util.Arrays.deepToString(got));
      }
    } finally {
      training.set(false);
      pool.shutdownNow();
    }
  }

  /**
   * A step's or a loss's classes come with it, from its own pass in one entry ({@code trainStep(x, t, classes)},
   * {@code loss(x, t, classes)}): read from {@code output()} after the call, another thread's step could come
   * between, and evaluation counted predictions of no model. A step's are those of the output before its update; an
   * array too short is refused before the step, which then changes nothing.
   */
  @Test
  void aStepOrALossGivesTheClassesOfItsOwnPass() {
    NetworkSpec spec = NetworkSpec.builder().input(4).dense(6).relu().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.5)).seed(4).build();
    Network net = Network.create(spec, engine(), DataType.FLOAT64);
    SplitMix64 r = new SplitMix64(8);
    double[] features = new double[5 * 4];
    double[] oneHot = new double[5 * 3];
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 4; j++) {
        features[i * 4 + j] = r.nextGaussian();
      }
      oneHot[i * 3 + i % 3] = 1;
    }
    Tensor x = engine().tensor(DataType.FLOAT64, Shape.of(5, 4), features);
    Tensor t = engine().tensor(DataType.FLOAT64, Shape.of(5, 3), oneHot);
    int[] before = new int[5];
    net.predictClasses(x, before);
    int[] stepped = new int[5];
    net.trainStep(x, t, stepped);
    assertArrayEquals(before, stepped, "the classes of the output before the update");
    int[] now = new int[5];
    net.predictClasses(x, now);
    int[] evaluated = new int[6];
    assertEquals(net.loss(x, t), net.loss(x, t, evaluated));
    assertArrayEquals(now, java.util.Arrays.copyOf(evaluated, 5));
    double[] weights = net.parameters().get(0).value().toDoubleArray();
    assertEquals("trainStep: the array for the classes of 5 rows has 4 elements", assertThrows(
        IllegalArgumentException.class, () -> net.trainStep(x, t, new int[4])).getMessage());
    assertArrayEquals(weights, net.parameters().get(0).value().toDoubleArray(), "a refused step changes nothing");
    assertEquals("loss: the array for the classes of 5 rows has none (null)", assertThrows(
        IllegalArgumentException.class, () -> net.loss(x, t, null)).getMessage());
  }

  /** A network used from a second thread while a first is inside it is refused, naming both threads. */
  @Test
  void aNetworkUsedFromTwoThreadsAtOnceIsRefused() throws Exception {
    java.util.concurrent.Semaphore entered = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.Semaphore release = new java.util.concurrent.Semaphore(0);
    LayerSpec slow = new ObservedIdentity("blocking", input -> { // holds the thread "first" inside the network
      if (Thread.currentThread().getName().equals("first")) {
        entered.release();
        release.acquireUninterruptibly();
      }
    });
    NetworkSpec spec = NetworkSpec.builder().input(2).layer(slow).loss(LossFunction.MEAN_SQUARED_ERROR).build();
    Network net = Network.create(spec, engine(), DataType.FLOAT64);
    Tensor x = engine().zeros(DataType.FLOAT64, Shape.of(1, 2));
    Thread first = new Thread(() -> net.forward(x, org.delta4j.nn.Mode.inference()), "first");
    first.start();
    entered.acquire();
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> net.forward(x, org.delta4j.nn.Mode.inference()));
      assertTrue(e.getMessage().contains("'first'") && e.getMessage().contains("predictor()"), e.getMessage());
    } finally {
      release.release();
      first.join();
    }
    net.forward(x, org.delta4j.nn.Mode.inference()); // free again once the first thread has left
  }

  // ---------------------------------------------------------------- selection

  @Test
  void theEngineIsFoundByServiceLoaderAndAvailable() {
    String name = engine().name();
    Optional<EngineStatus> status = Engines.defaults().statuses().stream().filter(s -> s.name().equals(name))
        .findFirst();
    assertTrue(status.isPresent(), "engine '" + name + "' is not registered in META-INF/services: "
        + Engines.defaults().statuses());
    assertTrue(status.get().available(), status.get().describe());
    assertEquals(engine().getClass(), Engines.get(name).getClass());
  }

  @Test
  void selectionFollowsExplicitThenPropertyThenEnvironmentThenPriority() {
    Engine mine = engine();
    EngineProvider engineProvider = provider(mine.name(), 50, mine);
    Engine another = named("other", reference); // an engine bears its provider's name
    EngineProvider other = provider("other", 60, another);
    EngineProvider broken = new EngineProvider() {
      public String name() {
        return "broken";
      }

      public int priority() {
        return 100;
      }

      public Engine create() {
        throw new UnsupportedOperationException("no native library for this platform");
      }
    };
    List<EngineProvider> all = List.of(engineProvider, other, broken);
    Engines none = Engines.of(all, k -> null, k -> null);
    assertSame(another, none.select(null), "highest available priority (broken is skipped)");
    assertSame(mine, none.select(mine.name()), "explicit name");
    assertSame(mine, Engines.of(all, Map.of(Engines.PROPERTY, mine.name())::get, k -> null).select(null), "property");
    assertSame(mine, Engines.of(all, k -> null, Map.of(Engines.ENVIRONMENT_VARIABLE, mine.name())::get).select(null),
        "environment");
    assertSame(another, Engines.of(all, Map.of(Engines.PROPERTY, "other")::get,
        Map.of(Engines.ENVIRONMENT_VARIABLE, mine.name())::get).select(null), "the property wins over the environment");
    EngineUnavailableException unknown = assertThrows(EngineUnavailableException.class, () -> none.select("nope"));
    assertTrue(unknown.getMessage().contains("no engine named 'nope'") && unknown.getMessage().contains(mine.name()),
        unknown.getMessage());
    EngineUnavailableException down = assertThrows(EngineUnavailableException.class, () -> none.select("broken"));
    assertTrue(down.getMessage().contains("no native library for this platform"), down.getMessage());
  }

  /** {@code engine} under another name. */
  private static Engine named(String name, Engine engine) {
    return new Engine() {
      public String name() {
        return name;
      }

      public String description() {
        return engine.description();
      }

      public Tensor zeros(DataType dataType, Shape shape) {
        return engine.zeros(dataType, shape);
      }

      public Kernels kernels() {
        return engine.kernels();
      }
    };
  }

  private static EngineProvider provider(String name, int priority, Engine engine) {
    return new EngineProvider() {
      public String name() {
        return name;
      }

      public int priority() {
        return priority;
      }

      public Engine create() {
        return engine;
      }
    };
  }

  // ---------------------------------------------------------------- convolutional layers

  /**
   * The layer {@code spec} builds for {@code input} on an engine: zero parameters (the checks fill them), buffers as
   * declared.
   */
  static LayerAgreement.LayerFactory fromSpec(LayerSpec spec, Shape input) {
    return (e, t) -> {
      Map<String, Parameter> parameters = new LinkedHashMap<>();
      for (ParameterSpec p : spec.parameters(input)) {
        parameters.put(p.role(), Parameter.zeros(spec.name() + "." + p.role(), p.shape(), e, t));
      }
      Map<String, Tensor> buffers = new LinkedHashMap<>();
      for (ParameterSpec b : spec.buffers(input)) {
        double[] v = new double[b.shape().intSize()];
        b.initializer().fill(v, b.fanIn(), b.fanOut(), new SplitMix64(1));
        buffers.put(b.role(), e.tensor(t, b.shape(), v));
      }
      return spec.build(LayerContext.of(spec.name(), input, e, t, 5, parameters, buffers));
    };
  }

  /**
   * Every convolutional kind over odd sizes, each padding mode, strides 1 to 3 (some longer than the window), dilation,
   * 1×1 kernels, and windows reaching past images one pixel wide.
   */
  static Stream<Arguments> convolutionalLayers() {
    Object[][] specs = {
        {new Conv2D(4, Window2D.square(3, Padding.SAME)).withName("conv"), Shape.of(3, 7, 6)},
        {new Conv2D(3, new Window2D(3, 2, 2, 2, 1, 1, Padding.VALID)).withName("conv"), Shape.of(2, 7, 5)},
        {new Conv2D(3, Window2D.square(2, Padding.SAME).withStride(2)).withName("conv"), Shape.of(2, 6, 7)},
        {new Conv2D(2, new Window2D(3, 3, 1, 2, 2, 1, Padding.explicit(1, 2))).withName("conv"), Shape.of(1, 9, 7)},
        {new Conv2D(null, 5, Window2D.square(1, Padding.VALID), Initializer.heUniform(), false, Initializer.zeros())
            .withName("conv"), Shape.of(3, 5, 5)},
        {new Pool2D("pool", Pool2D.Kind.MAX, Window2D.square(2, Padding.VALID).withStride(2)), Shape.of(3, 7, 6)},
        {new Pool2D("pool", Pool2D.Kind.MAX, Window2D.square(3, Padding.explicit(1, 1))), Shape.of(2, 5, 6)},
        {new Pool2D("pool", Pool2D.Kind.AVERAGE, Window2D.square(3, Padding.SAME).withStride(2)), Shape.of(2, 7, 5)},
        // strides longer than the window with same padding: no padding before, windows skipping rows and columns
        {new Pool2D("pool", Pool2D.Kind.MAX, new Window2D(1, 2, 3, 2, 1, 1, Padding.SAME)), Shape.of(2, 6, 7)},
        {new Pool2D("pool", Pool2D.Kind.AVERAGE, new Window2D(1, 2, 3, 2, 1, 1, Padding.SAME)), Shape.of(1, 6, 7)},
        {new Conv2D(2, new Window2D(1, 1, 3, 2, 1, 1, Padding.SAME)).withName("conv"), Shape.of(2, 7, 5)},
        // taps that fall wholly outside an image one column or one row wide
        {new Conv2D(2, new Window2D(1, 3, 3, 1, 2, 2, Padding.SAME)).withName("conv"), Shape.of(1, 3, 1)},
        {new Conv2D(1, new Window2D(3, 4, 2, 1, 1, 1, Padding.SAME)).withName("conv"), Shape.of(4, 1, 1)},
        {new GlobalAveragePool2D("gap"), Shape.of(3, 5, 4)},
        {new Flatten("flatten"), Shape.of(2, 3, 5)},
        {new BatchNorm("bn", 0.1, 1e-5), Shape.of(3, 4, 5)},
        {new BatchNorm("bn", 0.1, 1e-5), Shape.of(6)},
    };
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (Object[] s : specs) {
        LayerSpec spec = (LayerSpec) s[0];
        Shape in = (Shape) s[1];
        for (int batch : new int[] {1, 5}) {
          cases.add(Arguments.of(type, spec.type() + " " + spec.summary() + " on " + in + ", batch " + batch,
              fromSpec(spec, in), in.withBatch(batch)));
        }
      }
    }
    return cases.stream();
  }

  /**
   * Batch norm maps x about its mean, γ/√(σ² + ε)·(x − μ) + β: a constant channel, whose x − μ is 0, normalises to β
   * exactly and passes back no gradient to γ, at a mean of 1e4 as at 0, alone and fused with the ReLU after it. As
   * γ/√(σ² + ε)·x + (β − μ·γ/√(σ² + ε)) it came out β ± 0.5 in FLOAT32, where γ/√ε·μ ≈ 5·10⁶ is held to 0.5.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void batchNormOfAConstantChannelIsBetaAtAnyMean(DataType type) {
    Shape image = Shape.of(2, 3, 3);
    double[] x = new double[3 * 18];
    for (int s = 0; s < 3; s++) {
      for (int i = 0; i < 9; i++) {
        x[s * 18 + i] = 10000.5; //                       constant, its sums exact in float
        x[s * 18 + 9 + i] = 1e4 + 0.25 * ((s * 9 + i) % 5); // around 1e4, spread 0.35
      }
    }
    double[] dy = random(reference, DataType.FLOAT64, image.withBatch(3), 41, 1).toDoubleArray();
    for (boolean relu : new boolean[] {false, true}) {
      Layer layer = fromSpec(new BatchNorm("bn", 0.1, 1e-5), image).build(engine(), type);
      if (relu) {
        layer = layer.fuse(new ActivationLayer("relu", ActivationFunction.RELU, 0, image, engine(), type));
      }
      layer.parameters().get(0).value().copyFrom(new double[] {1.5, 0.75});
      layer.parameters().get(1).value().copyFrom(new double[] {0.25, -0.5});
      double[] y = layer.forward(engine().tensor(type, image.withBatch(3), x), org.delta4j.nn.Mode.training(0))
          .toDoubleArray();
      layer.backward(engine().tensor(type, image.withBatch(3), dy), true);
      for (int s = 0; s < 3; s++) {
        for (int i = 0; i < 9; i++) {
          assertEquals(0.25, y[s * 18 + i], 0, (relu ? "fused " : "") + "output " + (s * 18 + i));
        }
      }
      assertEquals(0, layer.parameters().get(0).gradient().toDoubleArray()[0], 0, "the constant channel's dγ");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("convolutionalLayers")
  void convolutionalLayerForwardAndBackwardAgree(DataType type, String label, LayerAgreement.LayerFactory f,
      Shape input) {
    LayerAgreement.check(label, reference, engine(), type, f, input);
  }

  static Stream<Arguments> gradientCheckedConvolutionalLayers() {
    return convolutionalLayers().filter(a -> a.get()[0] == DataType.FLOAT64).map(a -> Arguments.of(a.get()[1],
        a.get()[2], a.get()[3]));
  }

  /** ε = 1e-5: the layers are linear or piecewise linear in what is varied (batch norm's curvature is mild). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("gradientCheckedConvolutionalLayers")
  void convolutionalLayerGradientsMatchFiniteDifferences(String label, LayerAgreement.LayerFactory factory,
      Shape input) {
    var layer = factory.build(engine(), DataType.FLOAT64);
    for (Parameter p : layer.parameters()) {
      p.value().copyFrom(random(engine(), DataType.FLOAT64, p.value().shape(), 3, 0.5).toDoubleArray());
    }
    GradientCheckResult r = new GradientChecker(1e-5, 64, 1).checkLayer(layer, random(engine(), DataType.FLOAT64,
        input, 4, 2));
    assertTrue(r.passes(1e-6), label + ": " + r);
  }

  /**
   * Max pooling's kernels give the portable loops' bits ({@link ImageLoops#maxPool}), forward and backward, on data
   * full of ties (the first tap in row-major order wins, −0 ties +0), infinities and NaN (a window holding one has
   * NaN for its maximum and passes the gradient to its last NaN, as PyTorch's max_pool2d): over the usual 2×2 windows of stride 2, which the engines take by
   * loops of their own, on odd sizes (an uncovered last row and column), one channel, several samples, and rows as
   * wide as several vectors of windows and a tail, or none (16, 32, 48, 64 and 70 columns); and over overlapping and
   * padded windows; on batches small and large enough to be split between the cores. Average pooling, on the same
   * data, agrees within rounding and keeps every NaN and infinity.
   */
  @ParameterizedTest(name = "{0} {1} samples of {2} channels of {3}×{4}, window {6} stride {7} padding {8}, NaN {5}")
  @MethodSource("poolingCases")
  void poolingKeepsThePortableLoopsValuesOnTiesInfinitiesAndNaN(DataType type, int samples, int channels, int height,
      int width, boolean nan, int window, int stride, int pad) throws Throwable {
    // on a thread of its own, whose work arrays are as long as the kernels ask for and no longer: a read past the end
    // of one fails here instead of reading what an earlier, larger call left behind
    Throwable[] failure = new Throwable[1];
    Thread thread = new Thread(() -> {
      try {
        comparePools(type, samples, channels, height, width, nan, window, stride, pad);
      } catch (Throwable t) {
        failure[0] = t;
      }
    });
    thread.start();
    thread.join();
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  static Stream<Arguments> poolingCases() {
    int[][] sizes = {{1, 1, 2, 2}, {1, 1, 5, 7}, {2, 3, 28, 28}, {1, 2, 14, 14}, {3, 4, 9, 6}, {1, 1, 3, 2},
        {2, 6, 7, 7}, {1, 2, 34, 40}, {2, 3, 33, 35}, {1, 2, 4, 70}, {2, 2, 6, 32}, {1, 1, 4, 16}, {1, 2, 4, 64},
        {1, 1, 2, 48},
        {4, 8, 33, 35}}; // 36,960 elements: planes split between the cores, in several chunks each
    int[][] windows = {{3, 2, 1}, {3, 1, 1}, {2, 1, 0}, {3, 3, 0}}; // window, stride, padding
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (int i = 0; i < sizes.length; i++) {
        int[] s = sizes[i];
        cases.add(Arguments.of(type, s[0], s[1], s[2], s[3], i % 2 == 1, 2, 2, 0));
      }
      for (int[] w : windows) {
        cases.add(Arguments.of(type, 2, 3, 9, 7, true, w[0], w[1], w[2]));
        cases.add(Arguments.of(type, 1, 2, 14, 14, false, w[0], w[1], w[2]));
      }
      cases.add(Arguments.of(type, 4, 8, 33, 35, true, 3, 2, 1));
    }
    return cases.stream();
  }

  private void comparePools(DataType type, int samples, int channels, int height, int width, boolean nan, int window,
      int stride, int pad) {
    Engine e = engine();
    int oh = (height + 2 * pad - window) / stride + 1;
    int ow = (width + 2 * pad - window) / stride + 1;
    ConvGeometry g = new ConvGeometry(channels, height, width, window, window, stride, stride, 1, 1, pad, pad, oh, ow);
    ConvGeometry plane = new ConvGeometry(1, height, width, window, window, stride, stride, 1, 1, pad, pad, oh, ow);
    int planes = samples * channels;
    Shape images = Shape.of(samples, channels, height, width);
    Shape pooled = Shape.of(samples, channels, g.outputHeight(), g.outputWidth());
    // the values as the tensors hold them (FLOAT32 rounds them): the portable loops in double then give a FLOAT32
    // engine's bits too, a maximum being one of its inputs and 0 + dy exact
    double[] x = e.tensor(type, images, tiedValues(images.intSize(), 1, nan)).toDoubleArray();
    double[] dy = e.tensor(type, pooled, tiedValues(pooled.intSize(), 2, false)).toDoubleArray();
    int[] taps = plane.tapIndices();
    double[] expectedY = new double[pooled.intSize()];
    double[] expectedDx = new double[images.intSize()];
    ImageLoops.maxPool(x, expectedY, null, null, plane, taps, 0, planes);
    ImageLoops.maxPool(x, null, dy, expectedDx, plane, taps, 0, planes);
    Kernels k = e.kernels();
    Tensor y = e.tensor(type, pooled, tiedValues(pooled.intSize(), 4, true)); // garbage: every element written
    k.maxPool(e.tensor(type, images, x), g, y);
    assertSameValues("maxPool " + pooled, expectedY, y.toDoubleArray(), null);
    Tensor dx = e.tensor(type, images, tiedValues(images.intSize(), 3, true)); // garbage: every element written
    k.maxPoolBackward(e.tensor(type, images, x), e.tensor(type, pooled, dy), g, dx);
    // overlapping windows add several gradients into one element: the sum's rounding may differ with an engine's
    // accumulator, its sign, zeros and NaN may not
    Tolerances tolerance = stride >= window ? null : Tolerances.of(type);
    assertSameValues("maxPoolBackward " + images, expectedDx, dx.toDoubleArray(), tolerance);

    // average pooling on the same data: sums within rounding, and infinities, their NaN (∞ − ∞) and NaN as they are
    double[] expectedAverage = new double[pooled.intSize()];
    double[] expectedAverageDx = new double[images.intSize()];
    ImageLoops.avgPool(x, expectedAverage, null, null, plane, taps, 0, planes);
    ImageLoops.avgPool(null, null, dy, expectedAverageDx, plane, taps, 0, planes);
    Tensor average = e.tensor(type, pooled, tiedValues(pooled.intSize(), 5, true));
    k.avgPool(e.tensor(type, images, x), g, average);
    assertSameValues("avgPool " + pooled, expectedAverage, average.toDoubleArray(), Tolerances.of(type));
    Tensor averageDx = e.tensor(type, images, tiedValues(images.intSize(), 6, true));
    k.avgPoolBackward(e.tensor(type, pooled, dy), g, averageDx);
    assertSameValues("avgPoolBackward " + images, expectedAverageDx, averageDx.toDoubleArray(), Tolerances.of(type));
  }

  /** Values from a few levels, so that many windows hold ties, with −0, +0, ±∞ and, when asked, NaN among them. */
  private static double[] tiedValues(int n, long seed, boolean nan) {
    SplitMix64 r = new SplitMix64(seed);
    double[] levels = {-1, -0.0, 0, 0.5, 2, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      v[i] = u < 0.5 ? levels[(int) (r.nextDouble() * levels.length)] : (float) (2 * r.nextDouble() - 1);
      if (nan && u > 0.97) {
        v[i] = Double.NaN;
      }
    }
    return v;
  }

  /**
   * Equal values, −0 told from +0 and NaN equal to NaN, as {@link Double#compare} has them; nonzero finite values may
   * differ within {@code tolerance} (null: not at all).
   */
  private static void assertSameValues(String what, double[] expected, double[] actual, Tolerances tolerance) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      int at = i;
      boolean near = tolerance != null && expected[i] != 0 && Double.isFinite(expected[i])
          && tolerance.agree(expected[i], actual[i]);
      assertTrue(near || Double.compare(expected[i], actual[i]) == 0, () -> what + " at " + at + ": expected "
          + expected[at] + ", got " + actual[at]);
    }
  }

  /** A small CNN with batch normalisation: three updates, then inference on running statistics, as the reference. */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void aConvolutionalNetworkTrainsAsTheReferenceDoes(DataType type) {
    // No bias before batch normalisation, which removes it: its gradient would be rounding noise that Adam amplifies.
    NetworkSpec spec = NetworkSpec.builder().input(2, 7, 6)
        .layer(new Conv2D(null, 4, Window2D.square(3, Padding.SAME), Initializer.heUniform(), false,
            Initializer.zeros())).batchNorm().relu().maxPool(2)
        .conv2d(3, 2, Padding.VALID).relu().globalAveragePool().dense(3).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.Adam(0.01)).seed(12).build();
    Network expected = Network.create(spec, reference, type);
    Network actual = Network.create(spec, engine(), type);
    Shape xs = Shape.of(6, 2, 7, 6);
    double[] x = random(reference, DataType.FLOAT64, xs, 51, 1).toDoubleArray();
    double[] t = new double[18];
    for (int i = 0; i < 6; i++) {
      t[3 * i + i % 3] = 1;
    }
    Tolerances tol = Tolerances.of(type).compounded();
    for (int step = 0; step < 3; step++) {
      double le = expected.trainStep(reference.tensor(type, xs, x), reference.tensor(type, Shape.of(6, 3), t));
      double la = actual.trainStep(engine().tensor(type, xs, x), engine().tensor(type, Shape.of(6, 3), t));
      assertAgree("loss at step " + step, le, la, tol);
    }
    for (int i = 0; i < expected.parameters().size(); i++) {
      assertAgree(expected.parameters().get(i).name(), expected.parameters().get(i).value(),
          actual.parameters().get(i).value(), tol);
    }
    for (Map.Entry<String, Tensor> e : expected.buffers().entrySet()) {
      assertAgree("buffer " + e.getKey(), e.getValue(), actual.buffers().get(e.getKey()), tol);
    }
    assertAgree("inference", expected.probabilities(reference.tensor(type, xs, x)),
        actual.probabilities(engine().tensor(type, xs, x)), tol);
  }
}
