package org.delta4j.engine.nd4j;

import org.delta4j.tensor.Tensor;

/**
 * The element-wise half of the engine's direct path: on tensors of at most {@link #MAX_ELEMENTS} elements, the bias
 * add of a dense layer and the rectifiers are computed in Java over the tensors' native memory with the Vector API
 * ({@link VectorRowLoops}) instead of one ND4J op each, whose fixed cost per call (an op object, its execution through
 * the executioner and libnd4j's dispatch) is many times the arithmetic at such sizes. Larger tensors, where that cost
 * is amortised, and JVMs started without {@code jdk.incubator.vector} keep ND4J's ops. The results are ND4J's and the
 * reference engine's bit for bit (an addition, a maximum, a product with α). Thread-safe: no state.
 */
final class SmallArrays {
  /** The largest tensor, in elements, computed here: 64 Ki, a dense layer's output at batch 128 and 512 units. */
  static final long MAX_ELEMENTS = 1 << 16;

  /** Whether the JVM has the Vector API module (the loops' class cannot load without it). */
  static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private SmallArrays() {}

  /** Whether {@code t} is computed here rather than by ND4J's ops. */
  static boolean applies(Tensor t) {
    return VECTOR_API && t.size() <= MAX_ELEMENTS;
  }

  /** M[i, j] += v[j] for every row i of the [rows, n] matrix m; v has n elements (checked by the caller). */
  static void addRowVector(Nd4jTensor m, Nd4jTensor v) {
    VectorRowLoops.addRowVector(m.memory("addRowVector"), m.shape().dim(0), m.shape().dim(1),
        v.memory("addRowVector"));
  }

  /**
   * y ← max(x, 0) (ReLU, when {@code leaky} is false) or y ← x &gt; 0 ? x : α·x (leaky ReLU), element-wise; x and y
   * have one shape (checked by the caller) and y may be x.
   */
  static void rectify(Nd4jTensor x, boolean leaky, double alpha, Nd4jTensor y) {
    VectorRowLoops.rectify(x.memory("activation"), leaky, alpha, y.memory("activation"));
  }
}
