package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;

/** The public API refuses hostile arguments by name on the reference engine, tensors of another instance among them. */
class RefHostileArgumentsTest extends HostileArgumentsConformance {
  private static final Engine ENGINE = new RefEngine();

  @Override
  protected Engine engine() {
    return ENGINE;
  }

  @Override
  protected Engine otherEngine() {
    return new RefEngine();
  }
}
