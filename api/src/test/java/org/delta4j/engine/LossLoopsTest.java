package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.stream.IntStream;
import org.delta4j.spec.LossFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loss loops compute each loss as its formula says, their gradients are the losses' derivatives, and the float
 * loops are the double ones rounded.
 */
class LossLoopsTest {
  private static final double EPS = 1e-12;

  /** Predictions in (0, 1) for the probability losses, any sign for the others; targets to suit. */
  private static double[][] example(LossFunction f) {
    boolean probabilities = EnumSet.of(LossFunction.BINARY_CROSS_ENTROPY, LossFunction.CATEGORICAL_CROSS_ENTROPY)
        .contains(f);
    double[] p = probabilities ? new double[] {0.2, 0.7, 0.1, 0.6, 0.3, 0.1}
        : new double[] {1.5, -0.5, 0.25, -2.0, 3.0, 0.75};
    double[] t = f == LossFunction.PERCEPTRON ? new double[] {1, -1, -1, 1, -1, 1}
        : new double[] {0, 1, 0, 1, 0, 0};
    return new double[][] {p, t};
  }

  @ParameterizedTest
  @EnumSource(LossFunction.class)
  void gradientsAreTheLossesDerivatives(LossFunction f) {
    double[][] ex = example(f);
    double[] p = ex[0];
    double[] g = new double[6];
    LossLoops.compute(f, 2, 3, EPS, p, ex[1], g);
    for (int i = 0; i < p.length; i++) {
      double h = 1e-6;
      double[] up = p.clone();
      double[] down = p.clone();
      up[i] += h;
      down[i] -= h;
      double numeric = (LossLoops.compute(f, 2, 3, EPS, up, ex[1], null)
          - LossLoops.compute(f, 2, 3, EPS, down, ex[1], null)) / (2 * h);
      assertEquals(numeric, g[i], 1e-6, f + " element " + i);
    }
  }

