package org.delta4j.engine.ref;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.ImageLoops;
import org.delta4j.engine.WorkArrays;
import org.delta4j.engine.KernelArguments;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.LossLoops;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.ReluGate;
import org.delta4j.engine.TiledMaxPool;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.Window;
import org.delta4j.engine.WorkerPool;
import org.delta4j.engine.ref.gemm.MatrixMultiply;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.Tensor;

/**
 * The reference kernels: each a loop over Java arrays, in float for FLOAT32 and double for FLOAT64 (Java has no
 * generics over primitives, so each loop is written once per type). Sums are accumulated in double. Matrix products go
 * to {@link MatrixMultiply}; the other primitives to {@link Primitives}; every fused operation is overridden with one
 * loop of its own (no temporaries). Thread-safe: kernels keep no state between calls.
 */
final class RefKernels implements Kernels {
  /** Float 2×2 max pooling: on the Vector API where the engine's other loops are. */
  private static final TiledMaxPool TILED_MAX_POOL =
      MatrixMultiply.vectorApi() ? TiledMaxPool.get() : TiledMaxPool.plain();

  private final RefEngine engine;

  RefKernels(RefEngine engine) {
    this.engine = engine;
  }

  private RefTensor ref(String kernel, Tensor t) {
    return KernelArguments.owned(kernel, t, engine, RefTensor.class);
  }

  /** The doubles of a FLOAT64 tensor of the per-channel kernels (checked by their callers), or null for null. */
  private double[] doubles(Tensor t) {
    return t == null ? null : ref("channelSumsAndProducts", t).doubles;
  }

