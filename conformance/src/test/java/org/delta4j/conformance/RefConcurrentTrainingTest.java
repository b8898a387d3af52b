package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;

/** Several networks train at once on one reference engine, each ending as it would alone. */
class RefConcurrentTrainingTest extends ConcurrentTrainingConformance {
  private static final Engine ENGINE = new RefEngine();

  @Override
  protected Engine engine() {
    return ENGINE;
  }
}
