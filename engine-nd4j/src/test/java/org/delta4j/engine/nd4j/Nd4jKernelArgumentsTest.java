package org.delta4j.engine.nd4j;

import org.delta4j.conformance.KernelArgumentsConformance;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;

/** The ND4J engine's kernels refuse hostile arguments by name, tensors of the reference engine among them. */
class Nd4jKernelArgumentsTest extends KernelArgumentsConformance {
  @Override
  protected Engine engine() {
    return Engines.get(Nd4jEngine.NAME);
  }
}
