package org.delta4j.conformance;

import java.util.concurrent.atomic.AtomicLong;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * An engine that is another engine and counts the tensors made through it: whatever is built on it (a network, a
 * layer's work tensors) allocates through {@link #zeros}, so a count that stays put over a step proves the step
 * allocated nothing. Tensors and kernels are the wrapped engine's. Thread-safe as the wrapped engine.
 */
public final class CountingEngine implements Engine {
  private final Engine engine;
  private final AtomicLong allocations = new AtomicLong();

  public CountingEngine(Engine engine) {
    this.engine = engine;
  }

  /** How many tensors were made through this engine so far. */
  public long allocations() {
    return allocations.get();
  }

  @Override
  public String name() {
    return engine.name();
  }

  @Override
  public String description() {
    return engine.description() + ", counting allocations";
  }

  @Override
  public Tensor zeros(DataType dataType, Shape shape) {
    allocations.incrementAndGet();
    return engine.zeros(dataType, shape);
  }

  @Override
  public Kernels kernels() {
    return engine.kernels();
  }
}