  /**
   * Softmax cross-entropy's gradient, (Σt)·softmax(z) − t over N, against softmax computed here, on rows narrower and
   * wider than any before (a thread keeps its row of exponentials between calls, grown to the widest), with targets
   * that are not one-hot.
   */
  @ParameterizedTest(name = "{0} columns")
  @ValueSource(ints = {1, 2, 17, 100, 3})
  void softmaxCrossEntropyGradientIsTheSoftmaxLessTheTargetsOnRowsOfAnyWidth(int cols) {
    int rows = 3;
    double[] z = new double[rows * cols];
    double[] t = new double[rows * cols];
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.sin(7.0 * i + cols) * 5;
      t[i] = (i % 3) / 4.0;
    }
    double[] g = new double[rows * cols];
    double loss = LossLoops.compute(LossFunction.SOFTMAX_CROSS_ENTROPY, rows, cols, EPS, z, t, g);
    double expectedLoss = 0;
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      double mass = 0;
      for (int j = 0; j < cols; j++) {
        max = Math.max(max, z[r * cols + j]);
        mass += t[r * cols + j];
      }
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        sum += Math.exp(z[r * cols + j] - max);
      }
      for (int j = 0; j < cols; j++) {
        double softmax = Math.exp(z[r * cols + j] - max) / sum;
        expectedLoss -= t[r * cols + j] * Math.log(softmax);
        assertEquals((mass * softmax - t[r * cols + j]) / rows, g[r * cols + j], 1e-15,
            "row " + r + " column " + j);
      }
    }
    assertEquals(expectedLoss / rows, loss, 1e-12);
  }

  @Test
  void softmaxCrossEntropyIsTheMeanNegativeLogLikelihood() {
    // Row 1: logits (0, ln 3), target the second: −log(3/4). Row 2: logits hundreds apart, target the larger: ≈ 0.
    double[] z = {0, Math.log(3), 0, 800};
    double[] t = {0, 1, 0, 1};
    double[] g = new double[4];
    double loss = LossLoops.compute(LossFunction.SOFTMAX_CROSS_ENTROPY, 2, 2, EPS, z, t, g);
    assertEquals(-Math.log(0.75) / 2, loss, 1e-15);
    // ∂ = (softmax − t)/N: (1/4 − 0, 3/4 − 1)/2, and a finite zero for the saturated row
    assertArrayEquals(new double[] {0.125, -0.125, 0, 0}, g, 1e-15);
  }

  /**
   * A gradient element below the type's smallest normal number is stored as 0, as the CPU's flush-to-zero mode would:
   * the softmax's tail of a row whose logits are 100 apart (float: e⁻¹⁰⁰ ≈ 3.7e-44) or 720 (double: e⁻⁷²⁰ ≈ 1.7e-313)
   * is subnormal, where 80 apart (e⁻⁸⁰ ≈ 1.8e-35, normal in float) is kept. The loss is the same either way.
   */
  @Test
  void subnormalGradientElementsAreStoredAsZero() {
    float[] zf = {0, -100, 0, -80};
    float[] tf = {1, 0, 1, 0};
    float[] gf = new float[4];
    double lossF = LossLoops.compute(LossFunction.SOFTMAX_CROSS_ENTROPY, 2, 2, 1e-7, zf, tf, gf);
    assertEquals(0f, gf[1], "float e^-100 / 2");
    assertEquals((float) (Math.exp(-80) / 2), gf[3], Math.ulp((float) (Math.exp(-80) / 2)), "float e^-80 / 2");
    assertEquals(0, lossF, 1e-30, "−log softmax of the targets, below 1e-35");
    double[] z = {0, -720, 0, -700};
    double[] t = {1, 0, 1, 0};
    double[] g = new double[4];
    LossLoops.compute(LossFunction.SOFTMAX_CROSS_ENTROPY, 2, 2, EPS, z, t, g);
    assertEquals(0, g[1], "double e^-720 / 2");
    assertEquals(Math.exp(-700) / 2, g[3], Math.ulp(Math.exp(-700) / 2), "double e^-700 / 2 (normal)");
    double[] mse = new double[2];
    LossLoops.compute(LossFunction.MEAN_SQUARED_ERROR, 1, 2, EPS, new double[] {0x1p-1070, 1}, new double[] {0, 1},
        mse);
    assertArrayEquals(new double[] {0, 0}, mse, 0, "2·(o − t)/N of a subnormal difference, every loss alike");
  }

  /**
   * A NaN prediction makes the loss NaN, which a network refuses, also where its target is 0: its gradient is NaN
   * there, and a finite loss would let the NaN into the weights unseen.
   */
  @ParameterizedTest
  @EnumSource(LossFunction.class)
  void aNaNPredictionMakesTheLossNaNWhateverItsTarget(LossFunction f) {
    double[][] ex = example(f);
    double[] p = ex[0].clone();
    double[] t = ex[1];
    int zero = f == LossFunction.PERCEPTRON ? 0 : IntStream.range(0, t.length)
        .filter(i -> t[i] == 0).findFirst().orElseThrow(); // the perceptron's targets are ±1
    p[zero] = Double.NaN;
    double[] g = new double[6];
    assertTrue(Double.isNaN(LossLoops.compute(f, 2, 3, EPS, p, t, g)), f + " of a NaN prediction");
  }

  /**
   * Equal logits give a uniform softmax whatever their size: the loss is log C and the gradient (1/C − t)/N, also at
   * 1e30 and at the ends of the float and double ranges, where logsumexp(z) rounds to z.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0, 1e4, -1e4, 1e30, -1e30, Float.MAX_VALUE, -Float.MAX_VALUE, Double.MAX_VALUE,
      -Double.MAX_VALUE})
  void softmaxCrossEntropyOfEqualLogitsIsLogOfTheClassesAtAnySize(double logit) {
    double[] z = {logit, logit, logit, logit};
    double[] t = {1, 0, 0, 0};
    double[] g = new double[4];
    double loss = LossLoops.compute(LossFunction.SOFTMAX_CROSS_ENTROPY, 1, 4, EPS, z, t, g);
    assertEquals(Math.log(4), loss, 1e-15);
    for (int j = 0; j < 4; j++) {
      assertEquals(0.25 - t[j], g[j], 1e-15, "element " + j);
    }
  }

  /**
   * Softmax cross-entropy is unchanged by adding one value to a row's logits, to round-off in the loss itself, not in
   * the logits: in double and in float, logits 1e4 or 1e8 away from 0 give the loss and gradient of the logits at 0.
   */
  @ParameterizedTest
  @ValueSource(doubles = {1e4, -1e4, 1e8, -1e8})
  void softmaxCrossEntropyIsUnchangedByShiftingTheLogits(double shift) {
    double[] z = {0, 1, 2, -3, 1, 1.5};
    double[] t = {0, 1, 0, 0.25, 0.25, 0.5}; // one-hot, and soft
    double[] g = new double[6];
    double expected = LossLoops.compute(LossFunction.SOFTMAX_CROSS_ENTROPY, 2, 3, EPS, z, t, g);
    double[] shifted = new double[6];
    float[] shiftedFloats = new float[6];
    float[] floatTargets = new float[6];
    for (int i = 0; i < 6; i++) {
      shifted[i] = z[i] + shift; // exact: multiples of 1/4 below 2^27 in size
      shiftedFloats[i] = (float) shifted[i];
      floatTargets[i] = (float) t[i];
    }
    double[] gs = new double[6];
    float[] gf = new float[6];
    assertEquals(expected, LossLoops.compute(LossFunction.SOFTMAX_CROSS_ENTROPY, 2, 3, EPS, shifted, t, gs),
        1e-15 * expected, "double");
    assertArrayEquals(g, gs, 1e-15, "double gradient");
    if (Math.abs(shift) <= 1e4) { // a float holds 1e4 + k/4 exactly, not 1e8 + k/4
      assertEquals(expected, LossLoops.compute(LossFunction.SOFTMAX_CROSS_ENTROPY, 2, 3, 1e-7, shiftedFloats,
          floatTargets, gf), 1e-15 * expected, "float");
      for (int i = 0; i < 6; i++) {
        assertEquals((float) g[i], gf[i], "float gradient element " + i);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(LossFunction.class)
  void floatLoopsAreTheDoubleLoopsRounded(LossFunction f) {
    double[][] ex = example(f);
    float[] pf = new float[6];
    float[] tf = new float[6];
    double[] pd = new double[6];
    double[] td = new double[6];
    for (int i = 0; i < 6; i++) {
      pf[i] = (float) ex[0][i];
      tf[i] = (float) ex[1][i];
      pd[i] = pf[i]; // the same values, so that only the storage differs
      td[i] = tf[i];
    }
    float[] gf = new float[6];
    double[] gd = new double[6];
    assertEquals(LossLoops.compute(f, 2, 3, 1e-7, pd, td, gd), LossLoops.compute(f, 2, 3, 1e-7, pf, tf, gf));
    for (int i = 0; i < 6; i++) {
      assertEquals((float) gd[i], gf[i], f + " element " + i);
    }
  }
}
