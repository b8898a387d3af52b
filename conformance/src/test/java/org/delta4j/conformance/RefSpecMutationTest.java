package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;

/** Every mutated spec trains on the reference engine or is refused with a message. */
class RefSpecMutationTest extends SpecMutationConformance {
  private static final Engine ENGINE = new RefEngine();

  @Override
  protected Engine engine() {
    return ENGINE;
  }
}
