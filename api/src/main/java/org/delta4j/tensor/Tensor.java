package org.delta4j.tensor;

import org.delta4j.engine.Engine;

/**
 * A dense array of numbers owned by an {@link Engine}, in C (row-major) order. Tensors are mutable: kernels write
 * into them in place. A tensor is not thread-safe; one training step uses its tensors from one thread at a time.
 */
public interface Tensor {
  /** The engine that owns this tensor; only its kernels accept it. */
  Engine engine();

  DataType dataType();

  Shape shape();

  /**
   * A tensor of another shape with the same number of elements that shares this one's storage: a write through
   * either is seen by both.
   */
  Tensor reshape(Shape shape);

  /**
   * Whether this tensor and {@code other} share storage: one a {@link #reshape} of the other, or both of a third. A
   * kernel that must not write into what it reads refuses such pairs. The default knows only the tensor itself;
   * engines whose tensors can share storage override it.
   */
  default boolean sharesStorage(Tensor other) {
    return this == other;
  }

  /** Overwrites every element from {@code source}, whose length must equal the number of elements. */
  void copyFrom(float[] source);

  /**
   * Overwrites every element from {@code source}, whose length must equal the number of elements; into a FLOAT32
   * tensor each value rounded to the nearest float, as Java's cast does (a finite value beyond ±3.4·10³⁸ becomes ±∞,
   * which training then refuses as a non-finite input).
   */
  void copyFrom(double[] source);

  /** A new array holding the elements, converted to float. */
  float[] toFloatArray();

  /** A new array holding the elements, converted to double. */
  double[] toDoubleArray();

  /**
   * Overwrites {@code destination}, whose length must equal the number of elements, with the elements converted to
   * double: {@link #toDoubleArray} into an array the caller keeps, so that reading a tensor in every step allocates
   * nothing where the engine can copy directly.
   */
  default void copyTo(double[] destination) {
    shape().checkDestination(destination);
    System.arraycopy(toDoubleArray(), 0, destination, 0, destination.length);
  }

  /** The element at a flat (row-major) index; slow on native engines, meant for tests and diagnostics. */
  double getDouble(long flatIndex);

  /** Number of elements. */
  default long size() {
    return shape().size();
  }

  /**
   * This tensor as a matrix sharing its storage: itself when of rank 2, else [dim 0, the rest] (a batch of samples,
   * each flattened).
   */
  default Tensor asBatchMatrix() {
    return shape().rank() == 2 ? this : reshape(shape().flattenPastBatch());
  }
}
