package org.delta4j.engine.nd4j;

import org.delta4j.conformance.EngineConformance;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;

/** The ND4J engine passes the conformance suite against the reference engine. */
class Nd4jConformanceTest extends EngineConformance {
  @Override
  protected Engine engine() {
    return Engines.get(Nd4jEngine.NAME);
  }
}
