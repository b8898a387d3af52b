package org.delta4j.engine;

import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The argument checks every engine's {@link Kernels} make before computing, in one place, so that a misuse fails with
 * the same clear message (naming the kernel and the shapes) on every engine instead of an index error inside one.
 */
public final class KernelArguments {
  private KernelArguments() {}

  /**
   * Checks the arguments of {@link Engine#zeros}: a null type would otherwise pass as "not FLOAT32" and make a tensor
   * of whatever type an engine falls back on.
   */
  public static void zeros(DataType dataType, Shape shape) {
    if (dataType == null) {
      throw new IllegalArgumentException("zeros: the data type is null; it must be one of "
          + java.util.Arrays.toString(DataType.values()) + " (shape " + shape + ")");
    }
    if (shape == null) {
      throw new IllegalArgumentException("zeros: the shape of the " + dataType + " tensor is null");
    }
    shape.intSize(); // a tensor's values travel as one array (Tensor#toDoubleArray): more is refused before allocating
  }

  /** Checks C ← op(A)·op(B): then m and n are C's dimensions and k is op(A)'s columns. */
  public static void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c) {
    matrix("gemm", "A", a);
    matrix("gemm", "B", b);
    matrix("gemm", "C", c);
    sameType("gemm", a, b, c);
    int m = a.shape().dim(transposeA ? 1 : 0);
    int k = a.shape().dim(transposeA ? 0 : 1);
    int kb = b.shape().dim(transposeB ? 1 : 0);
    int n = b.shape().dim(transposeB ? 0 : 1);
    if (k != kb || c.shape().dim(0) != m || c.shape().dim(1) != n) {
      throw new IllegalArgumentException("gemm: op(A) is [" + m + ", " + k + "] (A " + a.shape()
          + (transposeA ? " transposed" : "") + "), op(B) is [" + kb + ", " + n + "] (B " + b.shape()
          + (transposeB ? " transposed" : "") + "), C is " + c.shape() + ": need op(A) [m, k], op(B) [k, n], C [m, n]");
    }
    // the product reads A and B while it writes C: a C sharing their storage (a reshape of either) reads its own
    // partial results, or the zeros β = 0 put there first
    if (c.sharesStorage(a) || c.sharesStorage(b)) {
      throw new IllegalArgumentException("gemm: C " + c.shape() + " must not be A " + a.shape() + " or B "
          + b.shape() + ", nor share storage with either");
    }
  }

  /**
   * The tensor as the engine's own tensor class, or a clear error when it belongs to another engine: every kernel of
   * an engine calls this before it touches the tensor's storage.
   */
  public static <T extends Tensor> T owned(String kernel, Tensor t, Engine engine, Class<T> type) {
    if (!type.isInstance(t) || t.engine() != engine) {
      throw new IllegalArgumentException(kernel + ": tensor " + t.shape() + " belongs to engine '" + t.engine().name()
          + "', not to engine '" + engine.name() + "'");
    }
    return type.cast(t);
  }

  /** Checks a loss: predictions a matrix, targets and the gradient (when not null) of its shape. */
  public static void loss(Tensor predictions, Tensor targets, Tensor gradient) {
    matrix("loss", "predictions", predictions);
    if (gradient != null) {
      sameShape("loss", predictions, targets, gradient);
    } else {
      sameShape("loss", predictions, targets);
    }
  }

  /** Checks that {@code out} can hold one index per row of the matrix {@code m}. */
  public static void argmax(Tensor m, int[] out) {
    matrix("argmaxRows", "m", m);
    if (out == null) {
      throw new IllegalArgumentException("argmaxRows: the output array is null; it needs one element per row of "
          + m.shape());
    }
    if (out.length < m.shape().dim(0)) {
      throw new IllegalArgumentException("argmaxRows: output holds " + out.length + " but the matrix has "
          + m.shape().dim(0) + " rows");
    }
  }

  /** Checks a [rows, n] matrix against a vector of n elements. */
  public static void rowVector(String kernel, Tensor m, Tensor v) {
    matrix(kernel, "matrix", m);
    sameType(kernel, m, v);
    if (v.size() != m.shape().dim(1)) {
      throw new IllegalArgumentException(kernel + ": the matrix is " + m.shape() + " so the vector needs "
          + m.shape().dim(1) + " elements, but it is " + v.shape());
    }
  }

  /**
   * Checks the arguments of a per-channel map of x into y ({@link Kernels#channelAffine} and the kernels shaped like
   * it): x and y [N, C, ...] of one shape and type, {@code first} and {@code second} vectors of C elements (null ones
   * skipped); returns C.
   */
  public static int channelMap(String kernel, Tensor x, Tensor first, Tensor second, Tensor y) {
    sameShape(kernel, x, y);
    return ImageLoops.checkChannelVectors(kernel, x, first, second);
  }

  /**
   * Checks the arguments of {@link Kernels#channelSumsAndProducts(Tensor, Tensor, Tensor, ReluGate, Tensor, Tensor,
   * Tensor)}: a and b [N, C, ...] of one shape and type, sums, products, origin and the gate's vectors of C elements
   * (null ones skipped); returns C.
   */
  public static int gatedChannelSums(Tensor a, Tensor b, Tensor origin, ReluGate gate, Tensor sums,
      Tensor products) {
    String kernel = "channelSumsAndProducts";
    sameShape(kernel, b, a);
    int c = ImageLoops.checkChannelVectors(kernel, a, sums, products);
    ImageLoops.checkChannelVectors(kernel, a, origin);
    if (gate != null) {
      reluGate(a, gate);
    }
    return c;
  }

  /**
   * Checks the arguments of {@link Kernels#channelCombine(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, ReluGate,
   * Tensor, Tensor)}: x, z and y [N, C, ...] of one shape and type, a, b, shift, centre and the gate's vectors of C
   * elements (null ones skipped); returns C. The scratch tensor is the default's to check, as only the default uses
   * it.
   */
  public static int channelCombine(Tensor x, Tensor a, Tensor z, Tensor centre, Tensor b, Tensor shift,
      ReluGate gate, Tensor y) {
    String kernel = "channelCombine";
    sameShape(kernel, x, z, y);
    int c = ImageLoops.checkChannelVectors(kernel, x, a, b);
    ImageLoops.checkChannelVectors(kernel, x, shift, centre);
    if (gate != null) {
      reluGate(z, gate);
    }
    return c;
  }

  /** Checks that a gate's centre (if any), scale and shift are vectors of the C channels of x [N, C, ...]. */
  public static void reluGate(Tensor x, ReluGate gate) {
    ImageLoops.checkChannelVectors("ReluGate", x, gate.scale(), gate.shift());
    ImageLoops.checkChannelVectors("ReluGate", x, gate.centre());
  }

  /**
   * Checks that every tensor has the first one's shape and type; the message names the tensors by their position
   * among the kernel's tensor arguments (1 for the first).
   */
  public static void sameShape(String kernel, Tensor... tensors) {
    Shape s = tensors[0].shape();
    for (int i = 1; i < tensors.length; i++) {
      if (!tensors[i].shape().equals(s)) {
        throw new IllegalArgumentException(kernel + ": tensors must have one shape, got " + s + " (tensor 1) and "
            + tensors[i].shape() + " (tensor " + (i + 1) + ")");
      }
    }
    sameType(kernel, tensors);
  }

  /**
   * Checks out ← a ∘ b with broadcasting: a has out's shape; b has out's shape or, when out is a matrix [m, n], is
   * [1, n], [m, 1] or [1, 1].
   */
  public static void binary(String kernel, Tensor a, Tensor b, Tensor out) {
    sameType(kernel, a, b, out);
    if (!a.shape().equals(out.shape())) {
      throw new IllegalArgumentException(kernel + ": a is " + a.shape() + " but out is " + out.shape()
          + ": they must have one shape");
    }
    Shape o = out.shape();
    Shape s = b.shape();
    if (s.equals(o) || o.rank() == 2 && s.rank() == 2 && (s.dim(0) == 1 || s.dim(0) == o.dim(0))
        && (s.dim(1) == 1 || s.dim(1) == o.dim(1))) {
      return;
    }
    throw new IllegalArgumentException(kernel + ": b is " + s + " but out is " + o + ": b must have out's shape or, "
        + "for a matrix out [m, n], be [1, n], [m, 1] or [1, 1]");
  }

  /** Checks a reduction of the matrix m along {@code axis}: out is [1, n] for axis 0, [m, 1] for axis 1. */
  public static void reduce(String kernel, Tensor m, int axis, Tensor out) {
    matrix(kernel, "the reduced tensor", m);
    sameType(kernel, m, out);
    if (axis != 0 && axis != 1) {
      throw new IllegalArgumentException(kernel + ": axis must be 0 (down the columns) or 1 (along the rows), got "
          + axis);
    }
    Shape want = axis == 0 ? Shape.of(1, m.shape().dim(1)) : Shape.of(m.shape().dim(0), 1);
    if (!out.shape().equals(want)) {
      throw new IllegalArgumentException(kernel + ": reducing " + m.shape() + " along axis " + axis + " gives " + want
          + ", but out is " + out.shape());
    }
    if (out == m) {
      throw new IllegalArgumentException(kernel + ": out must not be the reduced tensor");
    }
  }

  /** Checks a copy between two windows: the same size, each inside its tensor, the destination's elements distinct. */
  public static void copyWindow(Tensor src, Window from, Tensor dst, Window to) {
    sameType("copyWindow", src, dst);
    if (from.rows() != to.rows() || from.columns() != to.columns()) {
      throw new IllegalArgumentException("copyWindow: the source " + from + " and the destination " + to
          + " differ in size");
    }
    inside("source", src, from);
    inside("destination", dst, to);
    if (!to.distinct()) {
      throw new IllegalArgumentException("copyWindow: the destination " + to + " addresses some element twice");
    }
  }

  private static void inside(String what, Tensor t, Window w) {
    if (w.last() >= t.size()) {
      throw new IllegalArgumentException("copyWindow: the " + what + " " + w + " reaches element " + w.last()
          + " but the " + what + " tensor " + t.shape() + " has " + t.size());
    }
  }

  /** Checks that {@code t} is a matrix (rank 2). */
  public static void matrix(String kernel, String what, Tensor t) {
    if (t.shape().rank() != 2) {
      throw new IllegalArgumentException(kernel + ": " + what + " must be a matrix (rank 2), got " + t.shape());
    }
  }

  private static void sameType(String kernel, Tensor... tensors) {
    for (Tensor t : tensors) {
      if (t.dataType() != tensors[0].dataType()) {
        throw new IllegalArgumentException(kernel + ": tensors must share one data type, got " + tensors[0].dataType()
            + " and " + t.dataType());
      }
      if (t.engine() != tensors[0].engine()) {
        throw new IllegalArgumentException(kernel + ": tensors belong to different engines ('"
            + tensors[0].engine().name() + "' and '" + t.engine().name() + "')");
      }
    }
  }
}
