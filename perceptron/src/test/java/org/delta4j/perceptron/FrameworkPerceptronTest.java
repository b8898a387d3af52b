package org.delta4j.perceptron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.EngineStatus;
import org.delta4j.engine.Engines;
import org.delta4j.random.SplitMix64;
import org.junit.jupiter.api.Test;

/** Through the framework, on every engine, the perceptron makes exactly the standalone perceptron's mistakes. */
class FrameworkPerceptronTest {
  @Test
  void sameMistakesInTheSameOrderOnEveryEngine() {
    // Small integer features and η = 1 keep every w·x exact, whatever order an engine sums in.
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
    Perceptron.Run standalone = Perceptron.train(d, 1, 1000, new double[4], true);
    assertTrue(standalone.converged());
    List<String> engines = Engines.defaults().statuses().stream().filter(EngineStatus::available)
        .map(EngineStatus::name).toList();
    assertTrue(engines.contains("ref"));
    for (String name : engines) {
      Engine e = Engines.get(name);
      Perceptron.Run framework = FrameworkPerceptron.train(d, 1, 1000, e);
      assertEquals(standalone.mistakeIndices(), framework.mistakeIndices(), name);
      assertEquals(standalone.passes(), framework.passes(), name);
      assertArrayEquals(standalone.weights(), framework.weights(), 0, name);
    }
  }
}
