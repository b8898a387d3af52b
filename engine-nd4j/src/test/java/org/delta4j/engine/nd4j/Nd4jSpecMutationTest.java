package org.delta4j.engine.nd4j;

import org.delta4j.conformance.SpecMutationConformance;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;

/** Every mutated spec trains on the ND4J engine or is refused with a message. */
class Nd4jSpecMutationTest extends SpecMutationConformance {
  @Override
  protected Engine engine() {
    return Engines.get(Nd4jEngine.NAME);
  }
}
