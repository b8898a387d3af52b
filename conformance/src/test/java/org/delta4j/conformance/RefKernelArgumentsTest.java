package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;

/** The reference engine's kernels refuse hostile arguments by name, tensors of another instance among them. */
class RefKernelArgumentsTest extends KernelArgumentsConformance {
  private static final Engine ENGINE = new RefEngine();

  @Override
  protected Engine engine() {
    return ENGINE;
  }
}
