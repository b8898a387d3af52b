package org.delta4j.examples.custom;

import org.delta4j.conformance.EngineConformance;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.junit.jupiter.api.Nested;

/**
 * The whole conformance suite with this library on the class path: its "every registered kind" cases then hold the
 * example kinds to the reference engine on each engine, pass them through the gradient checker, and save and load them.
 */
class ExampleKindsConformanceTest {
  @Nested
  class OnTheReferenceEngine extends EngineConformance {
    @Override
    protected Engine engine() {
      return Engines.get("ref");
    }
  }

  @Nested
  class OnTheNd4jEngine extends EngineConformance {
    @Override
    protected Engine engine() {
      return Engines.get("nd4j");
    }
  }
}