  @Override
  public void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, double alpha, double beta, Tensor c) {
    KernelArguments.gemm(a, transposeA, b, transposeB, c);
    product("gemm", a, transposeA, b, transposeB, alpha, beta, c, null);
  }

  /** The bias is added in the product's own pass over Y where the product has one (see {@link MatrixMultiply}). */
  @Override
  public void linear(Tensor x, Tensor w, Tensor b, Tensor y) {
    KernelArguments.linear(x, w, b, y);
    product("linear", x, false, w, false, 1, 0, y, b);
  }

  /** C ← α·op(A)·op(B) + β·C, then C's rows + bias unless it is null, on checked arguments. */
  private void product(String kernel, Tensor a, boolean transposeA, Tensor b, boolean transposeB, double alpha,
      double beta, Tensor c, Tensor bias) {
    int m = c.shape().dim(0);
    int n = c.shape().dim(1);
    int k = a.shape().dim(transposeA ? 0 : 1);
    RefTensor ra = ref(kernel, a);
    RefTensor rb = ref(kernel, b);
    RefTensor rc = ref(kernel, c);
    RefTensor rBias = bias == null ? null : ref(kernel, bias);
    int lda = a.shape().dim(1);
    int ldb = b.shape().dim(1);
    if (ra.floats != null) {
      MatrixMultiply.get().sgemm(transposeA, transposeB, m, n, k, (float) alpha, ra.floats, lda, rb.floats, ldb,
          (float) beta, rc.floats, n, rBias == null ? null : rBias.floats);
    } else {
      MatrixMultiply.get().dgemm(transposeA, transposeB, m, n, k, alpha, ra.doubles, lda, rb.doubles, ldb, beta,
          rc.doubles, n, rBias == null ? null : rBias.doubles);
    }
  }

  @Override
  public void unary(UnaryOp f, Tensor x, Tensor y) {
    KernelArguments.present("unary", "the function", f);
    String kernel = "unary " + f;
    KernelArguments.sameShape(kernel, x, y);
    Primitives.unary(f, ref(kernel, x), ref(kernel, y));
  }

  @Override
  public void affine(Tensor x, double s, double t, Tensor y) {
    KernelArguments.sameShape("affine", x, y);
    Primitives.affine(ref("affine", x), s, t, ref("affine", y));
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    KernelArguments.present("binary", "the function", op);
    String kernel = "binary " + op;
    KernelArguments.binary(kernel, a, b, out);
    Primitives.binary(op, ref(kernel, a), ref(kernel, b), ref(kernel, out));
  }

  @Override
  public void select(Tensor mask, Tensor a, Tensor b, Tensor out) {
    KernelArguments.sameShape("select", mask, a, b, out);
    Primitives.select(ref("select", mask), ref("select", a), ref("select", b), ref("select", out));
  }

  @Override
  public void reduce(ReduceOp op, Tensor m, int axis, Tensor out) {
    KernelArguments.present("reduce", "the function", op);
    String kernel = "reduce " + op;
    KernelArguments.reduce(kernel, m, axis, out);
    Primitives.reduce(op, ref(kernel, m), axis, ref(kernel, out));
  }

  @Override
  public void copyWindow(Tensor src, Window from, Tensor dst, Window to) {
    KernelArguments.copyWindow(src, from, dst, to);
    Primitives.copyWindow(ref("copyWindow", src), from, ref("copyWindow", dst), to);
  }

  @Override
  public void addRowVector(Tensor m, Tensor v) {
    KernelArguments.rowVector("addRowVector", m, v);
    RefTensor rm = ref("addRowVector", m);
    RefTensor rv = ref("addRowVector", v);
    int rows = m.shape().dim(0);
    int n = m.shape().dim(1);
    if (rm.floats != null) {
      // Split by rows, as the product before it (a Dense layer's X·W) sums its halves and ReLU after it runs: each
      // core adds into the rows it wrote last, where the caller alone would take the other core's half across.
      FloatJob job = FloatJob.get();
      job.a = rm.floats;
      job.b = rv.floats;
      job.n = n;
      job.run(rows, (long) rows * n, (j, from, to) -> {
        float[] x = j.a;
        float[] y = j.b;
        for (int i = from; i < to; i++) {
          int o = i * j.n;
          for (int c = 0; c < j.n; c++) {
            x[o + c] += y[c];
          }
        }
      });
    } else {
      double[] x = rm.doubles;
      double[] y = rv.doubles;
      for (int i = 0; i < rows; i++) {
        int o = i * n;
        for (int j = 0; j < n; j++) {
          x[o + j] += y[j];
        }
      }
    }
  }

  @Override
  public void sumRows(Tensor m, double beta, Tensor out) {
    KernelArguments.sumRows(m, out);
    RefTensor rm = ref("sumRows", m);
    RefTensor ro = ref("sumRows", out);
    int rows = m.shape().dim(0);
    int n = m.shape().dim(1);
    if (rm.floats != null) {
      float[] x = rm.floats;
      float[] s = ro.floats;
      float b = (float) beta;
      for (int j = 0; j < n; j++) {
        s[j] = b == 0 ? 0 : b * s[j];
      }
      FloatLoops.get().columnSums(x, rows, n, s, 0, n);
    } else {
      double[] x = rm.doubles;
      double[] s = ro.doubles;
      for (int j = 0; j < n; j++) {
        s[j] = beta == 0 ? 0 : beta * s[j];
      }
      for (int i = 0; i < rows; i++) {
        int o = i * n;
        for (int j = 0; j < n; j++) {
          s[j] += x[o + j];
        }
      }
    }
  }

  @Override
  public void activation(ActivationFunction f, double alpha, Tensor x, Tensor y) {
    KernelArguments.present("activation", "the function", f);
    KernelArguments.sameShape("activation", x, y);
    RefTensor rx = ref("activation", x);
    RefTensor ry = ref("activation", y);
    if (f == ActivationFunction.SOFTMAX) {
      KernelArguments.matrix("softmax", "x", x);
      softmax(rx, ry, x.shape().dim(0), x.shape().dim(1));
      return;
    }
    if (rx.floats != null && f == ActivationFunction.RELU) {
      FloatJob job = FloatJob.get();
      job.a = rx.floats;
      job.b = ry.floats;
      job.run(rx.floats.length, rx.floats.length, (j, from, to) -> FloatLoops.get().relu(j.a, j.b, from, to));
    } else if (rx.floats != null) {
      Activations.forward(f, (float) alpha, rx.floats, ry.floats);
    } else {
      Activations.forward(f, alpha, rx.doubles, ry.doubles);
    }
  }

  /** y = e^(x − max x) / Σ e^(x − max x), per row: subtracting the max keeps every exponent ≤ 0, so no overflow. */
  private static void softmax(RefTensor x, RefTensor y, int rows, int n) {
    if (x.floats != null) {
      float[] in = x.floats;
      float[] out = y.floats;
      for (int i = 0; i < rows; i++) {
        int o = i * n;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          max = Math.max(max, in[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          float e = (float) Math.exp(in[o + j] - max);
          out[o + j] = e;
          sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = 0; j < n; j++) {
          out[o + j] *= inv;
        }
      }
    } else {
      double[] in = x.doubles;
      double[] out = y.doubles;
      for (int i = 0; i < rows; i++) {
        int o = i * n;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          max = Math.max(max, in[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          double e = Math.exp(in[o + j] - max);
          out[o + j] = e;
          sum += e;
        }
        double inv = 1 / sum;
        for (int j = 0; j < n; j++) {
          out[o + j] *= inv;
        }
      }
    }
  }

  @Override
  public void activationBackward(ActivationFunction f, double alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    KernelArguments.present("activationBackward", "the function", f);
    KernelArguments.sameShape("activationBackward", x, y, dy, dx);
    RefTensor rx = ref("activationBackward", x);
    RefTensor ry = ref("activationBackward", y);
    RefTensor rdy = ref("activationBackward", dy);
    RefTensor rdx = ref("activationBackward", dx);
    if (f == ActivationFunction.SOFTMAX) {
      KernelArguments.matrix("softmax backward", "y", y);
      softmaxBackward(ry, rdy, rdx, y.shape().dim(0), y.shape().dim(1));
      return;
    }
    if (rx.floats != null && f == ActivationFunction.RELU) {
      FloatJob job = FloatJob.get();
      job.a = rx.floats;
      job.b = rdy.floats;
      job.c = rdx.floats;
      job.run(rx.floats.length, rx.floats.length,
          (j, from, to) -> FloatLoops.get().reluBackward(j.a, j.b, j.c, from, to));
    } else if (rx.floats != null) {
      Activations.backward(f, (float) alpha, rx.floats, ry.floats, rdy.floats, rdx.floats);
    } else {
      Activations.backward(f, alpha, rx.doubles, ry.doubles, rdy.doubles, rdx.doubles);
    }
  }

  /** dx = y ⊙ (dy − Σⱼ dyⱼ·yⱼ) per row: the softmax Jacobian fᵢ(δᵢⱼ − fⱼ) applied to dy. */
  private static void softmaxBackward(RefTensor y, RefTensor dy, RefTensor dx, int rows, int n) {
    if (y.floats != null) {
      float[] s = y.floats;
      float[] g = dy.floats;
      float[] out = dx.floats;
      for (int i = 0; i < rows; i++) {
        int o = i * n;
        double dot = 0;
        for (int j = 0; j < n; j++) {
          dot += (double) g[o + j] * s[o + j];
        }
        float d = (float) dot;
        for (int j = 0; j < n; j++) {
          out[o + j] = s[o + j] * (g[o + j] - d);
        }
      }
    } else {
      double[] s = y.doubles;
      double[] g = dy.doubles;
      double[] out = dx.doubles;
      for (int i = 0; i < rows; i++) {
        int o = i * n;
        double dot = 0;
        for (int j = 0; j < n; j++) {
          dot += g[o + j] * s[o + j];
        }
        for (int j = 0; j < n; j++) {
          out[o + j] = s[o + j] * (g[o + j] - dot);
        }
      }
    }
  }

  @Override
  public void multiply(Tensor a, Tensor b, Tensor out) {
    KernelArguments.sameShape("multiply", a, b, out);
    RefTensor ra = ref("multiply", a);
    RefTensor rb = ref("multiply", b);
    RefTensor ro = ref("multiply", out);
    if (ra.floats != null) {
      float[] x = ra.floats;
      float[] y = rb.floats;
      float[] z = ro.floats;
      for (int i = 0; i < z.length; i++) {
        z[i] = x[i] * y[i];
      }
    } else {
      double[] x = ra.doubles;
      double[] y = rb.doubles;
      double[] z = ro.doubles;
      for (int i = 0; i < z.length; i++) {
        z[i] = x[i] * y[i];
      }
    }
  }

  @Override
  public void axpy(double alpha, Tensor x, Tensor y) {
    KernelArguments.sameShape("axpy", x, y);
    RefTensor rx = ref("axpy", x);
    RefTensor ry = ref("axpy", y);
    if (rx.floats != null) {
      FloatJob job = FloatJob.get();
      job.a = rx.floats;
      job.b = ry.floats;
      job.scalar = (float) alpha;
      job.run(rx.floats.length, rx.floats.length, (j, from, to) -> FloatLoops.get().axpy(j.scalar, j.a, j.b, from, to));
    } else {
      double[] u = rx.doubles;
      double[] v = ry.doubles;
      for (int i = 0; i < v.length; i++) {
        v[i] += alpha * u[i];
      }
    }
  }

  @Override
  public void scale(Tensor x, double s) {
    RefTensor rx = ref("scale", x);
    if (rx.floats != null) {
      float f = (float) s;
      float[] u = rx.floats;
      for (int i = 0; i < u.length; i++) {
        u[i] *= f;
      }
    } else {
      double[] u = rx.doubles;
      for (int i = 0; i < u.length; i++) {
        u[i] *= s;
      }
    }
  }

  @Override
  public void fill(Tensor t, double value) {
    RefTensor r = ref("fill", t);
    if (r.floats != null) {
      // A step zeroes its gradients before the backward pass adds into them. Split in halves, as Adam splits them and
      // (in whole tiles, 392 + 392 rows for the MLP's 784 × 256) the row-split product Xᵀ·dY, each core clears the
      // lines it wrote last and writes next; cleared by the caller alone, the other core's half crossed between the
      // cores twice. 13 µs instead of 47 for the MLP's gradients on Zen 4, 20 instead of 164 while the host runs the
      // two cores on separate L3 caches.
      FloatJob job = FloatJob.get();
      job.a = r.floats;
      job.scalar = (float) value;
      job.run(r.floats.length, r.floats.length, (j, from, to) -> java.util.Arrays.fill(j.a, from, to, j.scalar));
    } else {
      java.util.Arrays.fill(r.doubles, value);
    }
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    KernelArguments.copy(src, dst);
    RefTensor s = ref("copy", src);
    RefTensor d = ref("copy", dst);
    if (s.floats != null) {
      System.arraycopy(s.floats, 0, d.floats, 0, s.floats.length);
    } else {
      System.arraycopy(s.doubles, 0, d.doubles, 0, s.doubles.length);
    }
  }

  @Override
  public double loss(LossFunction f, Tensor predictions, Tensor targets, Tensor gradient) {
    KernelArguments.present("loss", "the function", f);
    KernelArguments.loss(predictions, targets, gradient);
    RefTensor p = ref("loss", predictions);
    RefTensor t = ref("loss", targets);
    RefTensor g = gradient == null ? null : ref("loss", gradient);
    int rows = predictions.shape().dim(0);
    int cols = predictions.shape().dim(1);
    double eps = predictions.dataType().probabilityEpsilon();
    return p.floats != null
        ? LossLoops.compute(f, rows, cols, eps, p.floats, t.floats, g == null ? null : g.floats)
        : LossLoops.compute(f, rows, cols, eps, p.doubles, t.doubles, g == null ? null : g.doubles);
  }

  @Override
  public void argmaxRows(Tensor m, int[] out) {
    KernelArguments.argmax(m, out);
    RefTensor r = ref("argmaxRows", m);
    int rows = m.shape().dim(0);
    int n = m.shape().dim(1);
    for (int i = 0; i < rows; i++) {
      int best = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double v = r.floats != null ? r.floats[i * n + j] : r.doubles[i * n + j];
        if (v > max) {
          max = v;
          best = j;
        }
      }
      out[i] = best;
    }
  }

  @Override
  public void momentumUpdate(
      Tensor w, Tensor g, Tensor velocity, double learningRate, double momentum, boolean nesterov) {
    KernelArguments.update("momentumUpdate", w, g, velocity);
    RefTensor rw = ref("momentumUpdate", w);
    RefTensor rg = ref("momentumUpdate", g);
    RefTensor rv = ref("momentumUpdate", velocity);
    if (rw.floats != null) {
      Updates.momentum(rw.floats, rg.floats, rv.floats, (float) learningRate, (float) momentum, nesterov);
    } else {
      Updates.momentum(rw.doubles, rg.doubles, rv.doubles, learningRate, momentum, nesterov);
    }
  }

  @Override
  public void adaGradUpdate(Tensor w, Tensor g, Tensor sumSquares, double learningRate, double epsilon) {
    KernelArguments.update("adaGradUpdate", w, g, sumSquares);
    if (!Kernels.flushIsUnseen(w.dataType(), epsilon, 1)) {
      Kernels.super.adaGradUpdate(w, g, sumSquares, learningRate, epsilon); // an ε too small for the loop's flush
      return;
    }
    RefTensor rw = ref("adaGradUpdate", w);
    RefTensor rg = ref("adaGradUpdate", g);
    RefTensor rs = ref("adaGradUpdate", sumSquares);
    if (rw.floats != null) {
      Updates.rmsProp(rw.floats, rg.floats, rs.floats, (float) learningRate, 1f, 1f, (float) epsilon);
    } else {
      Updates.rmsProp(rw.doubles, rg.doubles, rs.doubles, learningRate, 1, 1, epsilon);
    }
  }

  @Override
  public void rmsPropUpdate(Tensor w, Tensor g, Tensor meanSquares, double learningRate, double rho, double epsilon) {
    KernelArguments.update("rmsPropUpdate", w, g, meanSquares);
    if (!Kernels.flushIsUnseen(w.dataType(), epsilon, 1)) {
      Kernels.super.rmsPropUpdate(w, g, meanSquares, learningRate, rho, epsilon); // an ε too small for the flush
      return;
    }
    RefTensor rw = ref("rmsPropUpdate", w);
    RefTensor rg = ref("rmsPropUpdate", g);
    RefTensor rs = ref("rmsPropUpdate", meanSquares);
    if (rw.floats != null) {
      Updates.rmsProp(rw.floats, rg.floats, rs.floats, (float) learningRate, (float) rho, (float) (1 - rho),
          (float) epsilon);
    } else {
      Updates.rmsProp(rw.doubles, rg.doubles, rs.doubles, learningRate, rho, 1 - rho, epsilon);
    }
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
    RefTensor rw = ref("adamUpdate", w);
    RefTensor rg = ref("adamUpdate", g);
    RefTensor rm = ref("adamUpdate", m);
    RefTensor rv = ref("adamUpdate", v);
    if (rw.floats != null) {
      // Bound by its square root and division while its arrays are in cache: a large parameter's elements are split
      // between the cores, each element's update the same whichever core runs it.
      FloatJob job = FloatJob.get();
      job.a = rw.floats;
      job.b = rg.floats;
      job.c = rm.floats;
      job.d = rv.floats;
      float[] k = job.constants;
      k[0] = (float) learningRate;
      k[1] = (float) beta1;
      k[2] = (float) (1 - beta1); // in double: 1 − (float) β is off by up to 2⁻²⁵/(1 − β) of itself
      k[3] = (float) beta2;
      k[4] = (float) (1 - beta2);
      k[5] = (float) epsilon;
      k[6] = (float) (1 / c1);
      k[7] = (float) (1 / c2);
      job.run(rw.floats.length, rw.floats.length, (j, from, to) -> Updates.adam(j.a, j.b, j.c, j.d, from, to,
          j.constants[0], j.constants[1], j.constants[2], j.constants[3], j.constants[4], j.constants[5],
          j.constants[6], j.constants[7]));
    } else {
      Updates.adam(rw.doubles, rg.doubles, rm.doubles, rv.doubles, learningRate, beta1, beta2, epsilon, 1 / c1, 1 / c2);
    }
  }

  // ---------------------------------------------------------------- images: convolution, pooling, per-channel
  //
  // The loops of ImageLoops on the tensors' own arrays, batches split between the cores by samples (im2col, col2im)
  // or by channel planes (pooling), which write disjoint parts of the output.

  private final Map<ConvGeometry, int[]> tapIndices = new ConcurrentHashMap<>();

  /** The geometry's tap index table, computed once per geometry (a network has a few). */
  private int[] taps(ConvGeometry g) {
    int[] index = tapIndices.get(g);
    if (index == null) {
      if (tapIndices.size() > 64) {
        tapIndices.clear();
      }
      index = g.tapIndices();
      tapIndices.put(g, index);
    }
    return index;
  }

  /**
   * The operands of one float loop split between the cores, one per calling thread, filled anew for each call and
   * emptied after it, so that handing the parts to the pool allocates nothing: the loops are lambdas that capture
   * nothing (one object each, made once) and read their arrays from the job, where a capturing lambda would be a new
   * object at every call. The pool's threads only read a job while its caller waits in {@link #run}.
   */
  private static final class FloatJob implements IntConsumer {
    private static final ThreadLocal<FloatJob> OF_THIS_THREAD = ThreadLocal.withInitial(FloatJob::new);
    float[] a;
    float[] b;
    float[] c;
    float[] d;
    float[] e;
    float[] f;
    float[] g;
    float[] h;
    float[] i;
    float[] k;
    double[] sums;
    float scalar;
    /**
     * A loop's scalar operands beyond {@link #scalar}: Adam's rate, β₁, 1 − β₁, β₂, 1 − β₂, ε and the bias corrections'
     * reciprocals.
     */
    final float[] constants = new float[8];
    int n;
    int channels;
    int size;
    ConvGeometry geometry;
    private FloatLoop loop;
    private int count;
    private int parts;

    static FloatJob get() {
      return OF_THIS_THREAD.get();
    }

    /** Runs {@code loop} over [0, count), split between the cores when {@code elements} is large enough. */
    void run(int count, long elements, FloatLoop loop) {
      this.loop = loop;
      this.count = count;
      this.parts = WorkerPool.shared().parts(count, elements);
      try {
        if (parts <= 1) {
          loop.run(this, 0, count);
        } else {
          WorkerPool.shared().invoke(parts, this);
        }
      } finally {
        a = b = c = d = e = f = g = h = i = k = null; // no tensor's storage kept alive by a thread's job
        sums = null;
        geometry = null;
      }
    }

    @Override
    public void accept(int part) {
      loop.run(this, WorkerPool.start(count, part, parts), WorkerPool.start(count, part + 1, parts));
    }
  }

  /** A float loop over the items [from, to) of a job. */
  @FunctionalInterface
  private interface FloatLoop {
    void run(FloatJob job, int from, int to);
  }

  @Override
  public Convolution convolution(ConvGeometry g, int filters) {
    return new BlockedConvolution(engine, g, filters);
  }

  @Override
  public void im2col(Tensor x, ConvGeometry g, Tensor col) {
    int n = KernelArguments.columns("im2col", x, g, col);
    RefTensor rx = ref("im2col", x);
    RefTensor rc = ref("im2col", col);
    WorkerPool.shared().split(n, col.size(), (part, from, to) -> {
      if (rx.floats != null) {
        ImageLoops.im2col(rx.floats, rc.floats, g, n, from, to, 0);
      } else {
        ImageLoops.im2col(rx.doubles, rc.doubles, g, n, from, to, 0);
      }
    });
  }

  @Override
  public void col2im(Tensor col, ConvGeometry g, Tensor x) {
    int n = KernelArguments.columns("col2im", x, g, col);
    RefTensor rx = ref("col2im", x);
    RefTensor rc = ref("col2im", col);
    WorkerPool.shared().split(n, col.size(), (part, from, to) -> {
      if (rx.floats != null) {
        ImageLoops.col2im(rc.floats, rx.floats, g, n, from, to, 0);
      } else {
        ImageLoops.col2im(rc.doubles, rx.doubles, g, n, from, to, 0);
      }
    });
  }

  @Override
  public void swapLeadingAxes(Tensor src, Tensor dst) {
    int a = ImageLoops.checkSwap(src, dst);
    RefTensor rs = ref("swapLeadingAxes", src);
    RefTensor rd = ref("swapLeadingAxes", dst);
    int b = src.shape().dim(1);
    int r = (int) (src.size() / a / b);
    if (rs.floats != null) {
      ImageLoops.swapLeadingAxes(rs.floats, 0, rd.floats, 0, a, b, r);
    } else {
      ImageLoops.swapLeadingAxes(rs.doubles, 0, rd.doubles, 0, a, b, r);
    }
  }

  @Override
  public void maxPool(Tensor x, ConvGeometry g, Tensor y) {
    pool("maxPool", true, x, null, g, y);
  }

  @Override
  public void maxPoolBackward(Tensor x, Tensor dy, ConvGeometry g, Tensor dx) {
    pool("maxPoolBackward", true, x, dy, g, dx);
  }

  @Override
  public void avgPool(Tensor x, ConvGeometry g, Tensor y) {
    pool("avgPool", false, x, null, g, y);
  }

  @Override
  public void avgPoolBackward(Tensor dy, ConvGeometry g, Tensor dx) {
    pool("avgPoolBackward", false, null, dy, g, dx);
  }

  /** Pooling forward (dy null: out is y) or backward (out is dx), over the planes n·C + c split between the cores. */
  private void pool(String kernel, boolean max, Tensor x, Tensor dy, ConvGeometry g, Tensor out) {
    boolean backward = kernel.endsWith("Backward");
    int n = KernelArguments.pool(kernel, g, backward, max, x, dy, out);
    RefTensor rx = x == null ? null : ref(kernel, x);
    RefTensor rd = dy == null ? null : ref(kernel, dy);
    RefTensor ro = ref(kernel, out);
    boolean floats = ro.floats != null;
    long work = (long) n * g.channels() * g.positions() * g.taps();
    if (max && floats && g.tilesBy2x2()) {
      FloatJob job = FloatJob.get();
      job.a = rx.floats;
      job.b = backward ? null : ro.floats;
      job.c = backward ? rd.floats : null;
      job.d = backward ? ro.floats : null;
      job.geometry = g;
      job.run(n * g.channels(), work, (j, from, to) -> TILED_MAX_POOL.pool(j.a, j.b, j.c, j.d, j.geometry, from, to));
      return;
    }
    int[] index = taps(g);
    WorkerPool.shared().split(n * g.channels(), work, (part, from, to) -> {
      if (max && floats) {
        ImageLoops.maxPool(rx.floats, backward ? null : ro.floats, backward ? rd.floats : null,
            backward ? ro.floats : null, g, index, from, to);
      } else if (max) {
        ImageLoops.maxPool(rx.doubles, backward ? null : ro.doubles, backward ? rd.doubles : null,
            backward ? ro.doubles : null, g, index, from, to);
      } else if (floats) {
        ImageLoops.avgPool(rx == null ? null : rx.floats, backward ? null : ro.floats,
            backward ? rd.floats : null, backward ? ro.floats : null, g, index, from, to);
      } else {
        ImageLoops.avgPool(rx == null ? null : rx.doubles, backward ? null : ro.doubles,
            backward ? rd.doubles : null, backward ? ro.doubles : null, g, index, from, to);
      }
    });
  }

  @Override
  public void channelAffine(Tensor x, Tensor scale, Tensor shift, Tensor y) {
    channelAffine("channelAffine", false, x, null, scale, shift, y);
  }

  @Override
  public void channelAffine(Tensor x, Tensor centre, Tensor scale, Tensor shift, Tensor y) {
    channelAffine("channelAffine", false, x, centre, scale, shift, y);
  }

  @Override
  public void channelAffineRelu(Tensor x, Tensor centre, Tensor scale, Tensor shift, Tensor y) {
    if (scale == null || shift == null || ref("channelAffineRelu", x).floats == null) {
      Kernels.super.channelAffineRelu(x, centre, scale, shift, y);
      return;
    }
    channelAffine("channelAffineRelu", true, x, centre, scale, shift, y);
  }

  /**
   * y ← scale·(x − centre) + shift per channel, then ReLU when {@code relu} (floats only: the default runs the
   * doubles').
   */
  private void channelAffine(String kernel, boolean relu, Tensor x, Tensor centre, Tensor scale, Tensor shift,
      Tensor y) {
    int c = KernelArguments.channelMap(kernel, x, scale, shift, y);
    ImageLoops.checkChannelVectors(kernel, x, centre);
    RefTensor rx = ref(kernel, x);
    RefTensor ry = ref(kernel, y);
    RefTensor rk = centre == null ? null : ref(kernel, centre);
    RefTensor rs = scale == null ? null : ref(kernel, scale);
    RefTensor rt = shift == null ? null : ref(kernel, shift);
    int n = x.shape().dim(0);
    int size = (int) (x.size() / n / c);
    if (rx.floats != null) {
      FloatJob job = FloatJob.get();
      job.a = rx.floats;
      job.b = rs == null ? null : rs.floats;
      job.c = rt == null ? null : rt.floats;
      job.d = ry.floats;
      job.e = rk == null ? null : rk.floats;
      job.channels = c;
      job.size = size;
      job.run(n * c, x.size(), relu ? AFFINE_RELU : AFFINE);
    } else {
      ImageLoops.channelAffine(rx.doubles, rk == null ? null : rk.doubles, rs == null ? null : rs.doubles,
          rt == null ? null : rt.doubles, ry.doubles, n, c, size);
    }
  }

  private static final FloatLoop AFFINE = (j, from, to) -> FloatLoops.get().channelAffine(j.a, j.e, j.b, j.c, j.d,
      false, j.channels, j.size, from, to);
  private static final FloatLoop AFFINE_RELU = (j, from, to) -> FloatLoops.get().channelAffine(j.a, j.e, j.b, j.c,
      j.d, true, j.channels, j.size, from, to);

  @Override
  public void channelCombine(Tensor x, Tensor a, Tensor z, Tensor centre, Tensor b, Tensor shift, ReluGate gate,
      Tensor y, Tensor work) {
    int c = KernelArguments.channelCombine(x, a, z, centre, b, shift, gate, y, work);
    RefTensor rx = ref("channelCombine", x);
    if (rx.floats == null) { // a, b and shift are refused null above
      Kernels.super.channelCombine(x, a, z, centre, b, shift, gate, y, work);
      return;
    }
    int n = x.shape().dim(0);
    FloatJob job = FloatJob.get();
    job.a = rx.floats;
    job.b = ref("channelCombine", z).floats;
    job.c = ref("channelCombine", y).floats;
    job.d = ref("channelCombine", a).floats;
    job.e = ref("channelCombine", b).floats;
    job.f = ref("channelCombine", shift).floats;
    job.i = centre == null ? null : ref("channelCombine", centre).floats;
    job.channels = c;
    job.size = (int) (x.size() / n / c);
    job.g = gate == null ? null : ref("channelCombine", gate.scale()).floats;
    job.h = gate == null ? null : ref("channelCombine", gate.shift()).floats;
    job.k = gate == null || gate.centre() == null ? null : ref("channelCombine", gate.centre()).floats;
    job.run(n * c, x.size(), (j, from, to) -> FloatLoops.get().channelCombine(j.a, j.d, j.b, j.i, j.e, j.f, j.k,
        j.g, j.h, j.c, j.channels, j.size, from, to));
  }

  @Override
  public void channelSumsAndProducts(Tensor a, Tensor b, Tensor sums, Tensor products) {
    int c = KernelArguments.channelSums("channelSumsAndProducts", a, b, sums, products);
    if (ref("channelSumsAndProducts", a).floats == null) {
      Kernels.super.channelSumsAndProducts(a, b, sums, products);
    } else {
      centredSums(a, b, null, null, sums, products, c);
    }
  }

  @Override
  public void channelSumsAndProducts(Tensor a, Tensor b, Tensor origin, ReluGate gate, Tensor sums,
      Tensor products, Tensor work) {
    centredSums(a, b, origin, gate, sums, products, KernelArguments.gatedChannelSums(a, b, origin, gate, sums,
        products, work));
  }

  /** The sums of {@link #channelSumsAndProducts(Tensor, Tensor, Tensor, ReluGate, Tensor, Tensor, Tensor)}, checked. */
  private void centredSums(Tensor a, Tensor b, Tensor origin, ReluGate gate, Tensor sums, Tensor products, int c) {
    RefTensor ra = ref("channelSumsAndProducts", a);
    if (ra.floats == null) {
      double[] both = WorkArrays.doubles(2 * c); // [0, c): Σa, [c, 2c): Σa·(b − origin)
      int n = a.shape().dim(0);
      ImageLoops.channelSumsAndProducts(ra.doubles, doubles(b), doubles(origin),
          gate == null ? null : doubles(gate.centre()), gate == null ? null : doubles(gate.scale()),
          gate == null ? null : doubles(gate.shift()), both, n, c, (int) (a.size() / n / c));
      System.arraycopy(both, 0, doubles(sums), 0, c);
      System.arraycopy(both, c, doubles(products), 0, c);
      return;
    }
    double[] both = WorkArrays.doubles(2 * c); // [0, c): Σa, [c, 2c): Σa·(b − origin)
    FloatJob job = FloatJob.get();
    job.a = ra.floats;
    job.b = ref("channelSumsAndProducts", b).floats;
    job.c = origin == null ? null : ref("channelSumsAndProducts", origin).floats;
    job.e = gate == null ? null : ref("channelSumsAndProducts", gate.scale()).floats;
    job.f = gate == null ? null : ref("channelSumsAndProducts", gate.shift()).floats;
    job.k = gate == null || gate.centre() == null ? null : ref("channelSumsAndProducts", gate.centre()).floats;
    overChannels(job, a, c, both, CENTRED_SUMS);
    float[] s = ref("channelSumsAndProducts", sums).floats;
    float[] p = ref("channelSumsAndProducts", products).floats;
    for (int i = 0; i < c; i++) {
      s[i] = (float) both[i];
      p[i] = (float) both[c + i];
    }
  }

  /**
   * {@link FloatLoops#channelSumsAndProducts} of the job's a centred by d and b centred by c (null: not centred), a
   * gated at b about the centre k by the scale e and shift f (null: not gated).
   */
  private static final FloatLoop CENTRED_SUMS = (j, from, to) -> FloatLoops.get().channelSumsAndProducts(j.a, j.d,
      j.b, j.c, j.k, j.e, j.f, j.sums, j.n, j.channels, j.size, from, to);

  /**
   * Runs a per-channel summing loop over the C channels of the [N, C, ...] float tensor x (the job's arrays already
   * set), split between the cores by channel: each channel is summed by one thread, in one order, whatever the split.
   */
  private static void overChannels(FloatJob job, Tensor x, int c, double[] sums, FloatLoop loop) {
    int n = x.shape().dim(0);
    job.sums = sums;
    job.n = n;
    job.channels = c;
    job.size = (int) (x.size() / n / c);
    job.run(c, x.size(), loop);
  }

  /**
   * One pass: the sums of x − k, k each channel's first value (FloatLoops' channelSumsAndProducts), then μ and σ² from
   * them in double; and a second, shifted by μ, for the channels whose first value lay more than 4σ from μ, where
   * σ² = Σ(x − k)²/M − (μ − k)² cancels (1e4 first among 65,535 normal values left σ² 2.6e-6 off, 32 units of
   * float's round-off). Data whose first values lie within 4σ, the usual case, take the one pass.
   */
  @Override
  public void channelMoments(Tensor x, Tensor mean, Tensor variance, Tensor work) {
    int c = KernelArguments.channelMoments(x, mean, variance, work);
    RefTensor rx = ref("channelMoments", x);
    if (rx.floats == null) { // mean and variance are refused null above, and no tensor is empty
      Kernels.super.channelMoments(x, mean, variance, work);
      return;
    }
    int size = (int) (x.size() / x.shape().dim(0) / c);
    float[] k = ref("channelMoments", mean).floats; // each channel's first value, usually within a few σ, until μ
    for (int i = 0; i < c; i++) {
      // 0 for an infinite first value: shifted by it, every x − k were NaN or ±∞ and μ = k + Σ(x − k)/M NaN, not ±∞
      float first = rx.floats[i * size];
      k[i] = Float.isFinite(first) ? first : 0;
    }
    if (shiftedMoments(x, rx, k, ref("channelMoments", variance).floats, c)) {
      shiftedMoments(x, rx, k, ref("channelMoments", variance).floats, c); // about μ now, which k holds
    }
  }

  /**
   * μ ← k + Σ(x − k)/M into k and σ² = Σ(x − k)²/M − (μ − k)² into variance, per channel; whether some channel's
   * shift lay more than 4σ from μ, where the difference loses more than 4 bits to cancellation.
   */
  private static boolean shiftedMoments(Tensor x, RefTensor rx, float[] k, float[] variance, int c) {
    double[] sums = WorkArrays.doubles(2 * c); // [0, c): Σ(x − k), [c, 2c): Σ(x − k)²
    FloatJob job = FloatJob.get();
    job.a = rx.floats;
    job.b = rx.floats;
    job.c = k;
    job.d = k;
    overChannels(job, x, c, sums, CENTRED_SUMS);
    double m = (double) x.size() / c;
    boolean far = false;
    for (int i = 0; i < c; i++) {
      double d = sums[i] / m; //                                      μ − k
      double v = Math.max(0, sums[c + i] / m - d * d); //             σ² = Σ(x − k)²/M − (μ − k)²
      far |= d * d > 16 * v;
      k[i] = (float) (k[i] + d);
      variance[i] = (float) v;
    }
    return far;
  }

  @Override
  public void channelSums(Tensor a, Tensor b, double beta, Tensor out) {
    KernelArguments.sameShape("channelSums", b == null ? a : b, a);
    int c = ImageLoops.checkChannelVectors("channelSums", a, KernelArguments.present("channelSums", "out", out));
    RefTensor ra = ref("channelSums", a);
    RefTensor rb = b == null ? null : ref("channelSums", b);
    RefTensor ro = ref("channelSums", out);
    int n = a.shape().dim(0);
    int size = (int) (a.size() / n / c);
    double[] sums = WorkArrays.doubles(c);
    if (ra.floats != null) {
      FloatJob job = FloatJob.get();
      job.a = ra.floats;
      job.b = rb == null ? null : rb.floats;
      job.sums = sums;
      job.n = n;
      job.channels = c;
      job.size = size;
      job.run(c, a.size(),
          (j, from, to) -> FloatLoops.get().channelSums(j.a, j.b, j.sums, j.n, j.channels, j.size, from, to));
      for (int i = 0; i < c; i++) {
        ro.floats[i] = (float) (sums[i] + (beta == 0 ? 0 : beta * ro.floats[i]));
      }
    } else {
      ImageLoops.channelSums(ra.doubles, rb == null ? null : rb.doubles, sums, n, c, size);
      for (int i = 0; i < c; i++) {
        ro.doubles[i] = sums[i] + (beta == 0 ? 0 : beta * ro.doubles[i]);
      }
    }
  }
}
