package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Optimizers and schedules at the limits of their settings and update counts: a value out of range is refused when
 * the spec is made, naming it; every value accepted gives finite rates that never rise; the last update number a long
 * holds is made with fully corrected moments, and the one after it is refused, not wrapped to a negative t.
 */
class OptimizerLimitsTest {
  private static final double[] W = {1, -2};
  private static final double[] G = {0.5, 0.1};

  private final Engine engine = new RefEngine();

  private static void refused(Executable e, String... fragments) {
    Throwable t = assertThrows(IllegalArgumentException.class, e);
    for (String f : fragments) {
      assertTrue(t.getMessage().contains(f), "message '" + t.getMessage() + "' should contain '" + f + "'");
    }
  }

  private static Map<String, double[]> snapshot(Optimizer o) {
    Map<String, double[]> s = new LinkedHashMap<>();
    o.state().forEach((name, t) -> s.put(name, t.toDoubleArray()));
    return s;
  }

  /**
   * Update Long.MAX_VALUE is made (Adam's bias corrections 1 − βᵗ are then 1); the next is refused with a message
   * naming the count, leaving the weights, the state and the count as they were, for every registered optimizer kind.
   */
  @Test
  void theUpdateAfterTheLastUpdateNumberIsRefusedChangingNothing() {
    for (OptimizerKind kind : KindRegistry.standard().optimizerKinds()) {
      Parameter p = new Parameter("w", engine.tensor(DataType.FLOAT64, Shape.of(2), W),
          engine.zeros(DataType.FLOAT64, Shape.of(2)));
      Optimizer o = kind.example().build(List.of(p), engine);
      o.restore(Long.MAX_VALUE - 1);
      p.gradient().copyFrom(G);
      o.step();
      assertEquals(Long.MAX_VALUE, o.iterations(), kind.type());
      double[] w = p.value().toDoubleArray();
      for (double x : w) {
        assertTrue(Double.isFinite(x) && x != 0, kind.type() + ": update Long.MAX_VALUE gave " + x);
      }
      Map<String, double[]> state = snapshot(o);
      p.gradient().copyFrom(G);
      ArithmeticException e = assertThrows(ArithmeticException.class, o::step, kind.type());
      assertTrue(e.getMessage().contains(kind.type()) && e.getMessage().contains(String.valueOf(Long.MAX_VALUE)),
          e.getMessage());
      assertArrayEquals(w, p.value().toDoubleArray(), kind.type() + ": weights after a refused update");
      state.forEach((name, s) -> assertArrayEquals(s, o.state().get(name).toDoubleArray(), kind.type() + " " + name));
      assertEquals(Long.MAX_VALUE, o.iterations(), kind.type());
    }
  }

