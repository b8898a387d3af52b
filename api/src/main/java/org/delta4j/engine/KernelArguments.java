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
    product("gemm", a, transposeA, b, transposeB, c);
  }

  /**
   * Checks {@link Kernels#linear}'s arguments: X·W into Y as {@link #gemm} checks a product, and a bias b (when not
   * null) of Y's row length, of their type and engine, that Y does not share storage with.
   */
  public static void linear(Tensor x, Tensor w, Tensor b, Tensor y) {
    product("linear", x, false, w, false, y);
    if (b != null) {
      rowVector("linear", y, b);
      distinct("linear", y, b);
    }
  }

  /** The checks of {@link #gemm}, naming {@code kernel}. */
  private static void product(String kernel, Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c) {
    matrix(kernel, "A", a);
    matrix(kernel, "B", b);
    matrix(kernel, "C", c);
    sameType(kernel, a, b, c);
    int m = a.shape().dim(transposeA ? 1 : 0);
    int k = a.shape().dim(transposeA ? 0 : 1);
    int kb = b.shape().dim(transposeB ? 1 : 0);
    int n = b.shape().dim(transposeB ? 0 : 1);
    if (k != kb || c.shape().dim(0) != m || c.shape().dim(1) != n) {
      throw new IllegalArgumentException(kernel + ": op(A) is [" + m + ", " + k + "] (A " + a.shape()
          + (transposeA ? " transposed" : "") + "), op(B) is [" + kb + ", " + n + "] (B " + b.shape()
          + (transposeB ? " transposed" : "") + "), C is " + c.shape() + ": need op(A) [m, k], op(B) [k, n], C [m, n]");
    }
    // the product reads A and B while it writes C: a C sharing their storage (a reshape of either) reads its own
    // partial results, or the zeros β = 0 put there first
    if (c.sharesStorage(a) || c.sharesStorage(b)) {
      throw new IllegalArgumentException(kernel + ": C " + c.shape() + " must not be A " + a.shape() + " or B "
          + b.shape() + ", nor share storage with either");
    }
  }

  /**
   * The tensor as the engine's own tensor class, or a clear error when it belongs to another engine: every kernel of
   * an engine calls this before it touches the tensor's storage.
   */
  public static <T extends Tensor> T owned(String kernel, Tensor t, Engine engine, Class<T> type) {
    if (!type.isInstance(t) || t.engine() != engine) {
      present(kernel, "a tensor", t);
      throw new IllegalArgumentException(kernel + ": tensor " + t.shape() + " belongs to "
          + (t.engine().name().equals(engine.name()) ? "another instance of engine '" : "engine '")
          + t.engine().name() + "', not to this engine '" + engine.name() + "'");
    }
    return type.cast(t);
  }

  /** Checks a loss: predictions a matrix, targets and the gradient (when not null) of its shape. */
  public static void loss(Tensor predictions, Tensor targets, Tensor gradient) {
    matrix("loss", "predictions", predictions);
    if (gradient != null) {
      sameShape("loss", predictions, targets, gradient);
      distinct("loss", gradient, predictions, targets);
    } else {
      sameShape("loss", predictions, targets);
    }
  }

  /**
   * Checks an optimizer's update of the weights w from the gradient g with its state tensors, given as (w, g, state...):
   * all of one shape, and no two sharing storage, as the update writes w and the state while it reads g and the state.
   */
  public static void update(String kernel, Tensor... all) {
    sameShape(kernel, all);
    for (int i = 0; i < all.length; i++) {
      for (int j = i + 1; j < all.length; j++) {
        if (all[i].sharesStorage(all[j])) {
          throw new IllegalArgumentException(kernel + ": tensor " + (i + 1) + " and tensor " + (j + 1) + " "
              + all[i].shape() + " share storage; the weights, the gradient and each state must be distinct");
        }
      }
    }
  }

  /**
   * Fails unless {@code out}, which the kernel writes while it reads {@code in}, shares no storage with it (null: none
   * to share). Fixed arities, so that the check allocates nothing.
   */
  public static void distinct(String kernel, Tensor out, Tensor in) {
    if (in != null && out.sharesStorage(in)) {
      throw new IllegalArgumentException(kernel + ": the output " + out.shape() + " shares storage with the input "
          + in.shape() + "; it must be a tensor of its own");
    }
  }

  /** {@link #distinct(String, Tensor, Tensor)} for two inputs. */
  public static void distinct(String kernel, Tensor out, Tensor first, Tensor second) {
    distinct(kernel, out, first);
    distinct(kernel, out, second);
  }

  /** {@link #distinct(String, Tensor, Tensor)} for three inputs. */
  public static void distinct(String kernel, Tensor out, Tensor first, Tensor second, Tensor third) {
    distinct(kernel, out, first, second);
    distinct(kernel, out, third);
  }

  /** Fails with a NullPointerException naming the kernel and the argument when {@code value} is null. */
  public static <T> T present(String kernel, String what, T value) {
    if (value == null) {
      throw new NullPointerException(kernel + ": " + what + " is null");
    }
    return value;
  }

  /**
   * Checks im2col and col2im: images x [N, C, H, W] of the geometry g and their column matrix col [C·kh·kw, N·oh·ow]
   * of one type and engine; returns N.
   */
  public static int columns(String kernel, Tensor x, ConvGeometry g, Tensor col) {
    present(kernel, "the geometry", g);
    int n = g.checkImages(kernel, "x", x);
    g.checkColumns(kernel, col, n);
    sameType(kernel, x, col);
    return n;
  }

  /**
   * Checks a pooling pass of the geometry g: forward from images x to outputs out [N, C, oh, ow]; backward from output
   * gradients dy [N, C, oh, ow] (and the images x when {@code readsX}) to image gradients out — every tensor of one
   * batch size N, type and engine, and out sharing storage with none of the others. Returns N.
   */
  public static int pool(String kernel, ConvGeometry g, boolean backward, boolean readsX, Tensor x, Tensor dy,
      Tensor out) {
    present(kernel, "the geometry", g);
    int n;
    if (backward) {
      n = g.checkImages(kernel, "dx", out);
      if (g.checkOutputs(kernel, "dy", dy, g.channels()) != n) {
        throw new IllegalArgumentException(kernel + ": dy is " + dy.shape() + " but dx " + out.shape()
            + ": they must hold one number of images");
      }
      sameType(kernel, out, dy);
    } else {
      n = g.checkImages(kernel, "x", x);
      if (g.checkOutputs(kernel, "y", out, g.channels()) != n) {
        throw new IllegalArgumentException(kernel + ": y is " + out.shape() + " but x " + x.shape()
            + ": they must hold one number of images");
      }
      sameType(kernel, out, x);
    }
    if (backward && readsX) {
      if (g.checkImages(kernel, "x", x) != n) {
        throw new IllegalArgumentException(kernel + ": x is " + x.shape() + " but dx " + out.shape()
            + ": they must hold one number of images");
      }
      sameType(kernel, out, x);
    }
    distinct(kernel, out, x, dy);
    return n;
  }

  /**
   * A convolution's refusal of {@code what} for {@code images} images, the engine's {@link Engine#zeros} refusal
   * {@code cause} of memory it cannot give, said with the window it was for.
   */
  public static IllegalStateException convolutionMemory(ConvGeometry g, String what, int images,
      IllegalStateException cause) {
    return new IllegalStateException("convolution: " + what + " of " + images + " image" + (images == 1 ? "" : "s")
        + " under a " + g.window() + ": " + cause.getMessage(), cause);
  }

  /** Checks the filter count of a {@link Convolution} of the geometry g. */
  public static void convolution(ConvGeometry g, int filters) {
    present("convolution", "the geometry", g);
    if (filters < 1) {
      throw new IllegalArgumentException("convolution: " + filters + " filters; need at least 1");
    }
  }

  /**
   * Checks a convolution's forward pass: images x [N, C, H, W] of the geometry g, weights [F, C·kh·kw] and outputs y
   * [N, F, oh, ow], of one type and engine, y sharing storage with neither; returns N.
   */
  public static int convolutionForward(ConvGeometry g, int filters, Tensor x, Tensor weights, Tensor y) {
    String kernel = "convolution";
    int n = g.checkImages(kernel, "x", x);
    if (g.checkOutputs(kernel, "y", y, filters) != n) {
      throw new IllegalArgumentException(kernel + ": y is " + y.shape() + " but x " + x.shape()
          + ": they must hold one number of images");
    }
    weights(g, filters, "the weights", weights);
    sameType(kernel, x, weights, y);
    distinct(kernel, y, x, weights);
    return n;
  }

  /**
   * Checks a convolution's backward pass after a forward pass of n images: dy [n, F, oh, ow], the weights and dw (when
   * not null) [F, C·kh·kw], dx (when not null) [n, C, H, W], all of the type and engine of {@code kept}, a tensor the
   * forward pass kept; dw and dx share storage with nothing else.
   */
  public static void convolutionBackward(ConvGeometry g, int filters, int n, Tensor kept, Tensor dy, Tensor weights,
      Tensor dw, Tensor dx) {
    String kernel = "convolution";
    if (g.checkOutputs(kernel, "dy", dy, filters) != n) {
      throw new IllegalArgumentException(kernel + ": dy is " + dy.shape() + " but the forward pass had " + n
          + " images");
    }
    weights(g, filters, "the weights", weights);
    sameType(kernel, kept, dy, weights);
    if (dw != null) {
      weights(g, filters, "dw", dw);
      sameType(kernel, kept, dw);
      distinct(kernel, dw, dy, weights, dx);
    }
    if (dx != null) {
      if (g.checkImages(kernel, "dx", dx) != n) {
        throw new IllegalArgumentException(kernel + ": dx is " + dx.shape() + " but the forward pass had " + n
            + " images");
      }
      sameType(kernel, kept, dx);
      distinct(kernel, dx, dy, weights);
    }
  }

  private static void weights(ConvGeometry g, int filters, String what, Tensor w) {
    if (!present("convolution", what, w).shape().isMatrix(filters, g.columnRows())) {
      throw new IllegalArgumentException("convolution: " + what + " are " + w.shape() + " but must be [" + filters
          + ", " + g.columnRows() + "]");
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
   * Checks {@link Kernels#sumRows}' arguments: as {@link #rowVector}, and an output of storage of its own (a matrix of
   * one row summed into itself read its sums as they were written: [1, 2, 3] gave [0, 0, 0]).
   */
  public static void sumRows(Tensor m, Tensor out) {
    rowVector("sumRows", m, out);
    distinct("sumRows", out, m);
  }

  /**
   * Checks the arguments of a per-channel map of x into y ({@link Kernels#channelAffine} and the kernels shaped like
   * it): x and y [N, C, ...] of one shape and type, {@code first} and {@code second} vectors of C elements (null ones
   * skipped); returns C.
   */
  public static int channelMap(String kernel, Tensor x, Tensor first, Tensor second, Tensor y) {
    sameShape(kernel, x, y);
    distinct(kernel, y, first, second);
    return ImageLoops.checkChannelVectors(kernel, x, first, second);
  }

  /**
   * Checks the arguments of {@link Kernels#channelSumsAndProducts(Tensor, Tensor, Tensor, ReluGate, Tensor, Tensor,
   * Tensor)}: a, b and the scratch work [N, C, ...] of one shape and type, work distinct from a and b, sums and
   * products of C elements and distinct from each other and origin, origin and the gate's vectors (when not null) of
   * C elements; returns C. The scratch is checked on every engine, as for {@link #channelCombine}.
   */
  public static int gatedChannelSums(Tensor a, Tensor b, Tensor origin, ReluGate gate, Tensor sums,
      Tensor products, Tensor work) {
    String kernel = "channelSumsAndProducts";
    int c = channelSums(kernel, a, b, sums, products);
    ImageLoops.checkChannelVectors(kernel, a, origin);
    distinct(kernel, sums, origin);
    distinct(kernel, products, origin);
    sameShape(kernel, b, work);
    distinct(kernel, work, a, b);
    if (gate != null) {
      reluGate(a, gate);
    }
    return c;
  }

  /**
   * Checks the arguments of {@link Kernels#channelCombine(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, ReluGate,
   * Tensor, Tensor)}: x, z, y and the scratch work [N, C, ...] of one shape and type, y and work distinct from x, z
   * and each other, a, b and shift, and centre and the gate's vectors when not null, of C elements; returns C. The
   * scratch is checked on every engine, one that ignores it too, so that a call one engine takes every engine takes.
   */
  public static int channelCombine(Tensor x, Tensor a, Tensor z, Tensor centre, Tensor b, Tensor shift,
      ReluGate gate, Tensor y, Tensor work) {
    String kernel = "channelCombine";
    sameShape(kernel, x, z, y, work);
    distinct(kernel, y, x, z, work);
    distinct(kernel, work, x, z);
    int c = ImageLoops.checkChannelVectors(kernel, x, present(kernel, "a", a), present(kernel, "b", b));
    ImageLoops.checkChannelVectors(kernel, x, present(kernel, "shift", shift), centre);
    if (gate != null) {
      reluGate(z, gate);
    }
    return c;
  }

  /**
   * Checks per-channel sums of a and of a·b ({@link Kernels#channelSumsAndProducts(Tensor, Tensor, Tensor, Tensor)}):
   * a and b [N, C, ...] of one shape and type, sums and products of C elements and distinct; returns C.
   */
  public static int channelSums(String kernel, Tensor a, Tensor b, Tensor sums, Tensor products) {
    sameShape(kernel, b, a);
    int c = ImageLoops.checkChannelVectors(kernel, a, present(kernel, "sums", sums),
        present(kernel, "products", products));
    distinct(kernel, sums, products);
    return c;
  }

  /**
   * Checks {@link Kernels#channelShiftAndSquares}: x and y [N, C, ...] of one shape and type (y may be x), shift and
   * squares of C elements, squares distinct from shift; returns C.
   */
  public static int channelShiftAndSquares(Tensor x, Tensor shift, Tensor y, Tensor squares) {
    String kernel = "channelShiftAndSquares";
    int c = channelMap(kernel, x, present(kernel, "shift", shift), present(kernel, "squares", squares), y);
    distinct(kernel, squares, shift);
    return c;
  }

  /**
   * Checks {@link Kernels#channelMoments}: x and the scratch work [N, C, ...] of one shape and type, distinct, and
   * mean and variance of C elements, distinct; returns C.
   */
  public static int channelMoments(Tensor x, Tensor mean, Tensor variance, Tensor work) {
    String kernel = "channelMoments";
    sameShape(kernel, x, work);
    int c = ImageLoops.checkChannelVectors(kernel, x, present(kernel, "mean", mean),
        present(kernel, "variance", variance));
    distinct(kernel, work, x);
    distinct(kernel, variance, mean);
    return c;
  }

  /** Checks {@link Kernels#copy}: src and dst of one shape and type, in storage of their own. */
  public static void copy(Tensor src, Tensor dst) {
    sameShape("copy", src, dst);
    distinct("copy", dst, src);
  }

  /** Checks that a gate's centre (if any), scale and shift are vectors of the C channels of x [N, C, ...]. */
  public static void reluGate(Tensor x, ReluGate gate) {
    present("ReluGate", "x", x);
    ImageLoops.checkChannelVectors("ReluGate", x, gate.scale(), gate.shift());
    ImageLoops.checkChannelVectors("ReluGate", x, gate.centre());
  }

  /**
   * Checks that every tensor has the first one's shape and type; the message names the tensors by their position
   * among the kernel's tensor arguments (1 for the first).
   */
  public static void sameShape(String kernel, Tensor... tensors) {
    nonNull(kernel, tensors);
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
    sameType(kernel, m, present(kernel, "out", out));
    if (axis != 0 && axis != 1) {
      throw new IllegalArgumentException(kernel + ": axis must be 0 (down the columns) or 1 (along the rows), got "
          + axis);
    }
    Shape want = axis == 0 ? Shape.of(1, m.shape().dim(1)) : Shape.of(m.shape().dim(0), 1);
    if (!out.shape().equals(want)) {
      throw new IllegalArgumentException(kernel + ": reducing " + m.shape() + " along axis " + axis + " gives " + want
          + ", but out is " + out.shape());
    }
    if (out.sharesStorage(m)) {
      throw new IllegalArgumentException(kernel + ": out " + out.shape() + " must not be the reduced tensor "
          + m.shape() + " nor share storage with it");
    }
  }

  /**
   * Checks a copy between two windows: the same size, each inside its tensor, the destination's elements distinct,
   * and, in tensors that share storage, the spans from the first to the last element of the two windows apart (an
   * O(1) test: windows interleaved within one span are refused too).
   */
  public static void copyWindow(Tensor src, Window from, Tensor dst, Window to) {
    present("copyWindow", "the source window", from);
    present("copyWindow", "the destination window", to);
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
    if (dst.sharesStorage(src) && from.offset() <= to.last() && to.offset() <= from.last()) {
      throw new IllegalArgumentException("copyWindow: the source " + from + " of " + src.shape()
          + " and the destination " + to + " of " + dst.shape() + " overlap in shared storage");
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
    if (present(kernel, what, t).shape().rank() != 2) {
      throw new IllegalArgumentException(kernel + ": " + what + " must be a matrix (rank 2), got " + t.shape());
    }
  }

  /** Fails with a NullPointerException naming the kernel and the tensor's position when one tensor is null. */
  private static void nonNull(String kernel, Tensor... tensors) {
    for (int i = 0; i < tensors.length; i++) {
      if (tensors[i] == null) {
        throw new NullPointerException(kernel + ": tensor " + (i + 1) + " of " + tensors.length + " is null");
      }
    }
  }

  /** Checks that every tensor has the first one's data type and engine, none null. */
  static void sameType(String kernel, Tensor... tensors) {
    nonNull(kernel, tensors);
    for (Tensor t : tensors) {
      sameTypeAs(kernel, tensors[0], t);
    }
  }

  /** {@link #sameType(String, Tensor...)} for two tensors, allocating nothing. */
  static void sameType(String kernel, Tensor first, Tensor second) {
    present(kernel, "tensor 1 of 2", first);
    sameTypeAs(kernel, first, present(kernel, "tensor 2 of 2", second));
  }

  private static void sameTypeAs(String kernel, Tensor first, Tensor t) {
    if (t.dataType() != first.dataType()) {
      throw new IllegalArgumentException(kernel + ": tensors must share one data type, got " + first.dataType()
          + " and " + t.dataType());
    }
    if (t.engine() != first.engine()) {
      throw new IllegalArgumentException(kernel + ": tensors belong to different engines ('" + first.engine().name()
          + "' and " + (t.engine().name().equals(first.engine().name()) ? "another instance of it)"
          : "'" + t.engine().name() + "')"));
    }
  }
}
