package org.delta4j.engine.nd4j;

import org.delta4j.conformance.HostileArgumentsConformance;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.RefEngine;

/** The public API refuses hostile arguments by name on the ND4J engine, tensors of the reference engine among them. */
class Nd4jHostileArgumentsTest extends HostileArgumentsConformance {
  @Override
  protected Engine engine() {
    return Engines.get(Nd4jEngine.NAME);
  }

  @Override
  protected Engine otherEngine() {
    return new RefEngine();
  }
}
