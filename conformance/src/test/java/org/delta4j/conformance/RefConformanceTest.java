package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;

/** The reference engine passes its own suite: a second, independent instance against the oracle. */
class RefConformanceTest extends EngineConformance {
  private static final Engine ENGINE = new RefEngine();

  @Override
  protected Engine engine() {
    return ENGINE;
  }
}
