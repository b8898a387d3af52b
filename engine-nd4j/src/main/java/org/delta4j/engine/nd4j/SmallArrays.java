package org.delta4j.engine.nd4j;

import java.nio.ByteBuffer;
import org.delta4j.engine.LossLoops;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;

/**
 * The element-wise half of the engine's direct path: on tensors of at most {@link #MAX_ELEMENTS} elements, the bias
 * add of a dense layer and the rectifiers are computed in Java over the tensors' native memory with the Vector API
 * ({@link VectorRowLoops}) and the softmax of the output row by row, instead of one ND4J op each, whose fixed cost per
 * call (an op object, its execution through the executioner and libnd4j's dispatch) is many times the arithmetic at
 * such sizes. Larger tensors, where that cost is amortised, and JVMs started without {@code jdk.incubator.vector} keep
 * ND4J's ops. The losses, of any size, are computed on heap copies. The results are the reference engine's bit for
 * bit (the bias add and the rectifiers are also ND4J's; its softmax differs from them by round-off). Thread-safe: no
 * state.
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
   * out ← x &gt; 0 ? v : α·v, element-wise, for leaky ReLU, and x &gt; 0 ? v : 0 for ReLU: forward with v = x, and
   * backward with v = dy. All have one shape (checked by the caller); out may be x or v. Any size: the backward pass
   * is one pass here against ND4J's two ops (a sign and a product) at any size.
   */
  static void rectify(Nd4jTensor x, Nd4jTensor v, boolean leaky, double alpha, Nd4jTensor out) {
    VectorRowLoops.rectify(x.memory("activation"), v.memory("activation"), leaky, leaky ? alpha : 0,
        out.memory("activation"));
  }

  /**
   * Each thread's heap copies for {@link #loss}: predictions, targets, gradient; grown to the largest seen up to
   * {@link #MAX_ELEMENTS}, past which a loss takes arrays of its own, so that a thread keeps none of a large output's.
   */
  private static final ThreadLocal<Object[]> LOSS_ARRAYS = ThreadLocal.withInitial(() -> new Object[3]);

  /**
   * The loss and its gradient (when {@code gradient} is not null) by {@link LossLoops}, the reference engine's loops,
   * on heap copies: a copy each way of a batch's outputs is a microsecond, where a loss of ND4J's ops is ten or more
   * op calls of tens of microseconds each (the softmax cross-entropy of 128 × 10 took 260 µs). The reference engine's
   * bits, for every loss and size. Shapes are checked by the caller.
   */
  static double loss(LossFunction f, Nd4jTensor predictions, Nd4jTensor targets, Nd4jTensor gradient) {
    int rows = predictions.shape().dim(0);
    int cols = predictions.shape().dim(1);
    int n = rows * cols;
    DataType type = predictions.dataType();
    Object[] heap = n <= MAX_ELEMENTS ? LOSS_ARRAYS.get() : new Object[3];
    for (int i = 0; i < heap.length; i++) {
      if (!HeapCopy.fits(heap[i], type, n)) {
        heap[i] = HeapCopy.make(type, n, "loss: its " + rows + " × " + cols + " predictions on the heap");
      }
    }
    HeapCopy.load(predictions.memory("loss"), 0, heap[0], n);
    HeapCopy.load(targets.memory("loss"), 0, heap[1], n);
    double eps = type.probabilityEpsilon();
    double loss = type == DataType.FLOAT32
        ? LossLoops.compute(f, rows, cols, eps, (float[]) heap[0], (float[]) heap[1],
            gradient == null ? null : (float[]) heap[2])
        : LossLoops.compute(f, rows, cols, eps, (double[]) heap[0], (double[]) heap[1],
            gradient == null ? null : (double[]) heap[2]);
    if (gradient != null) {
      HeapCopy.store(heap[2], gradient.memory("loss"), 0, n);
    }
    return loss;
  }

  /**
   * y = e^(x − max x) / Σ e^(x − max x) per row of the matrix x, in the reference engine's order of operations: the
   * exponentials in the type (through double), their sum in double, then one product by the sum's reciprocal.
   * Subtracting the row's maximum keeps every exponent ≤ 0, so none overflows. y may be x.
   */
  static void softmax(Nd4jTensor x, Nd4jTensor y) {
    int rows = x.shape().dim(0);
    int n = x.shape().dim(1);
    NativeMemory in = x.memory("softmax");
    ByteBuffer a = in.bytes;
    NativeMemory out = y.memory("softmax");
    ByteBuffer b = out.bytes;
    for (int i = 0; i < rows; i++) {
      int row = i * n;
      if (in.floats) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = row; j < row + n; j++) {
          max = Math.max(max, a.getFloat(j * Float.BYTES));
        }
        double sum = 0;
        for (int j = row; j < row + n; j++) {
          float e = (float) Math.exp(a.getFloat(j * Float.BYTES) - max);
          b.putFloat(j * Float.BYTES, e);
          sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = row; j < row + n; j++) {
          b.putFloat(j * Float.BYTES, b.getFloat(j * Float.BYTES) * inv);
        }
      } else {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = row; j < row + n; j++) {
          max = Math.max(max, a.getDouble(j * Double.BYTES));
        }
        double sum = 0;
        for (int j = row; j < row + n; j++) {
          double e = Math.exp(a.getDouble(j * Double.BYTES) - max);
          b.putDouble(j * Double.BYTES, e);
          sum += e;
        }
        double inv = 1 / sum;
        for (int j = row; j < row + n; j++) {
          b.putDouble(j * Double.BYTES, b.getDouble(j * Double.BYTES) * inv);
        }
      }
    }
    NativeMemory.keep(in, out);
  }
}
