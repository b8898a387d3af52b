package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;

/** Runs resumed after a save and a load end as uninterrupted ones, on the reference engine. */
class RefResumeTest extends ResumeConformance {
  private static final Engine ENGINE = new RefEngine();

  @Override
  protected Engine engine() {
    return ENGINE;
  }
}
