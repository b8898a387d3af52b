package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import org.delta4j.spec.LossFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
