package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;

/**
 * Kernels' defaults, over an engine that implements only the primitives, refuse hostile arguments by name, tensors
 * of the reference engine among them.
 */
class PrimitiveOnlyKernelArgumentsTest extends KernelArgumentsConformance {
  @Override
  protected Engine engine() {
    return Engines.get(PrimitiveOnlyEngine.NAME);
  }
}
