package org.delta4j.engine.nd4j;

import org.delta4j.conformance.ResumeConformance;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;

/** Runs resumed after a save and a load end as uninterrupted ones, on the ND4J engine. */
class Nd4jResumeTest extends ResumeConformance {
  @Override
  protected Engine engine() {
    return Engines.get(Nd4jEngine.NAME);
  }
}
