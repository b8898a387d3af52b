package org.delta4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntToDoubleFunction;
import org.delta4j.autodiff.ExpressionLayerSpec;
import org.delta4j.autodiff.Scope;
import org.delta4j.autodiff.Value;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.FieldWriter;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * What the gradient checker passes and fails: a correct gradient passes though the finite difference carries the
 * loss's round-off, and a wrong one, or a NaN, fails.
 */
class GradientCheckerJudgementTest {
  private final Engine engine = new RefEngine();
  private final GradientChecker checker = new GradientChecker();

  /** y = x + offset, whose backward passes back {@code backward}(dy) element by element. */
  private Layer shift(double offset, DoubleUnaryOperator backward) {
    return shift(i -> offset, backward);
  }

  /** y[i] = x[i] + offset(i), i the flat index, whose backward passes back {@code backward}(dy). */
  private Layer shift(IntToDoubleFunction offset, DoubleUnaryOperator backward) {
    Shape shape = Shape.of(8);
    return new Layer() {
      @Override
      public String name() {
        return "shift";
      }

      @Override
      public Shape inputShape() {
        return shape;
      }

      @Override
      public Shape outputShape() {
        return shape;
      }

      @Override
      public Tensor forward(Tensor x, Mode mode) {
        double[] y = x.toDoubleArray();
        for (int i = 0; i < y.length; i++) {
          y[i] += offset.applyAsDouble(i);
        }
        return engine.tensor(DataType.FLOAT64, x.shape(), y);
      }

      @Override
      public Tensor backward(Tensor dy, boolean needInputGradient) {
        double[] dx = dy.toDoubleArray();
        for (int i = 0; i < dx.length; i++) {
          dx[i] = backward.applyAsDouble(dx[i]);
        }
        return engine.tensor(DataType.FLOAT64, dy.shape(), dx);
      }

      @Override
      public List<Parameter> parameters() {
        return List.of();
      }
    };
  }

  private Tensor input() {
    SplitMix64 random = new SplitMix64(3);
    double[] x = new double[4 * 8];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    return engine.tensor(DataType.FLOAT64, Shape.of(4, 8), x);
  }

  /**
   * Outputs near 10⁴ make each loss L(x ± ε) carry a rounding error of some 10⁻¹², so the difference quotient is off
   * by some 10⁻⁶ of the true gradient 1: the correct gradient failed the check at 10⁻⁶.
   */
  @Test
  void aCorrectGradientPassesThoughTheFiniteDifferenceCarriesTheLossesRoundOff() {
    GradientCheckResult result = checker.checkLayer(shift(1e4, dy -> dy), input());
    assertTrue(result.passes(1e-6), result.toString());
  }

  @Test
  void aWrongGradientFailsAtAnyScale() {
    for (double offset : new double[] {0, 1e4}) {
      GradientCheckResult result = checker.checkLayer(shift(offset, dy -> dy * 1.001), input());
      // |a − n| / (|a| + |n|) = 0.001 / 2.001 where nothing is taken off for round-off (offset 0)
      assertTrue(result.worstError() > (offset == 0 ? 4.9e-4 : 1e-4), offset + ": " + result);
      assertTrue(result.worstEntry().contains("of round-off"), result.worstEntry());
    }
    // a gradient off by 10⁻⁵ of itself, where the loss's round-off is far below that
    GradientCheckResult result = checker.checkLayer(shift(0, dy -> dy * 1.00001), input());
    assertFalse(result.passes(1e-6), result.toString());
  }

  /** y = x + offset on the input's first column (of 8) alone. */
  private Layer shiftFirstColumn(double offset, DoubleUnaryOperator backward) {
    return shift(i -> i % 8 == 0 ? offset : 0, backward);
  }

  /**
   * A large output the checked entry does not reach leaves the check's judgement of that entry as it was: taken as a
   * difference of two sums, L(x ± ε) = Σ r·y rounded both by more than the gradient, and a gradient twice the right
   * one passed with an error of 0.
   */
  @Test
  void aLargeOutputElsewhereDoesNotHideAWrongGradient() {
    for (double offset : new double[] {1e9, 1e12}) {
      GradientCheckResult result = checker.checkLayer(shiftFirstColumn(offset, dy -> 2 * dy), input());
      // the other columns' entries: |2 − 1| / (2 + 1), with round-off far below it
      assertTrue(result.worstError() > 0.3, offset + ": " + result);
      assertTrue(checker.checkLayer(shiftFirstColumn(offset, dy -> dy), input()).worstByTensor().get("input") > 0,
          "the first column's entries, swamped by the offset, cannot be confirmed");
    }
    assertTrue(checker.checkLayer(shiftFirstColumn(1e3, dy -> dy), input()).passes(1e-6));
  }

