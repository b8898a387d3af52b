package org.delta4j.engine;

import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A backend that owns tensors and runs the numerical kernels on them. Layers, losses and optimizers are written once,
 * in {@code api}, against {@link #kernels()}; an engine supplies the storage and the arithmetic.
 *
 * <p>An engine is shared: {@link #zeros} and {@link #kernels()} may be called from any thread, but one set of tensors
 * is used from one thread at a time. Obtain engines through {@link Engines}, which finds them with
 * {@link java.util.ServiceLoader}.
 */
public interface Engine {
  /** The engine's name, as given to {@link Engines#select(String)}: for example {@code "ref"} or {@code "nd4j"}. */
  String name();

  /** One line for people: version, backend, threads. */
  String description();

  /**
   * What of this engine's set-up decides the bits of its results, as one line: two instances that give the same line
   * compute the same bits from the same inputs, whatever else differs (for example a thread count that only splits
   * the work). A resumed training run compares it with its checkpoint's, since the bits of a resumed run equal the
   * uninterrupted run's only where it holds. By default the {@link #description}.
   */
  default String numerics() {
    return description();
  }

  /**
   * A new tensor of the given type and shape, filled with zeros; null for either is refused, and a tensor the memory
   * cannot hold is an {@link IllegalStateException} naming its shape and size, never an {@link OutOfMemoryError}:
   * {@link org.delta4j.io.Heap#outOfMemory} words it, from the allocation's error.
   */
  Tensor zeros(DataType dataType, Shape shape);

  /** A new tensor holding a copy of {@code values}, whose length must equal the shape's size. */
  default Tensor tensor(DataType dataType, Shape shape, double... values) {
    if (values == null) {
      throw new IllegalArgumentException("tensor: the values of the " + dataType + " tensor " + shape + " are null");
    }
    KernelArguments.zeros(dataType, shape);
    shape.checkValues(values); // before allocating: a huge shape with a few values is refused, not zeroed first
    Tensor t = zeros(dataType, shape);
    t.copyFrom(values);
    return t;
  }

  /** The kernels that work on this engine's tensors. */
  Kernels kernels();
}
