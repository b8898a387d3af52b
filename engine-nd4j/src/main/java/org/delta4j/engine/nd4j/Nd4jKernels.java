package org.delta4j.engine.nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.ImageLoops;
import org.delta4j.engine.KernelArguments;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.ReluGate;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.WorkerPool;
import org.delta4j.engine.Window;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.Tensor;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.controlflow.Select;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.custom.GreaterThan;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Min;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kernels as ND4J operations: matrix products as one call of the OpenBLAS ND4J ships, with transpose flags, into
 * the existing output ({@link BlasGemm}); the bias add, the rectifiers and softmax on small tensors in Java over the
 * native memory, tanh there by Math.tanh at every size, and a batch's loss by the reference engine's loops on heap
 * copies ({@link SmallArrays}); the other primitives as ND4J's native element-wise, broadcasting, reduction and
 * assignment operations (a comparison or a select makes a boolean array, as ND4J wants); every fused operation
 * overridden with in-place native operations on the tensors themselves or on scratch arrays kept per shape, so that a
 * steady-state training step creates no arrays. Results agree with the reference engine's formulas (see {@link
 * Kernels}). Thread-safe without locks, so that several networks train at once on one engine: the only state is the
 * scratch arrays, kept per thread, and ND4J's native operations and BLAS calls are safe from several threads on
 * distinct arrays (its executioner keeps per-thread op contexts; this engine opens no workspaces, so every array is an
 * ordinary one owned by its tensor or by one thread's scratch). One tensor written from two threads at once is the
 * callers' race, as with any engine.
 */
final class Nd4jKernels implements Kernels {
  private final Nd4jEngine engine;
  /** Scratch arrays per thread: two threads' calls never share one, whatever shapes they use. */
  /**
   * Each thread's scratch arrays, the {@value #SCRATCH_KEPT} last used: one per (slot, type, shape), and a shape per
   * batch size, so that kept without end they grew with every batch size a thread ran.
   */
  private final ThreadLocal<Map<String, INDArray>> scratch = ThreadLocal.withInitial(() ->
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, INDArray> eldest) {
          return size() > SCRATCH_KEPT;
        }
      });
  private static final int SCRATCH_KEPT = 32;

  Nd4jKernels(Nd4jEngine engine) {
    this.engine = engine;
  }

  private Nd4jTensor owned(String kernel, Tensor t) {
    return KernelArguments.owned(kernel, t, engine, Nd4jTensor.class);
  }

  private INDArray nd(String kernel, Tensor t) {
    return owned(kernel, t).array;
  }

  /** A scratch array of the same type and shape as {@code like}, one per (thread, slot, type, shape), kept as used. */
  private INDArray scratch(String slot, INDArray like) {
    return scratch(slot, like, like.shape());
  }

  private INDArray scratch(String slot, INDArray like, long... shape) {
    String key = slot + like.dataType() + Arrays.toString(shape);
    return scratch.get().computeIfAbsent(key, k -> {
      INDArray made = Nd4j.create(like.dataType(), shape, 'c');
      NativeCollections.made(made.length() * made.dataType().width());
      return made;
    });
  }

  private static Level1 blas1() {
    return Nd4j.getBlasWrapper().level1();
  }

  @Override
  public void gemm(
      Tensor a, boolean transposeA, Tensor b, boolean transposeB, double alpha, double beta, Tensor c) {
    KernelArguments.gemm(a, transposeA, b, transposeB, c);
    // One BLAS call, past ND4J's executioner: with β = 0, BLAS overwrites C without reading it (NaN included; the
    // conformance suite checks).
    Nd4jTensor na = owned("gemm", a);
    Nd4jTensor nb = owned("gemm", b);
    Nd4jTensor nc = owned("gemm", c);
    if (NativeMemory.addressable(na.array) && NativeMemory.addressable(nb.array)
        && NativeMemory.addressable(nc.array)) {
      BlasGemm.gemm(na, transposeA, nb, transposeB, alpha, beta, nc);
    } else {
      // Past 2 GiB a ByteBuffer cannot address the operands; ND4J's gemm (the same BLAS, through its executioner) can.
      Nd4j.gemm(na.array, nb.array, nc.array, transposeA, transposeB, alpha, beta);
    }
  }

  @Override
  public void unary(UnaryOp f, Tensor x, Tensor y) {
    KernelArguments.present("unary", "the function", f);
    String kernel = "unary " + f;
    KernelArguments.sameShape(kernel, x, y);
    INDArray in = nd(kernel, x);
    INDArray out = nd(kernel, y);
    switch (f) {
      case ABS -> Nd4j.exec(new Abs(in, out));
      case EXP -> Nd4j.exec(new Exp(in, out));
      case LOG -> Nd4j.exec(new Log(in, out));
      case SQRT -> Nd4j.exec(new Sqrt(in, out));
      case TANH -> tanh(kernel, x, y);
      case SIGMOID -> Nd4j.exec(new Sigmoid(in, out));
      default -> throw new AssertionError(f);
    }
  }

  /**
   * y ← tanh x by Math.tanh, the reference engine's and UnaryOp's formula, over the native memory (split between the
   * cores). Not ND4J's Tanh, (1 − e^(−2|x|))/(1 + e^(−2|x|)), whose difference cancels for small |x|: tanh 1e-8 came
   * out 0 in FLOAT32 (PyTorch: 1e-8), and 1e-4 three parts in 10⁴ off. ND4J's op only past 2 GiB into a buffer,
   * where no ByteBuffer reaches. y may be x: each element is read before it is written.
   */
  private void tanh(String kernel, Tensor x, Tensor y) {
    INDArray in = nd(kernel, x);
    INDArray out = nd(kernel, y);
    if (!NativeMemory.addressable(in) || !NativeMemory.addressable(out)) {
      Nd4j.exec(new Tanh(in, out));
      return;
    }
    NativeMemory a = memory(kernel, x);
    NativeMemory b = memory(kernel, y);
    WorkerPool.shared().split(a.length, a.length, (part, from, to) -> {
      for (int i = from; i < to; i++) {
        if (a.floats) {
          b.bytes.putFloat(i * Float.BYTES, (float) Math.tanh(a.bytes.getFloat(i * Float.BYTES)));
        } else {
          b.bytes.putDouble(i * Double.BYTES, Math.tanh(a.bytes.getDouble(i * Double.BYTES)));
        }
      }
    });
    NativeMemory.keep(a, b);
  }

  @Override
  public void affine(Tensor x, double s, double t, Tensor y) {
    KernelArguments.sameShape("affine", x, y);
    INDArray out = nd("affine", y);
    Nd4j.exec(new ScalarMultiplication(nd("affine", x), null, out, s));
    Nd4j.exec(new ScalarAdd(out, null, out, t));
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    KernelArguments.present("binary", "the function", op);
    String kernel = "binary " + op;
    KernelArguments.binary(kernel, a, b, out);
    INDArray x = nd(kernel, a);
    INDArray y = nd(kernel, b);
    INDArray z = nd(kernel, out);
    if ((op == BinaryOp.MAX || op == BinaryOp.MIN) && NativeMemory.addressable(x) && NativeMemory.addressable(y)
        && NativeMemory.addressable(z)) {
      // ND4J's Max and Min pass over a NaN in a but not in b; BinaryOp's formulas give NaN for either
      ExtremaLoops.binary(op, memory(kernel, a), memory(kernel, b), b.shape(), memory(kernel, out), out.shape());
      return;
    }
    // ND4J's pairwise custom operations broadcast [1, n], [m, 1] and [1, 1] against [m, n] themselves.
    switch (op) {
      case ADD -> Nd4j.exec(new AddOp(x, y, z));
      case SUBTRACT -> Nd4j.exec(new SubOp(x, y, z));
      case MULTIPLY -> Nd4j.exec(new MulOp(x, y, z));
      case DIVIDE -> Nd4j.exec(new DivOp(x, y, z));
      case MAX -> Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.Max(x, y, z));
      case MIN -> Nd4j.exec(new Min(x, y, z));
      case GREATER -> {
        INDArray mask = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.BOOL, z.shape());
        Nd4j.exec(new GreaterThan(x, y, mask));
        z.assign(mask); // true → 1, false → 0
      }
      default -> throw new AssertionError(op);
    }
  }

  @Override
  public void select(Tensor mask, Tensor a, Tensor b, Tensor out) {
    KernelArguments.sameShape("select", mask, a, b, out);
    INDArray condition = nd("select", mask).neq(0);
    Nd4j.exec(new Select(new INDArray[] {condition, nd("select", a), nd("select", b)},
        new INDArray[] {nd("select", out)}));
  }

  @Override
  public void reduce(ReduceOp op, Tensor m, int axis, Tensor out) {
    KernelArguments.present("reduce", "the function", op);
    String kernel = "reduce " + op;
    KernelArguments.reduce(kernel, m, axis, out);
    INDArray x = nd(kernel, m);
    INDArray z = nd(kernel, out);
    if (op == ReduceOp.MAX && NativeMemory.addressable(x) && NativeMemory.addressable(z)) {
      // ND4J's Max passes over NaN; ReduceOp.MAX's formula gives NaN for a row or column that holds one
      ExtremaLoops.reduceMax(memory(kernel, m), m.shape().dim(0), m.shape().dim(1), axis, memory(kernel, out));
      return;
    }
    switch (op) {
      case SUM -> x.sum(z, axis);
      case MAX -> Nd4j.exec(new Max(x, z, axis));
      default -> throw new AssertionError(op);
    }
  }

  @Override
  public void copyWindow(Tensor src, Window from, Tensor dst, Window to) {
    KernelArguments.copyWindow(src, from, dst, to);
    view(nd("copyWindow", dst), to).assign(view(nd("copyWindow", src), from));
  }

  /** The window as an ND4J view with its strides over the array's own buffer: writes through it reach the array. */
  private static INDArray view(INDArray a, Window w) {
    return Nd4j.create(a.data(), new long[] {w.rows(), w.columns()}, new long[] {w.rowStride(), w.columnStride()},
        a.offset() + w.offset(), 'c');
  }

  @Override
  public void addRowVector(Tensor m, Tensor v) {
    KernelArguments.rowVector("addRowVector", m, v);
    if (SmallArrays.applies(m)) {
      SmallArrays.addRowVector(owned("addRowVector", m), owned("addRowVector", v));
      return;
    }
    INDArray row = nd("addRowVector", v);
    nd("addRowVector", m).addiRowVector(row.reshape(1, row.length()));
  }

  @Override
  public void sumRows(Tensor m, double beta, Tensor out) {
    KernelArguments.sumRows(m, out);
    INDArray x = nd("sumRows", m);
    INDArray o = nd("sumRows", out);
    // Σ over rows as a product with a row of ones, [1, rows]·[rows, n]: BLAS accumulates with β, no temporary.
    INDArray ones = scratch("ones", x, 1, x.rows());
    if (ones.getDouble(0) != 1) {
      ones.assign(1);
    }
    if (beta == 0) {
      o.assign(0);
    }
    Nd4j.gemm(ones, x, o.reshape(1, o.length()), false, false, 1, beta);
  }

  @Override
  public void activation(ActivationFunction f, double alpha, Tensor x, Tensor y) {
    KernelArguments.present("activation", "the function", f);
    KernelArguments.sameShape("activation", x, y);
    if ((f == ActivationFunction.RELU || f == ActivationFunction.LEAKY_RELU) && SmallArrays.applies(x)) {
      Nd4jTensor in = owned("activation", x);
      SmallArrays.rectify(in, in, f == ActivationFunction.LEAKY_RELU, alpha, owned("activation", y));
      return;
    }
    INDArray in = nd("activation", x);
    INDArray out = nd("activation", y);
    switch (f) {
      case IDENTITY -> out.assign(in);
      case RELU -> Nd4j.exec(new RectifiedLinear(in, out, 0.0));
      case LEAKY_RELU -> Nd4j.exec(new LeakyReLU(in, out, alpha));
      case SIGMOID -> Nd4j.exec(new Sigmoid(in, out));
      case TANH -> tanh("activation", x, y);
      case SOFTMAX -> {
        KernelArguments.matrix("softmax", "x", x);
        if (SmallArrays.applies(x)) {
          SmallArrays.softmax(owned("activation", x), owned("activation", y));
        } else {
          Nd4j.exec(new SoftMax(in, out, 1));
        }
      }
      default -> throw new AssertionError(f);
    }
  }

  /**
   * dx ← x &gt; 0 ? dy : α·dy (leaky) or x ≤ 0 ? 0 : dy, by ND4J's ops, where the vector loops of {@link
   * SmallArrays} do not run (no jdk.incubator.vector, or arrays past 2 GiB into their buffer), by their rule. The
   * mask is x's, not the sign of y = f(x), which is the sign of x only for α &gt; 0 (for α &lt; 0 a negative x gives a
   * positive y). At x = NaN both tests fail, as in PyTorch's leaky_relu and relu backward: α·dy, and dy. dx may be x
   * or dy.
   */
  static void rectifyBackwardByOps(boolean leaky, double alpha, INDArray x, INDArray dy, INDArray dx) {
    if (leaky) {
      Nd4j.exec(new Select(new INDArray[] {x.gt(0), dy, dy.mul(alpha)}, new INDArray[] {dx}));
    } else { // 0, not 0·dy, which is NaN for an infinite dy
      Nd4j.exec(new Select(new INDArray[] {x.lte(0), Nd4j.zerosLike(dy), dy}, new INDArray[] {dx}));
    }
  }

  @Override
  public void activationBackward(
      ActivationFunction f, double alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    KernelArguments.present("activationBackward", "the function", f);
    KernelArguments.sameShape("activationBackward", x, y, dy, dx);
    if ((f == ActivationFunction.RELU || f == ActivationFunction.LEAKY_RELU) && SmallArrays.VECTOR_API
        && NativeMemory.addressable(nd("activationBackward", x))
        && NativeMemory.addressable(nd("activationBackward", dy))
        && NativeMemory.addressable(nd("activationBackward", dx))) {
      // f′(x)·dy = x > 0 ? dy : α·dy, or x ≤ 0 ? 0 : dy, one pass
      SmallArrays.rectify(owned("activationBackward", x), owned("activationBackward", dy),
          f == ActivationFunction.LEAKY_RELU, alpha, owned("activationBackward", dx));
      return;
    }
    INDArray out = nd("activationBackward", y);
    INDArray g = nd("activationBackward", dy);
    INDArray dxArray = nd("activationBackward", dx);
    // the formulas below write dx before they have read y and dy for the last time: dx sharing either (allowed, as
    // the contract says) takes the result in scratch first
    boolean rereads = f == ActivationFunction.SIGMOID || f == ActivationFunction.TANH
        || f == ActivationFunction.SOFTMAX;
    INDArray d = rereads && (dx.sharesStorage(y) || dx.sharesStorage(dy))
        ? scratch("activationBackward", dxArray) : dxArray;
    switch (f) {
      case IDENTITY -> d.assign(g);
      case RELU, LEAKY_RELU -> rectifyBackwardByOps(f == ActivationFunction.LEAKY_RELU, alpha,
          nd("activationBackward", x), g, d);
      case SIGMOID -> d.assign(out).rsubi(1).muli(out).muli(g); // y(1 − y)·dy
      case TANH -> d.assign(out).muli(out).rsubi(1).muli(g); //    (1 − y²)·dy
      case SOFTMAX -> {
        KernelArguments.matrix("softmax backward", "y", y);
        // dx = y ⊙ (dy − Σⱼ dyⱼ·yⱼ), per row.
        INDArray dot = scratch("rowdot", out, out.rows(), 1);
        d.assign(g).muli(out);
        d.sum(dot, 1);
        d.assign(g).subiColumnVector(dot).muli(out);
      }
      default -> throw new AssertionError(f);
    }
    if (d != dxArray) {
      dxArray.assign(d);
    }
  }

  @Override
  public void multiply(Tensor a, Tensor b, Tensor out) {
    KernelArguments.sameShape("multiply", a, b, out);
    nd("multiply", a).mul(nd("multiply", b), nd("multiply", out));
  }

  @Override
  public void axpy(double alpha, Tensor x, Tensor y) {
    KernelArguments.sameShape("axpy", x, y);
    axpy(alpha, nd("axpy", x), nd("axpy", y));
  }

  /**
   * y ← y + α·x by BLAS, but for α = 0: BLAS then returns at once, leaving y as it is where 0·x is NaN (x NaN or
   * infinite), as the formula, the reference engine and PyTorch's add with alpha = 0 have it. A learning rate
   * annealed to 0 must still let a diverged gradient through, as every other step would.
   */
  private static void axpy(double alpha, INDArray x, INDArray y) {
    if (alpha == 0) {
      y.addi(times(x.dup(), 0));
      return;
    }
    blas1().axpy(y.length(), alpha, x, y);
  }

  @Override
  public void scale(Tensor x, double s) {
    times(nd("scale", x), s);
  }

  /**
   * a ← s·a. Not INDArray.muli(Number), which multiplies by 1e-5 (ND4J's EPS_THRESHOLD) in place of a NaN factor:
   * a NaN in gives NaN out, as everywhere else.
   */
  private static INDArray times(INDArray a, double s) {
    Nd4j.exec(new ScalarMultiplication(a, null, a, s));
    return a;
  }

  @Override
  public void fill(Tensor t, double value) {
    nd("fill", t).assign(value);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    KernelArguments.copy(src, dst);
    nd("copy", dst).assign(nd("copy", src));
  }

  /**
   * The reference engine's loops ({@link SmallArrays#loss}), at every size: ND4J's ops summed FLOAT32 losses in float
   * (a squared error of 2e30 came out 1.4e-5 off, a softmax cross-entropy of 7.6e37 infinite), clamped NaN
   * probabilities to ε (a finite loss for a NaN prediction, which the network would have taken) and clamped in the
   * type (ε = 1e-7 from 1 is 1 − 1.19e-7 in float, a BCE gradient a sixth off).
   */
  @Override
  public double loss(LossFunction f, Tensor predictions, Tensor targets, Tensor gradient) {
    KernelArguments.present("loss", "the function", f);
    KernelArguments.loss(predictions, targets, gradient);
    return SmallArrays.loss(f, owned("loss", predictions), owned("loss", targets),
        gradient == null ? null : owned("loss", gradient));
  }

  @Override
  public void argmaxRows(Tensor m, int[] out) {
    KernelArguments.argmax(m, out);
    // Not ND4J's argMax, which takes a NaN in a row's first place for the row's maximum but passes over NaN elsewhere:
    // here, as on the reference engine, NaN is never the maximum
    NativeMemory x = memory("argmaxRows", m);
    int rows = m.shape().dim(0);
    int n = m.shape().dim(1);
    for (int i = 0; i < rows; i++) {
      int best = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        int at = i * n + j;
        double v = x.floats ? x.bytes.getFloat(at * Float.BYTES) : x.bytes.getDouble(at * Double.BYTES);
        if (v > max) {
          max = v;
          best = j;
        }
      }
      out[i] = best;
    }
    NativeMemory.keep(x);
  }

  @Override
  public void momentumUpdate(
      Tensor w, Tensor g, Tensor velocity, double learningRate, double momentum, boolean nesterov) {
    KernelArguments.update("momentumUpdate", w, g, velocity);
    INDArray ww = nd("momentumUpdate", w);
    INDArray gg = nd("momentumUpdate", g);
    INDArray v = nd("momentumUpdate", velocity);
    times(v, momentum).addi(gg); // v ← μv + g
    if (nesterov) { // w ← w − α(g + μv), the sum first as PyTorch forms it, so that it overflows where theirs does
      INDArray step = scratch("step", ww);
      Nd4j.exec(new ScalarMultiplication(v, null, step, momentum));
      step.addi(gg);
      axpy(-learningRate, step, ww);
    } else {
      axpy(-learningRate, v, ww); // w ← w − αv
    }
  }

  @Override
  public void adaGradUpdate(Tensor w, Tensor g, Tensor sumSquares, double learningRate, double epsilon) {
    KernelArguments.update("adaGradUpdate", w, g, sumSquares);
    scaledUpdate(nd("adaGradUpdate", w), nd("adaGradUpdate", g), nd("adaGradUpdate", sumSquares), learningRate, 1, 1,
        epsilon);
  }

  @Override
  public void rmsPropUpdate(
      Tensor w, Tensor g, Tensor meanSquares, double learningRate, double rho, double epsilon) {
    KernelArguments.update("rmsPropUpdate", w, g, meanSquares);
    scaledUpdate(nd("rmsPropUpdate", w), nd("rmsPropUpdate", g), nd("rmsPropUpdate", meanSquares), learningRate, rho,
        1 - rho, epsilon);
  }

  /**
   * s ← decay·s + gain·g²; w ← w + (−α·g) / (√s + ε) (RMSProp; AdaGrad with decay = gain = 1): the product before the
   * quotient, as the reference engine and PyTorch's addcdiv take it, so that α·g overflows or underflows as theirs.
   */
  private void scaledUpdate(INDArray w, INDArray g, INDArray s, double rate, double decay, double gain, double eps) {
    INDArray tmp = scratch("update", w);
    g.mul(g, tmp);
    times(s, decay);
    axpy(gain, tmp, s);
    Nd4j.exec(new Sqrt(s, tmp));
    Nd4j.exec(new ScalarAdd(tmp, null, tmp, eps)); //          √s + ε
    INDArray step = scratch("step", w);
    Nd4j.exec(new ScalarMultiplication(g, null, step, -rate)); // −α·g
    Nd4j.exec(new DivOp(step, tmp, step));
    w.addi(step);
  }

  @Override
  public void adamUpdate(
      Tensor w, Tensor g, Tensor m, Tensor v, double learningRate, double beta1, double beta2, double epsilon,
      double c1, double c2) {
    KernelArguments.update("adamUpdate", w, g, m, v);
    if (!Kernels.flushIsUnseen(w.dataType(), epsilon, 1 / c2)) {
      Kernels.super.adamUpdate(w, g, m, v, learningRate, beta1, beta2, epsilon, c1, c2); // an ε too small to flush
      return;
    }
    NativeMemoryAdam.update(memory("adamUpdate", w), memory("adamUpdate", g), memory("adamUpdate", m),
        memory("adamUpdate", v), learningRate, beta1, beta2, epsilon, c1, c2);
  }

  // ---------------------------------------------------------------- images: convolution, pooling, per-channel
  //
  // ND4J's native im2col, col2im and pooling ops (NCHW, each given its padding and output size), and broadcast ops
  // along the channel axis. ND4J's im2col writes [N, C, kh, kw, oh, ow]; one strided native copy puts it in the
  // column order [C, kh, kw, N, oh, ow] the convolution multiplies by. A geometry ND4J cannot express (padding that is
  // neither symmetric nor its "same") falls back to the portable default.

  /** ND4J's integer arguments for a window op: kh, kw, sh, sw, ph, pw, dh, dw, same mode; null when not expressible. */
  private static int[] windowArguments(ConvGeometry g) {
    int spanH = g.dilationHeight() * (g.kernelHeight() - 1) + 1;
    int spanW = g.dilationWidth() * (g.kernelWidth() - 1) + 1;
    int explicitH = (g.height() + 2 * g.padTop() - spanH) / g.strideHeight() + 1;
    int explicitW = (g.width() + 2 * g.padLeft() - spanW) / g.strideWidth() + 1;
    boolean explicit = g.height() + 2 * g.padTop() >= spanH && g.width() + 2 * g.padLeft() >= spanW
        && explicitH == g.outputHeight() && explicitW == g.outputWidth();
    int sameH = (g.height() + g.strideHeight() - 1) / g.strideHeight();
    int sameW = (g.width() + g.strideWidth() - 1) / g.strideWidth();
    int totalH = (sameH - 1) * g.strideHeight() + spanH - g.height();
    int totalW = (sameW - 1) * g.strideWidth() + spanW - g.width();
    // In same mode ND4J's pooling computes its padding as total / 2 without clamping it at 0: with a stride longer
    // than the window (1×2 windows of stride 3×2 over 6 rows: total −2) every window would start a row late, rows 1
    // and 4 read for 0 and 3. Such a geometry needs no padding before, which only the portable loops then give.
    boolean same = sameH == g.outputHeight() && sameW == g.outputWidth() && totalH >= 0 && totalW >= 0
        && g.padTop() == totalH / 2 && g.padLeft() == totalW / 2;
    if (!explicit && !same) {
      return null;
    }
    // In same mode ND4J's shape functions size the output; im2col and col2im still read the paddings given.
    return new int[] {g.kernelHeight(), g.kernelWidth(), g.strideHeight(), g.strideWidth(), g.padTop(), g.padLeft(),
        g.dilationHeight(), g.dilationWidth(), explicit ? 0 : 1};
  }

  private static void exec(String op, int[] integers, INDArray[] inputs, INDArray output) {
    Nd4j.exec(DynamicCustomOp.builder(op).addInputs(inputs).addOutputs(output).addIntegerArguments(integers).build());
  }

  /** {@link Nd4jConvolution}, for every geometry. */
  @Override
  public Convolution convolution(ConvGeometry g, int filters) {
    return new Nd4jConvolution(engine, g, filters);
  }

  @Override
  public void im2col(Tensor x, ConvGeometry g, Tensor col) {
    int n = KernelArguments.columns("im2col", x, g, col);
    int[] args = windowArguments(g);
    if (args == null) {
      Kernels.super.im2col(x, g, col);
      return;
    }
    INDArray in = nd("im2col", x);
    INDArray patches = scratch("im2col", in, n, g.channels(), g.kernelHeight(), g.kernelWidth(), g.outputHeight(),
        g.outputWidth());
    exec("im2col", args, new INDArray[] {in}, patches);
    nd("im2col", col).reshape('c', g.channels(), g.kernelHeight(), g.kernelWidth(), n, g.outputHeight(),
        g.outputWidth()).assign(patches.permute(1, 2, 3, 0, 4, 5));
  }

  @Override
  public void col2im(Tensor col, ConvGeometry g, Tensor x) {
    int n = KernelArguments.columns("col2im", x, g, col);
    int[] a = windowArguments(g);
    if (a == null) {
      Kernels.super.col2im(col, g, x);
      return;
    }
    INDArray columns = nd("col2im", col);
    INDArray patches = scratch("col2im", columns, n, g.channels(), g.kernelHeight(), g.kernelWidth(),
        g.outputHeight(), g.outputWidth());
    patches.permute(1, 2, 3, 0, 4, 5).assign(columns.reshape('c', g.channels(), g.kernelHeight(), g.kernelWidth(), n,
        g.outputHeight(), g.outputWidth()));
    INDArray image = nd("col2im", x);
    image.assign(0);
    exec("col2im", new int[] {a[2], a[3], a[4], a[5], g.height(), g.width(), a[6], a[7], a[8]},
        new INDArray[] {patches}, image);
  }

  @Override
  public void swapLeadingAxes(Tensor src, Tensor dst) {
    int a = ImageLoops.checkSwap(src, dst);
    int b = src.shape().dim(1);
    long r = src.size() / a / b;
    nd("swapLeadingAxes", dst).reshape('c', b, a, r).assign(nd("swapLeadingAxes", src).reshape('c', a, b, r)
        .permute(1, 0, 2));
  }

  /** The elements of a chunk of image planes copied to the heap for the portable loops: 256 KiB in double. */
  private static final int HEAP_CHUNK_ELEMENTS = 1 << 15;

  /**
   * {@link NativeMaxPool} where it applies (FLOAT32, 2×2 windows of stride 2), else the portable loops on heap copies.
   * Not ND4J's {@code maxpool2d}: it drops NaN (a window holding NaN gives its largest number, hiding a diverged
   * input, where PyTorch's gives NaN and passes the gradient to the window's last NaN, as {@link
   * ImageLoops#maxPool} does) and gives −0 where +0 ties it.
   */
  @Override
  public void maxPool(Tensor x, ConvGeometry g, Tensor y) {
    maxPool("maxPool", x, null, g, y);
  }

  /** As {@link #maxPool}: {@link NativeMaxPool} or the portable loops, not ND4J's {@code maxpool2d_bp}. */
  @Override
  public void maxPoolBackward(Tensor x, Tensor dy, ConvGeometry g, Tensor dx) {
    maxPool("maxPoolBackward", x, dy, g, dx);
  }

  /** Max pooling forward (dy null: out is y) or backward (out is dx), over channel planes split between the cores. */
  private void maxPool(String kernel, Tensor x, Tensor dy, ConvGeometry g, Tensor out) {
    boolean backward = kernel.endsWith("Backward");
    KernelArguments.pool(kernel, g, backward, true, x, dy, out);
    if (!addressable(kernel, x, dy, out)) {
      if (backward) {
        Kernels.super.maxPoolBackward(x, dy, g, out);
      } else {
        Kernels.super.maxPool(x, g, out);
      }
      return;
    }
    NativeMemory in = memory(kernel, x);
    NativeMemory gradient = backward ? memory(kernel, dy) : null;
    NativeMemory result = memory(kernel, out);
    // by channel planes, the rows of [N, C, H·W], between the cores: their outputs are disjoint. The tiled loops
    // need no Vector API (TiledMaxPool has plain ones, of the same bits), only floats
    if (g.tilesBy2x2() && x.dataType() == org.delta4j.tensor.DataType.FLOAT32) {
      byRows(x, g.channels(), (part, from, to) -> NativeMaxPool.pool(in, backward ? null : result, gradient,
          backward ? result : null, g, from, to));
      return;
    }
    int[] index = g.tapIndices();
    int plane = g.plane();
    int positions = g.positions();
    int outPlane = backward ? plane : positions;
    int chunk = Math.max(1, HEAP_CHUNK_ELEMENTS / plane);
    org.delta4j.tensor.DataType type = x.dataType();
    byRows(x, g.channels(), (part, from, to) -> {
      // a chunk of planes at a time, copied to the heap and back: bounded memory whatever the batch
      Object images = HeapCopy.make(type, chunk * plane, "max pooling: a chunk of image planes on the heap");
      Object pooled = HeapCopy.make(type, chunk * outPlane, "max pooling: a chunk of its outputs on the heap");
      Object gradients = backward ? HeapCopy.make(type, chunk * positions,
          "max pooling: a chunk of its output gradients on the heap") : null;
      for (int first = from; first < to; first += chunk) {
        int planes = Math.min(chunk, to - first);
        HeapCopy.load(in, (long) first * plane, images, planes * plane);
        if (backward) {
          HeapCopy.load(gradient, (long) first * positions, gradients, planes * positions);
        }
        HeapCopy.maxPool(images, backward ? null : pooled, gradients, backward ? pooled : null, g, index, planes);
        HeapCopy.store(pooled, result, (long) first * outPlane, planes * outPlane);
      }
    });
  }

  /** Whether every tensor given (null ones ignored) lies where a {@code ByteBuffer} addresses it. */
  private boolean addressable(String kernel, Tensor... tensors) {
    for (Tensor t : tensors) {
      if (t != null && !NativeMemory.addressable(nd(kernel, t))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void avgPool(Tensor x, ConvGeometry g, Tensor y) {
    pool("avgpool2d", "avgPool", x, null, g, y);
  }

  @Override
  public void avgPoolBackward(Tensor dy, ConvGeometry g, Tensor dx) {
    // ND4J's average-pooling gradient reads its input only for the shape: dx (overwritten) serves.
    pool("avgpool2d_bp", "avgPoolBackward", dx, dy, g, dx);
  }

  /**
   * A native pooling op: forward (dy null) into out = y, or backward into out = dx. Arguments after the window's: 1 =
   * average counts padding (as Kernels defines it), 0 = NCHW.
   */
  private void pool(String op, String kernel, Tensor x, Tensor dy, ConvGeometry g, Tensor out) {
    boolean backward = kernel.endsWith("Backward");
    KernelArguments.pool(kernel, g, backward, !backward, backward ? null : x, dy, out);
    int[] w = windowArguments(g);
    if (w == null) {
      switch (kernel) {
        case "avgPool" -> Kernels.super.avgPool(x, g, out);
        default -> Kernels.super.avgPoolBackward(dy, g, out);
      }
      return;
    }
    int[] args = Arrays.copyOf(w, 11);
    args[9] = 1;
    args[10] = 0;
    INDArray[] inputs = backward ? new INDArray[] {nd(kernel, x), nd(kernel, dy)} : new INDArray[] {nd(kernel, x)};
    exec(op, args, inputs, nd(kernel, out));
  }

  @Override
  public void channelAffine(Tensor x, Tensor scale, Tensor shift, Tensor y) {
    int c = KernelArguments.channelMap("channelAffine", x, scale, shift, y);
    if (channelLoops(x, scale, shift, y)) {
      NativeMemory in = memory(x);
      NativeMemory p = memory(scale);
      NativeMemory r = memory(shift);
      NativeMemory out = memory(y);
      int size = channelSize(x, c);
      byRows(x, c, (part, from, to) -> ChannelLoops.combine(in, p, null, null, null, r, out, c, size, from, to));
      return;
    }
    broadcastAffine("channelAffine", c, x, null, scale, shift, y);
  }

  /** y ← scale·(x − centre) + shift per channel by ND4J's broadcast ops, one a term (null vectors skipped). */
  private void broadcastAffine(String kernel, int c, Tensor x, Tensor centre, Tensor scale, Tensor shift, Tensor y) {
    INDArray in = channels(nd(kernel, x), c);
    INDArray out = channels(nd(kernel, y), c);
    if (centre != null) {
      Nd4j.exec(new BroadcastSubOp(in, nd(kernel, centre).reshape(c), out, 1));
      in = out;
    }
    if (scale != null) {
      Nd4j.exec(new BroadcastMulOp(in, nd(kernel, scale).reshape(c), out, 1));
    } else if (out != in) {
      out.assign(in);
    }
    if (shift != null) {
      Nd4j.exec(new BroadcastAddOp(out, nd(kernel, shift).reshape(c), out, 1));
    }
  }

  /** In one pass on FLOAT32 (see {@link ChannelLoops#centredAffine}); else in ND4J's broadcast ops. */
  @Override
  public void channelAffine(Tensor x, Tensor centre, Tensor scale, Tensor shift, Tensor y) {
    if (centre == null) {
      channelAffine(x, scale, shift, y);
      return;
    }
    centredAffine("channelAffine", false, x, centre, scale, shift, y);
  }

  @Override
  public void channelSums(Tensor a, Tensor b, double beta, Tensor out) {
    KernelArguments.sameShape("channelSums", b == null ? a : b, a);
    int c = ImageLoops.checkChannelVectors("channelSums", a, KernelArguments.present("channelSums", "out", out));
    if (channelLoops(a, b, out)) {
      ChannelTotals t = channelTotals(a, b, c);
      ChannelLoops.store(b == null ? t.sums() : t.products(), beta, memory(out));
      return;
    }
    INDArray x = channels(nd("channelSums", a), c);
    if (b != null) {
      INDArray product = scratch("channelSums", x);
      Nd4j.exec(new MulOp(x, channels(nd("channelSums", b), c), product));
      x = product;
    }
    INDArray o = nd("channelSums", out).reshape(c);
    INDArray sums = x.sum(0, 2);
    if (beta == 0) {
      o.assign(sums);
    } else {
      times(o, beta).addi(sums);
    }
  }

  @Override
  public void channelSumsAndProducts(Tensor a, Tensor b, Tensor sums, Tensor products) {
    int c = KernelArguments.channelSums("channelSumsAndProducts", a, b, sums, products);
    if (channelLoops(a, b, sums, products)) {
      ChannelTotals t = channelTotals(a, b, c);
      ChannelLoops.store(t.sums(), 0, memory(sums));
      ChannelLoops.store(t.products(), 0, memory(products));
    } else {
      Kernels.super.channelSumsAndProducts(a, b, sums, products);
    }
  }

  /** In one pass on FLOAT32 (see {@link ChannelLoops#gatedCentredSums}), x − μ formed inside it; else the default. */
  @Override
  public void channelSumsAndProducts(Tensor a, Tensor b, Tensor origin, ReluGate gate, Tensor sums,
      Tensor products, Tensor work) {
    int c = KernelArguments.gatedChannelSums(a, b, origin, gate, sums, products, work);
    Tensor gateCentre = gate == null ? null : gate.centre();
    Tensor gateScale = gate == null ? null : gate.scale();
    Tensor gateShift = gate == null ? null : gate.shift();
    if (channelLoops(a, b, origin, gateCentre, gateScale, gateShift, sums, products)) {
      NativeMemory ma = memory(a);
      NativeMemory mb = memory(b);
      NativeMemory o = memory(origin);
      NativeMemory k = memory(gateCentre);
      NativeMemory p = memory(gateScale);
      NativeMemory q = memory(gateShift);
      int size = channelSize(a, c);
      ChannelTotals t = new ChannelTotals(partsOf(a, c), c);
      byRows(a, c, (part, from, to) -> ChannelLoops.gatedCentredSums(ma, mb, o, k, p, q, t.sums[part],
          t.products[part], c, size, from, to));
      ChannelLoops.store(t.sums(), 0, memory(sums));
      ChannelLoops.store(t.products(), 0, memory(products));
    } else {
      Kernels.super.channelSumsAndProducts(a, b, origin, gate, sums, products, work);
    }
  }

  @Override
  public void channelShiftAndSquares(Tensor x, Tensor shift, Tensor y, Tensor squares) {
    int c = KernelArguments.channelShiftAndSquares(x, shift, y, squares);
    if (channelLoops(x, shift, y, squares)) {
      NativeMemory in = memory(x);
      NativeMemory r = memory(shift);
      NativeMemory out = memory(y);
      int size = channelSize(x, c);
      ChannelTotals t = new ChannelTotals(partsOf(x, c), c);
      byRows(x, c, (part, from, to) -> ChannelLoops.shiftAndSquares(in, r, out, t.sums[part], c, size, from, to));
      ChannelLoops.store(t.sums(), 0, memory(squares));
    } else {
      Kernels.super.channelShiftAndSquares(x, shift, y, squares);
    }
  }

  /**
   * In one pass on FLOAT32 ({@link ChannelLoops#combine}, or {@link ChannelLoops#gatedCombine} through a gate); else
   * the default's passes.
   */
  @Override
  public void channelCombine(Tensor x, Tensor a, Tensor z, Tensor centre, Tensor b, Tensor shift, ReluGate gate,
      Tensor y, Tensor work) {
    int c = KernelArguments.channelCombine(x, a, z, centre, b, shift, gate, y, work);
    KernelArguments.sameShape("channelCombine", x, work);
    if (gate == null ? channelLoops(x, a, z, centre, b, shift, y)
        : channelLoops(x, a, z, centre, b, shift, gate.centre(), gate.scale(), gate.shift(), y)) {
      NativeMemory in = memory(x);
      NativeMemory p = memory(a);
      NativeMemory mz = memory(z);
      NativeMemory k = memory(centre);
      NativeMemory q = memory(b);
      NativeMemory r = memory(shift);
      NativeMemory gk = gate == null ? null : memory(gate.centre());
      NativeMemory gs = gate == null ? null : memory(gate.scale());
      NativeMemory gt = gate == null ? null : memory(gate.shift());
      NativeMemory out = memory(y);
      int size = channelSize(x, c);
      if (gate == null) {
        byRows(x, c, (part, from, to) -> ChannelLoops.combine(in, p, mz, k, q, r, out, c, size, from, to));
      } else {
        byRows(x, c, (part, from, to) -> ChannelLoops.gatedCombine(in, p, mz, k, q, r, gk, gs, gt, out, c, size,
            from, to));
      }
    } else {
      Kernels.super.channelCombine(x, a, z, centre, b, shift, gate, y, work); // gates x into work, then combines
    }
  }

  @Override
  public void channelAffineRelu(Tensor x, Tensor centre, Tensor scale, Tensor shift, Tensor y) {
    if (scale == null || shift == null) {
      Kernels.super.channelAffineRelu(x, centre, scale, shift, y); // which names what is missing
      return;
    }
    centredAffine("channelAffineRelu", true, x, centre, scale, shift, y);
  }

  /**
   * y ← scale·(x − centre) + shift per channel (centre null: 0), then ReLU when {@code relu}: in one pass on FLOAT32
   * ({@link ChannelLoops#centredAffine}), else in ND4J's broadcast ops, one a term, and the ReLU's.
   */
  private void centredAffine(String kernel, boolean relu, Tensor x, Tensor centre, Tensor scale, Tensor shift,
      Tensor y) {
    int c = KernelArguments.channelMap(kernel, x, scale, shift, y);
    ImageLoops.checkChannelVectors(kernel, x, centre);
    if (channelLoops(x, centre, scale, shift, y)) {
      NativeMemory in = memory(x);
      NativeMemory k = memory(centre);
      NativeMemory p = memory(scale);
      NativeMemory r = memory(shift);
      NativeMemory out = memory(y);
      int size = channelSize(x, c);
      byRows(x, c, (part, from, to) -> ChannelLoops.centredAffine(in, k, p, r, relu, out, c, size, from, to));
    } else {
      broadcastAffine(kernel, c, x, centre, scale, shift, y);
      if (relu) {
        activation(ActivationFunction.RELU, 0, y, y);
      }
    }
  }

  /** How many parts the N·C rows of [N, C, ...] tensor t are split into ({@link WorkerPool#parts}). */
  private static int partsOf(Tensor t, int channels) {
    return WorkerPool.shared().parts(t.shape().dim(0) * channels, t.size());
  }

  /**
   * Runs {@code loop} over the N·C rows of [N, C, ...] tensor t in {@link #partsOf} parts of consecutive rows, the
   * parts beside each other on the shared pool's threads: each writes its own rows and its own part's totals.
   */
  private static void byRows(Tensor t, int channels, WorkerPool.Range loop) {
    WorkerPool.shared().split(t.shape().dim(0) * channels, t.size(), loop);
  }

  /** Σ a and, with b, Σ a·b per channel of [N, C, ...] tensors, by {@link ChannelLoops#sums} over rows split. */
  private ChannelTotals channelTotals(Tensor a, Tensor b, int c) {
    NativeMemory ma = memory(a);
    NativeMemory mb = memory(b);
    int size = channelSize(a, c);
    ChannelTotals t = new ChannelTotals(partsOf(a, c), c);
    byRows(a, c, (part, from, to) -> ChannelLoops.sums(ma, mb, t.sums[part], t.products[part], c, size, from, to));
    return t;
  }

  /**
   * Per-channel sums of a split over rows: each part adds into its own arrays, which are then added in part order,
   * so that the grouping depends on the batch's shape and the core count only.
   */
  private static final class ChannelTotals {
    final double[][] sums;
    final double[][] products;

    ChannelTotals(int parts, int channels) {
      sums = new double[parts][channels];
      products = new double[parts][channels];
    }

    double[] sums() {
      return added(sums);
    }

    double[] products() {
      return added(products);
    }

    private static double[] added(double[][] parts) {
      double[] total = parts[0].clone();
      for (int p = 1; p < parts.length; p++) {
        for (int c = 0; c < total.length; c++) {
          total[c] += parts[p][c];
        }
      }
      return total;
    }
  }

  /**
   * Whether the Vector API's loops over native memory ({@link ChannelLoops}' single passes) apply: on FLOAT32
   * tensors (null ones ignored) that a {@code ByteBuffer} addresses, with the Vector API present.
   * Else ND4J's ops.
   */
  private boolean channelLoops(Tensor... tensors) {
    if (!SmallArrays.VECTOR_API) {
      return false;
    }
    for (Tensor t : tensors) {
      if (t != null && (t.dataType() != org.delta4j.tensor.DataType.FLOAT32
          || !NativeMemory.addressable(nd("channel", t)))) {
        return false;
      }
    }
    return true;
  }

  /** The tensor's native memory, or null for a null tensor (an absent per-channel vector). */
  private NativeMemory memory(Tensor t) {
    return t == null ? null : memory("channel", t);
  }

  /** The native memory of this engine's tensor t, an error naming {@code kernel} for any other. */
  private NativeMemory memory(String kernel, Tensor t) {
    return owned(kernel, t).memory(kernel);
  }

  /** S of [N, C, ...]: the elements per sample and channel. */
  private static int channelSize(Tensor t, int c) {
    int n = t.shape().dim(0);
    return n == 0 || c == 0 ? 0 : (int) (t.size() / n / c);
  }

  /** [N, C, ...] as [N, C, S]. */
  private static INDArray channels(INDArray t, int c) {
    long n = t.size(0);
    return t.reshape('c', n, c, t.length() / n / c);
  }
}