  /**
   * Where the finite difference's round-off is near the size of the gradients (outputs of 10⁹, moved by every entry)
   * the check cannot tell a right gradient from one twice as large: it says so, with an error of round-off ÷ largest
   * gradient, rather than passing either.
   */
  @Test
  void aCheckWhoseRoundOffSwampsTheGradientsIsInconclusiveNotPassed() {
    for (double factor : new double[] {1, 2}) {
      GradientCheckResult result = checker.checkLayer(shift(1e9, dy -> factor * dy), input());
      assertFalse(result.passes(0.05), factor + ": " + result);
      assertTrue(result.worstEntry().contains("which the check cannot resolve: its round-off is 0.1 or more of the "
          + "tensor's largest gradient"), result.worstEntry());
    }
  }

  /**
   * An ε below a value's last place moves nothing, the difference quotient is 0 and its round-off allowance, ∝ 1/ε,
   * swamped every difference: a gradient off by a factor of 2 passed with an error of 0. Refused, naming the value.
   */
  @Test
  void anEpsilonTooSmallToMoveTheValuesIsRefusedNotPassed() {
    for (double epsilon : new double[] {1e-20, 1e-300}) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> new GradientChecker(epsilon, 64, 1).checkLayer(shift(0, dy -> dy * 2), input()));
      assertTrue(e.getMessage().startsWith("a gradient check with ε = " + epsilon + " cannot move input[0]"),
          e.getMessage());
    }
    assertFalse(new GradientChecker(1e-12, 64, 1).checkLayer(shift(0, dy -> dy * 2), input()).passes(1e-6));
  }

  /**
   * The check of a network leaves its buffers as it found them: each training-mode pass moved batch norm's running
   * statistics, and the network's inference after a "read-only" check was another.
   */
  @Test
  void aNetworkCheckLeavesItsRunningStatisticsAsTheyWere() {
    org.delta4j.nn.Network net = org.delta4j.nn.Network.create(org.delta4j.spec.NetworkSpec.builder().input(8)
        .dense(6).batchNorm().relu().dense(2)
        .loss(org.delta4j.spec.LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new org.delta4j.spec.OptimizerSpec.Sgd(0.1)).seed(2).build(), engine, DataType.FLOAT64);
    Tensor targets = engine.tensor(DataType.FLOAT64, Shape.of(4, 2), 1, 0, 0, 1, 1, 0, 0, 1);
    double before = net.loss(input(), targets);
    assertTrue(checker.check(net, input(), targets).passes(1e-6));
    assertEquals(before, net.loss(input(), targets), 0, "the network's inference after the check");
  }

  /**
   * A layer whose output changes from pass to pass at one input and step (noise of its own generator) failed the check
   * with a numeric gradient of the noise ÷ 2ε, some 10⁴ against a correct analytic 1, as if its backward pass were
   * wrong: refused, naming it and the two outputs.
   */
  @Test
  void aLayerThatIsNotDeterministicIsRefusedNotJudged() {
    SplitMix64 noise = new SplitMix64(5);
    Layer noisy = shift(i -> 0.1 * noise.nextDouble(), dy -> dy);
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> checker.checkLayer(noisy, input()));
    assertTrue(e.getMessage().startsWith("layer 'shift' (" + noisy.getClass().getName() + ") is not deterministic: "
        + "two forward passes of one input at one step gave "), e.getMessage());
    assertTrue(e.getMessage().contains(" at output index [0, 0], so a finite difference would measure the change "
        + "between passes, not the gradient"), e.getMessage());
  }

  /** y = x + a number drawn afresh each pass, written forward-only: its gradient, the tape's, is right. */
  private record NoisyShift(String name, DoubleSupplier noise) implements ExpressionLayerSpec {
    @Override
    public Value forward(Value x, Scope scope) {
      return x.add(noise.getAsDouble());
    }

    @Override
    public String type() {
      return "noisy_shift";
    }

    @Override
    public NoisyShift withName(String name) {
      return new NoisyShift(name, noise);
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /** A network with such a layer, likewise: its loss's difference quotients measured the noise. */
  @Test
  void aNetworkThatIsNotDeterministicIsRefusedNotJudged() {
    SplitMix64 noise = new SplitMix64(5);
    org.delta4j.nn.Network net = org.delta4j.nn.Network.create(org.delta4j.spec.NetworkSpec.builder().input(8)
        .layer(new NoisyShift(null, () -> 0.1 * noise.nextDouble())).dense(2)
        .loss(org.delta4j.spec.LossFunction.SOFTMAX_CROSS_ENTROPY).build(), engine, DataType.FLOAT64);
    Tensor targets = engine.tensor(DataType.FLOAT64, Shape.of(4, 2), 1, 0, 0, 1, 1, 0, 0, 1);
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> checker.check(net, input(), targets));
    assertTrue(e.getMessage().startsWith("the network is not deterministic: two forward passes of one input at one "
        + "step gave "), e.getMessage());
  }

  /** A NaN gradient compared as NaN > worst, which is false: the check reported it as a pass. */
  @Test
  void aNaNGradientFails() {
    GradientCheckResult result = checker.checkLayer(shift(0, dy -> Double.NaN), input());
    assertFalse(result.passes(1e-6), result.toString());
    assertEquals(Double.POSITIVE_INFINITY, result.worstError(), result.toString());
    assertTrue(result.worstEntry().startsWith("input[") && result.worstEntry().contains("analytic NaN"),
        result.worstEntry());
  }
}
