package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.engine.EngineProvider;
import org.delta4j.engine.KernelArguments;
import org.delta4j.engine.Kernels;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * An engine with only the primitive kernels ({@link PrimitiveOnlyKernels}), over plain {@code double[]} arrays: every
 * layer, loss and optimizer runs on it through the fused operations' defaults in {@link Kernels}. It exists to prove
 * that the primitives suffice ({@link PrimitiveOnlyConformanceTest}); it is slow and allocates freely. FLOAT32
 * tensors hold their values rounded to float after every write, so they behave as float storage. Thread-safe.
 *
 * <p>It is registered for {@link java.util.ServiceLoader} in this module's test resources only, at priority −100,
 * below every real engine: the suite's discovery checks then apply to it unchanged, as to any third-party engine,
 * and it is never selected unless asked for by name.
 */
public final class PrimitiveOnlyEngine implements Engine {
  static final String NAME = "primitive-only";

  private final PrimitiveOnlyKernels kernels = new PrimitiveOnlyKernels(this);

  /** Registers the engine under {@value #NAME}, priority −100. */
  public static final class Provider implements EngineProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public int priority() {
      return -100;
    }

    @Override
    public Engine create() {
      return new PrimitiveOnlyEngine();
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "primitive kernels only, over double arrays (a test engine)";
  }

  @Override
  public Tensor zeros(DataType dataType, Shape shape) {
    KernelArguments.zeros(dataType, shape);
    return new ArrayTensor(this, dataType, shape, new double[shape.intSize()]);
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }
}
