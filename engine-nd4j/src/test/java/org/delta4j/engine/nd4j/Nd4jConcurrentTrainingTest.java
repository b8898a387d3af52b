package org.delta4j.engine.nd4j;

import org.delta4j.conformance.ConcurrentTrainingConformance;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;

/** Several networks train at once on one ND4J engine, each ending as it would alone. */
class Nd4jConcurrentTrainingTest extends ConcurrentTrainingConformance {
  @Override
  protected Engine engine() {
    return Engines.get(Nd4jEngine.NAME);
  }
}
