package org.delta4j.perceptron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.EngineStatus;
import org.delta4j.engine.Engines;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;

/**
 * Through the framework, on every engine and in both floating-point types, the perceptron makes exactly the
 * standalone perceptron's mistakes.
 */
class FrameworkPerceptronTest {
  private static List<String> engines() {
    List<String> engines = Engines.defaults().statuses().stream().filter(EngineStatus::available)
        .map(EngineStatus::name).toList();
    assertTrue(engines.contains("ref"));
    return engines;
  }

  private static void assertSameRun(LabeledPoints d, double eta, int maxPasses) {
    Perceptron.Run standalone = Perceptron.train(d, eta, maxPasses, new double[d.dimension()], true);
    for (String name : engines()) {
      Engine e = Engines.get(name);
      for (DataType type : DataType.values()) {
        Perceptron.Run framework = FrameworkPerceptron.train(d, eta, maxPasses, e, type);
        String where = name + ", " + type;
        assertEquals(standalone.mistakeIndices(), framework.mistakeIndices(), where);
        assertEquals(standalone.mistakes(), framework.mistakes(), where);
        assertEquals(standalone.passes(), framework.passes(), where);
        assertEquals(standalone.converged(), framework.converged(), where);
        assertArrayEquals(standalone.weights(), framework.weights(), 0, where);
      }
    }
  }

  @Test
  void sameMistakesInTheSameOrderOnEveryEngine() {
    // Small integer features and η = 1 keep every w·x exact, whatever order an engine sums in, in float as in double.
    SplitMix64 r = new SplitMix64(5);
    double[][] x = new double[40][3];
    int[] y = new int[40];
    for (int k = 0; k < x.length; k++) {
      for (int j = 0; j < 3; j++) {
        x[k][j] = r.nextInt(11) - 5;
      }
      y[k] = 2 * x[k][0] - x[k][1] + 3 * x[k][2] + 1 > 0 ? 1 : -1;
    }
    LabeledPoints d = LabeledPoints.of(x, y);
    assertTrue(Perceptron.train(d, 1, 1000).converged());
    assertSameRun(d, 1, 1000);
  }

  @Test
  void aZeroActivationIsAMistakeThroughTheFrameworkToo() {
    // PerceptronTest.aPointOnTheBoundaryIsAMistake's set: at pass 3 point 0 has a = 0 exactly, a mistake; an engine
    // that read max(0, −y·a)'s zero slope there would stop updating and go its own way from then on.
    LabeledPoints d = LabeledPoints.of(new double[][] {{1}, {3}}, new int[] {1, -1});
    assertSameRun(d, 1, 5);
    // From w₀ = 0 the learning rate only scales the weights, so the runs agree for every η: steps of η·y·x summed
    // in FLOAT32 left w·x off 0 where it is exactly 0, and the framework took that mistake for a right answer.
    // XOR never converges.
    for (double eta : new double[] {0.25, 0.1, 0.37, 3}) {
      assertSameRun(d, eta, 5);
    }
    assertSameRun(LabeledPoints.of(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new int[] {-1, 1, 1, -1}), 1, 20);
  }

  @Test
  void badInputIsRefusedAsTheStandaloneRefusesIt() {
    LabeledPoints d = LabeledPoints.of(new double[][] {{1}, {3}}, new int[] {1, -1});
    Engine ref = Engines.get("ref");
    IllegalArgumentException passes = assertThrows(IllegalArgumentException.class,
        () -> FrameworkPerceptron.train(d, 1, 0, ref));
    assertTrue(passes.getMessage().contains("at least one pass, got 0"), passes.getMessage());
    IllegalArgumentException eta = assertThrows(IllegalArgumentException.class,
        () -> FrameworkPerceptron.train(d, Double.NaN, 5, ref));
    assertTrue(eta.getMessage().contains("η must be positive and finite, got NaN"), eta.getMessage());
    // 1e39 is a finite double but ∞ as a float: the run failed later as "perceptron loss is NaN".
    LabeledPoints huge = LabeledPoints.of(new double[][] {{1}, {-1e39}}, new int[] {1, -1});
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> FrameworkPerceptron.train(huge, 1, 5, ref, DataType.FLOAT32));
    assertTrue(range.getMessage().contains("feature 0 of point 1 is -1.0E39, beyond FLOAT32"), range.getMessage());
    // a feature that is 0 in FLOAT32 made another point than the one given ({1e-200}, {-1e-200} both became 0)
    LabeledPoints tiny = LabeledPoints.of(new double[][] {{1}, {-1e-200}}, new int[] {1, -1});
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> FrameworkPerceptron.train(tiny, 1, 5, ref, DataType.FLOAT32));
    assertTrue(zero.getMessage().contains("feature 0 of point 1 is -1.0E-200, which is 0 in FLOAT32"),
        zero.getMessage());
    assertTrue(FrameworkPerceptron.train(huge, 1, 5, ref, DataType.FLOAT64).converged());
    for (String name : new String[] {"data", "engine", "type"}) {
      NullPointerException e = assertThrows(NullPointerException.class, () -> FrameworkPerceptron.train(
          name.equals("data") ? null : d, 1, 5, name.equals("engine") ? null : ref,
          name.equals("type") ? null : DataType.FLOAT32));
      assertTrue(e.getMessage().startsWith(name), e.getMessage());
    }
  }

  /**
   * Features so large that w·x overflows: the run trains at rate 1 whatever η, so the network's advice of a lower rate
   * could not help; the error says to scale the features down, naming their radius R.
   */
  @Test
  void featuresThatOverflowAreToBeScaledDownNotARateLowered() {
    LabeledPoints d = LabeledPoints.of(new double[][] {{1e300, 1e300}, {1e300, -1e300}, {-1e300, 1e300}},
        new int[] {1, -1, -1});
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> FrameworkPerceptron.train(d, 1e-300, 50, Engines.get("ref")));
    assertTrue(e.getMessage().startsWith("the framework's perceptron made NaN or ∞ at point ") && e.getMessage()
        .contains("w·x overflows FLOAT64 on these features (R, the largest ‖(1, x)‖, is " + d.radius()
            + "), so scale them down"),
        e.getMessage());
  }
}
