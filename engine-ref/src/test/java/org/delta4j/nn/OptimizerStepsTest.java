package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The first updates of every optimizer on one parameter w = (1, −2) with fixed gradients g₁ = (0.5, 0.1) then
 * g₂ = (−0.2, 0.3), against the update rules written out by hand.
 */
class OptimizerStepsTest {
  static final double[] W = {1, -2};
  static final double[] G1 = {0.5, 0.1};
  static final double[] G2 = {-0.2, 0.3};

  private final Engine engine = new RefEngine();

  /** w after the two updates made by an optimizer built from {@code spec}. */
  private double[] twoSteps(OptimizerSpec spec) {
    Parameter p = new Parameter("w", engine.tensor(DataType.FLOAT64, Shape.of(2), W),
        engine.zeros(DataType.FLOAT64, Shape.of(2)));
    Optimizer o = spec.build(List.of(p), engine);
    p.gradient().copyFrom(G1);
    o.step();
    p.gradient().copyFrom(G2);
    o.step();
    assertEquals(2, o.iterations());
    return p.value().toDoubleArray();
  }

  @Test
  void sgdSubtractsTheScaledGradient() {
    double a = 0.1;
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      expected[i] = W[i] - a * G1[i] - a * G2[i]; // W ← W − α·δW, twice
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.Sgd(a)), 1e-15);
  }

  @Test
  void l2WeightDecayAddsLambdaWToTheGradient() {
    double a = 0.1;
    double lambda = 0.01;
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double w1 = W[i] - a * (G1[i] + lambda * W[i]);
      expected[i] = w1 - a * (G2[i] + lambda * w1);
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.Sgd(a, lambda, new LearningRateSchedule.Constant())),
        1e-15);
  }

  /** As PyTorch's weight_decay, L2 decay enters the update only: the gradient read after a step is the loss's. */
  @Test
  void l2WeightDecayLeavesTheGradientAsItWas() {
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    for (OptimizerSpec spec : List.of(new OptimizerSpec.Sgd(0.1, 0.01, constant),
        new OptimizerSpec.Adam(0.1, 0.9, 0.999, 1e-8, 0.01, constant))) {
      Parameter p = new Parameter("w", engine.tensor(DataType.FLOAT64, Shape.of(2), W),
          engine.tensor(DataType.FLOAT64, Shape.of(2), G1));
      spec.build(List.of(p), engine).step();
      assertArrayEquals(G1, p.gradient().toDoubleArray(), 0, spec.type());
    }
  }

  @Test
  void momentumAccumulatesAVelocity() {
    double a = 0.1;
    double mu = 0.9;
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double v1 = G1[i]; //          v ← μ·0 + g₁
      double w1 = W[i] - a * v1;
      double v2 = mu * v1 + G2[i];
      expected[i] = w1 - a * v2;
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.Momentum(a, mu)), 1e-15);
  }

  @Test
  void nesterovLooksAhead() {
    double a = 0.1;
    double mu = 0.9;
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double v1 = G1[i];
      double w1 = W[i] - a * (G1[i] + mu * v1);
      double v2 = mu * v1 + G2[i];
      expected[i] = w1 - a * (G2[i] + mu * v2);
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.Nesterov(a, mu)), 1e-15);
  }

  @Test
  void adaGradDividesBySquareRootOfSummedSquares() {
    double a = 0.1;
    double eps = 1e-8;
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double s1 = G1[i] * G1[i];
      double w1 = W[i] - a * G1[i] / (Math.sqrt(s1) + eps);
      double s2 = s1 + G2[i] * G2[i];
      expected[i] = w1 - a * G2[i] / (Math.sqrt(s2) + eps);
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.AdaGrad(a)), 1e-15);
  }

  @Test
  void rmsPropKeepsADecayingMeanOfSquares() {
    double a = 0.01;
    double rho = 0.9;
    double eps = 1e-8;
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double s1 = (1 - rho) * G1[i] * G1[i];
      double w1 = W[i] - a * G1[i] / (Math.sqrt(s1) + eps);
      double s2 = rho * s1 + (1 - rho) * G2[i] * G2[i];
      expected[i] = w1 - a * G2[i] / (Math.sqrt(s2) + eps);
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.RmsProp(a)), 1e-15);
  }

  @Test
  void adamCorrectsTheBiasOfItsMoments() {
    double a = 0.001;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double m1 = (1 - b1) * G1[i];
      double v1 = (1 - b2) * G1[i] * G1[i];
      double w1 = W[i] - a * (m1 / (1 - b1)) / (Math.sqrt(v1 / (1 - b2)) + eps); // first step moves by ≈ α·sign(g)
      double m2 = b1 * m1 + (1 - b1) * G2[i];
      double v2 = b2 * v1 + (1 - b2) * G2[i] * G2[i];
      expected[i] = w1 - a * (m2 / (1 - b1 * b1)) / (Math.sqrt(v2 / (1 - b2 * b2)) + eps);
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.Adam(a)), 1e-15);
  }

  @Test
  void adamWDecaysTheWeightsApartFromTheGradient() {
    double a = 0.001;
    double lambda = 0.1;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double m1 = (1 - b1) * G1[i];
      double v1 = (1 - b2) * G1[i] * G1[i];
      double w1 = (1 - a * lambda) * W[i] - a * (m1 / (1 - b1)) / (Math.sqrt(v1 / (1 - b2)) + eps);
      double m2 = b1 * m1 + (1 - b1) * G2[i];
      double v2 = b2 * v1 + (1 - b2) * G2[i] * G2[i];
      expected[i] = (1 - a * lambda) * w1 - a * (m2 / (1 - b1 * b1)) / (Math.sqrt(v2 / (1 - b2 * b2)) + eps);
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.AdamW(a, lambda)), 1e-15);
  }

  @Test
  void schedulesSetTheRateOfEachUpdate() {
    double a = 0.1;
    LearningRateSchedule halving = new LearningRateSchedule.StepDecay(1, 0.5);
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      expected[i] = W[i] - a * G1[i] - a * 0.5 * G2[i]; // α₀ = α, α₁ = α/2
    }
    assertArrayEquals(expected, twoSteps(new OptimizerSpec.Sgd(a, 0, halving)), 1e-15);
  }
}