  /**
   * A NaN or infinite gradient, as a caller may leave one between {@link Network#computeGradients} and {@link
   * Network#applyUpdate}, is taken as it stands, as {@link Optimizer#step} says; the weights it makes non-finite are
   * refused by the next computeGradients, which names the update, for every registered optimizer kind.
   */
  @Test
  void aNonFiniteGradientIsRefusedByTheNextUpdate() {
    Tensor x = engine.tensor(DataType.FLOAT64, Shape.of(2, 3), 1, 2, 3, -1, 0.5, 2);
    Tensor y = engine.tensor(DataType.FLOAT64, Shape.of(2, 2), 1, 0, 0, 1);
    for (OptimizerKind kind : KindRegistry.standard().optimizerKinds()) {
      for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        Network net = Network.create(NetworkSpec.builder().input(3).dense(2).loss(LossFunction.MEAN_SQUARED_ERROR)
            .optimizer(kind.example()).build(), engine, DataType.FLOAT64);
        net.computeGradients(x, y);
        Tensor g = net.parameters().get(0).gradient();
        double[] values = g.toDoubleArray();
        values[0] = bad;
        g.copyFrom(values);
        net.applyUpdate();
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> net.computeGradients(x, y));
        assertTrue(e.getMessage().contains("at update 2"), kind.type() + " after " + bad + ": " + e.getMessage());
      }
    }
  }

  /** At update Long.MAX_VALUE from zero moments Adam moves by α·g / (|g| + ε): βᵗ has long since reached 0. */
  @Test
  void adamAtTheLastUpdateNumberUsesFullyCorrectedMoments() {
    OptimizerSpec.Adam adam = new OptimizerSpec.Adam(0.01);
    Parameter p = new Parameter("w", engine.tensor(DataType.FLOAT64, Shape.of(2), W),
        engine.zeros(DataType.FLOAT64, Shape.of(2)));
    Optimizer o = adam.build(List.of(p), engine);
    o.restore(Long.MAX_VALUE - 1);
    p.gradient().copyFrom(G);
    o.step();
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double m = (1 - adam.beta1()) * G[i];
      double v = (1 - adam.beta2()) * G[i] * G[i];
      expected[i] = W[i] - 0.01 * m / (Math.sqrt(v) + adam.epsilon());
    }
    assertArrayEquals(expected, p.value().toDoubleArray(), 1e-15);
  }

  /**
   * Adam's and AdamW's rule called for update 0 or before, whose bias corrections 1 − βᵗ are 0 or negative, is
   * refused naming t, the weights and moments left as they were, where update 0 made every weight NaN.
   */
  @Test
  void adamsRuleRefusesAnUpdateNumberBelowOne() {
    for (OptimizerSpec adam : List.of(new OptimizerSpec.Adam(0.01), new OptimizerSpec.AdamW(0.01, 0.01))) {
      for (long t : new long[] {0, -1, Long.MIN_VALUE}) {
        Tensor w = engine.tensor(DataType.FLOAT64, Shape.of(2), W);
        Tensor g = engine.tensor(DataType.FLOAT64, Shape.of(2), G);
        List<Tensor> state = List.of(engine.zeros(DataType.FLOAT64, Shape.of(2)),
            engine.zeros(DataType.FLOAT64, Shape.of(2)));
        refused(() -> adam.update(engine.kernels(), w, g, state, 0.01, t),
            adam.type() + ": the update number t counts from 1, got " + t);
        assertArrayEquals(W, w.toDoubleArray(), adam.type() + " at t = " + t);
        assertArrayEquals(new double[2], state.get(0).toDoubleArray());
        assertArrayEquals(new double[2], state.get(1).toDoubleArray());
      }
    }
  }

  /**
   * Every schedule at the ends of its settings, for base rates from the least to the greatest double and update
   * counts to Long.MAX_VALUE: each rate is finite, ≥ 0, at most the base rate, and no rate is above an earlier one.
   */
  @Test
  void schedulesAtTheirLimitsGiveFiniteRatesThatNeverRise() {
    List<LearningRateSchedule> schedules = List.of(new LearningRateSchedule.Constant(),
        new LearningRateSchedule.StepDecay(1, Double.MIN_VALUE), new LearningRateSchedule.StepDecay(1, 1),
        new LearningRateSchedule.StepDecay(Long.MAX_VALUE, 0.5),
        new LearningRateSchedule.ExponentialDecay(1, Double.MIN_VALUE),
        new LearningRateSchedule.ExponentialDecay(Long.MAX_VALUE, 0.5),
        new LearningRateSchedule.CosineDecay(1, 0), new LearningRateSchedule.CosineDecay(1, 1),
        new LearningRateSchedule.CosineDecay(3, 0.5), new LearningRateSchedule.CosineDecay(Long.MAX_VALUE, 0));
    long[] counts = {0, 1, 2, 3, 4, 1000, Integer.MAX_VALUE + 1L, Long.MAX_VALUE / 2, Long.MAX_VALUE - 1,
        Long.MAX_VALUE};
    for (LearningRateSchedule s : schedules) {
      for (double base : new double[] {Double.MIN_VALUE, 1e-3, 1, Double.MAX_VALUE}) {
        double previous = base;
        for (long t : counts) {
          double rate = s.rate(base, t);
          assertTrue(Double.isFinite(rate) && rate >= 0 && rate <= previous,
              s + " at base " + base + ", update " + t + ": " + rate + " after " + previous);
          previous = rate;
        }
      }
    }
    LearningRateSchedule oneStep = new LearningRateSchedule.CosineDecay(1, 0.25);
    assertEquals(0.1, oneStep.rate(0.1, 0)); // the first update at the base rate, all later ones at the minimum
    assertEquals(0.025, oneStep.rate(0.1, 1), 1e-17);
    assertEquals(0.025, oneStep.rate(0.1, Long.MAX_VALUE), 1e-17);
  }

  /**
   * The least ε accepted, the least positive FLOAT32, is not 0 in FLOAT32: a weight whose gradient is 0 stays as it is
   * under AdaGrad, RMSProp and Adam (0/(0 + ε) = 0), where an ε that FLOAT32 rounds to 0 made it NaN (0/0).
   */
  @Test
  void theLeastEpsilonAcceptedLeavesAWeightOfZeroGradientAsItIs() {
    double epsilon = Float.MIN_VALUE;
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    for (OptimizerSpec spec : List.of(new OptimizerSpec.AdaGrad(0.1, epsilon, 0, constant),
        new OptimizerSpec.RmsProp(0.1, 0.9, epsilon, 0, constant),
        new OptimizerSpec.Adam(0.1, 0.9, 0.999, epsilon, 0, constant))) {
      Parameter p = new Parameter("w", engine.tensor(DataType.FLOAT32, Shape.of(2), 0.5, -1),
          engine.tensor(DataType.FLOAT32, Shape.of(2), 0, 1));
      Optimizer o = spec.build(List.of(p), engine);
      o.step();
      o.step();
      double[] w = p.value().toDoubleArray();
      assertEquals(0.5, w[0], spec.type() + ": the weight of gradient 0");
      assertTrue(Double.isFinite(w[1]) && w[1] < -1, spec.type() + ": the weight of gradient 1 is " + w[1]);
    }
  }

  /**
   * Decay factors at 0, the low end of their range, keep no memory: momentum and Nesterov with μ = 0 are SGD, and
   * RMSProp with ρ = 0 and Adam with β₁ = β₂ = 0 (bias corrections 1 − 0ᵗ = 1) step by α·g/(|g| + ε), at every update.
   */
  @Test
  void decayFactorsOfZeroKeepNoMemory() {
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    double a = 0.1;
    double eps = 1e-8;
    double[][] gradients = {G, {-0.2, 0.3}, {0, 4}};
    Map<OptimizerSpec, Boolean> normalised = new LinkedHashMap<>();
    normalised.put(new OptimizerSpec.Momentum(a, 0), false);
    normalised.put(new OptimizerSpec.Nesterov(a, 0), false);
    normalised.put(new OptimizerSpec.RmsProp(a, 0, eps, 0, constant), true);
    normalised.put(new OptimizerSpec.Adam(a, 0, 0, eps, 0, constant), true);
    normalised.forEach((spec, byMagnitude) -> {
      Parameter p = new Parameter("w", engine.tensor(DataType.FLOAT64, Shape.of(2), W),
          engine.zeros(DataType.FLOAT64, Shape.of(2)));
      Optimizer o = spec.build(List.of(p), engine);
      double[] expected = W.clone();
      for (double[] g : gradients) {
        p.gradient().copyFrom(g);
        o.step();
        for (int i = 0; i < 2; i++) {
          expected[i] -= a * (byMagnitude ? g[i] / (Math.abs(g[i]) + eps) : g[i]);
        }
        assertArrayEquals(expected, p.value().toDoubleArray(), 1e-15, spec.toString());
      }
    });
  }

  /** Hyperparameters out of range are refused when the spec is made, with the optimizer and the value named. */
  @Test
  void hyperparametersOutOfRangeAreRefusedNamingTheValue() {
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    for (double rate : new double[] {0, -1e-3, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      refused(() -> new OptimizerSpec.Sgd(rate), "sgd: learning rate must be positive and finite, got " + rate);
    }
    for (double rate : new double[] {Double.MIN_VALUE, 1e-46}) { // 0 in FLOAT32: every update gave the weights back
      refused(() -> new OptimizerSpec.Sgd(rate), "sgd: learning rate must be at least " + Float.MIN_VALUE
          + " (the least positive FLOAT32; a smaller rate is 0 in FLOAT32 and trains nothing), got " + rate);
    }
    new OptimizerSpec.Sgd(Float.MIN_VALUE); // the least rate FLOAT32 holds is taken
    for (double decay : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
      refused(() -> new OptimizerSpec.AdamW(1e-3, decay), "adamw: weight decay must be ≥ 0 and finite, got " + decay);
    }
    // AdamW first scales the weights by 1 − α·λ: at α·λ ≥ 1 every update zeroes or flips them
    refused(() -> new OptimizerSpec.AdamW(1, 1), "adamw: the learning rate times the weight decay, α·λ = 1.0 · 1.0, "
        + "must be below 1: each update scales the weights by 1 − α·λ = 0.0, which zeroes or flips them");
    refused(() -> new OptimizerSpec.AdamW(0.5, 4), "α·λ = 0.5 · 4.0", "1 − α·λ = -1.0");
    new OptimizerSpec.AdamW(0.5, 1.9); // α·λ = 0.95 shrinks them
    for (double factor : new double[] {1, -0.1, Double.NaN, 1 + 1e-16 * 3}) {
      refused(() -> new OptimizerSpec.Momentum(0.1, factor), "momentum: momentum must be in [0, 1), got " + factor);
      refused(() -> new OptimizerSpec.Nesterov(0.1, factor), "nesterov: momentum must be in [0, 1)");
      refused(() -> new OptimizerSpec.RmsProp(0.1, factor, 1e-8, 0, constant), "rmsprop: rho must be in [0, 1)");
      refused(() -> new OptimizerSpec.Adam(0.1, factor, 0.999, 1e-8, 0, constant), "adam: beta1 must be in [0, 1)");
      refused(() -> new OptimizerSpec.AdamW(0.1, 0.9, factor, 1e-8, 0, constant), "adamw: beta2 must be in [0, 1)");
    }
    for (double epsilon : new double[] {0, -1e-8, 1e-50, Double.NaN, Double.POSITIVE_INFINITY}) {
      refused(() -> new OptimizerSpec.AdaGrad(0.1, epsilon, 0, constant),
          "adagrad: epsilon must be finite and at least 1.4E-45 (the least positive FLOAT32", "got " + epsilon);
    }
    refused(() -> new OptimizerSpec.Adam(0.1, 0.9, 0.999, 1e-8, 0, null), "adam: schedule must not be null");
    for (long steps : new long[] {0, -1, Long.MIN_VALUE}) {
      refused(() -> new LearningRateSchedule.StepDecay(steps, 0.5), "stepSize must be at least 1, got " + steps);
      refused(() -> new LearningRateSchedule.ExponentialDecay(steps, 0.5),
          "decaySteps must be at least 1, got " + steps);
      refused(() -> new LearningRateSchedule.CosineDecay(steps, 0), "totalSteps must be at least 1, got " + steps);
    }
    for (double gamma : new double[] {0, -0.5, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      refused(() -> new LearningRateSchedule.StepDecay(3, gamma), "gamma must be in (0, 1], got " + gamma);
      refused(() -> new LearningRateSchedule.ExponentialDecay(3, gamma), "gamma must be in (0, 1], got " + gamma);
    }
    for (double fraction : new double[] {-0.1, 1.5, Double.NaN}) {
      refused(() -> new LearningRateSchedule.CosineDecay(3, fraction),
          "minFraction must be in [0, 1], got " + fraction);
    }
  }
}
