package org.delta4j.engine.ref;

import org.delta4j.engine.Engine;
import org.delta4j.engine.KernelArguments;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ref.gemm.MatrixMultiply;
import org.delta4j.io.Heap;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The reference engine: plain Java, no native code, the oracle every other engine is compared with. Tensors are Java
 * arrays; matrix products are cache-blocked and spread over the available cores. Thread-safe.
 */
public final class RefEngine implements Engine {
  public static final String NAME = "ref";

  private final RefKernels kernels = new RefKernels(this);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "reference engine (plain Java " + Runtime.version() + "), " + MatrixMultiply.get().description();
  }

  /** The Java version and the kernels, without the threads: they split the work without changing any sum. */
  @Override
  public String numerics() {
    return "reference engine (plain Java " + Runtime.version() + "), " + MatrixMultiply.get().kernels();
  }

  @Override
  public Tensor zeros(DataType dataType, Shape shape) {
    KernelArguments.zeros(dataType, shape);
    try {
      return RefTensor.zeros(this, dataType, shape);
    } catch (OutOfMemoryError e) {
      throw Heap.outOfMemory("the reference engine: the values of a tensor " + shape + " in " + dataType + ",",
          shape.size() * dataType.bytes(), e);
    }
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }
}
