package org.delta4j.engine;

import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The numerical kernels an engine provides, in two parts. The <b>primitives</b> — {@link #gemm}, {@link #unary},
 * {@link #affine}, {@link #binary} (with row and column broadcasting, and the comparison {@link BinaryOp#GREATER}),
 * {@link #select}, {@link #reduce}, {@link #copyWindow}, {@link #fill} and {@link #argmaxRows} — are abstract: every
 * engine implements them, and they know nothing of layers, losses or optimizers. The <b>fused</b> operations —
 * {@link #addRowVector}, {@link #linear}, {@link #sumRows}, {@link #activation}, {@link #activationBackward},
 * {@link #loss}, {@link #multiply}, {@link #axpy}, {@link #scale}, {@link #copy} and the optimizer updates — are
 * {@code default} methods built from the primitives, so an engine that implements only the primitives runs the whole
 * catalogue; an engine overrides a fused operation where it can do it faster (one pass, no temporaries), and the
 * conformance suite holds every engine, primitive and fused, to the reference engine's results.
 *
 * <p>Contract for every method: all tensors belong to this engine and share one {@link org.delta4j.tensor.DataType};
 * "matrix" means rank 2 (callers reshape rank &gt; 2 first); outputs are written in place and must not alias inputs
 * unless the method says so; bad arguments fail with an {@link IllegalArgumentException} naming the kernel and the
 * shapes, or a NullPointerException naming the kernel and the argument ({@link KernelArguments} holds the checks).
 * Arithmetic is done in the tensors' type or wider. The defaults
 * allocate their temporaries through the tensors' engine ({@link org.delta4j.engine.Engine#zeros}). A kernel may use
 * several threads internally but is called from one thread at a time per set of tensors.
 */
public interface Kernels {

  // ---------------------------------------------------------------- primitives

  /**
   * General matrix multiply: C ← α·op(A)·op(B) + β·C, where op(M) is M or Mᵀ per flag. With β = 0, C's previous
   * contents are ignored (even NaN); with α = 0, A and B are not read (C ← β·C, even where they hold NaN), as in BLAS.
   * Shapes: op(A) is [m, k], op(B) is [k, n], C is [m, n]; C must not be A or B
   * nor share storage with them ({@link Tensor#sharesStorage}).
   */
  void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, double alpha, double beta, Tensor c);

  /** y ← f(x), element-wise (formulas on {@link UnaryOp}). x and y have one shape, of any rank; y may be x. */
  void unary(UnaryOp f, Tensor x, Tensor y);

  /**
   * y ← s·x + t, element-wise: scaling, shifting, negation (s = −1) and 1 − x (s = −1, t = 1) in one primitive. x and
   * y have one shape, of any rank; y may be x.
   */
  void affine(Tensor x, double s, double t, Tensor y);

  /**
   * out ← a ∘ b, element-wise (formulas on {@link BinaryOp}), with b broadcast: a and out have one shape; b has that
   * shape too (any rank) or, when out is a matrix [m, n], is a row [1, n] (used for every row), a column [m, 1] (used
   * for every column) or a scalar [1, 1]. out may be a, or b when b has out's shape; a and b may be one tensor.
   */
  void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

  /**
   * out ← mask ≠ 0 ? a : b, element-wise; the mask holds 0 and 1, as {@link BinaryOp#GREATER} writes it, or any
   * values, NaN ≠ 0 among them. All four have one shape, of any rank; out may be any of the others.
   */
  void select(Tensor mask, Tensor a, Tensor b, Tensor out);

  /**
   * Reduces the matrix m [rows, n] along one axis (formulas on {@link ReduceOp}): with axis 0, out [1, n] ←
   * (op over i of m[i, j]) for each column j; with axis 1, out [rows, 1] ← (op over j of m[i, j]) for each row i.
   * Whatever out held is ignored; out must not be m.
   */
  void reduce(ReduceOp op, Tensor m, int axis, Tensor out);

  /**
   * Copies a strided 2-D window of one tensor's elements into a window of another: dst[to(i, j)] ← src[from(i, j)]
   * for every (i, j) of the windows, which have one size and lie inside their tensors (flat, row-major indices; see
   * {@link Window}). Slicing, concatenation, transposition and im2col are all such copies. The destination window
   * must address each element once (a source window may repeat elements) and must not overlap the source window in
   * shared storage; elements outside the destination window are left as they are.
   */
  void copyWindow(Tensor src, Window from, Tensor dst, Window to);

  /** Every element of t ← value. */
  void fill(Tensor t, double value);

  /**
   * Index of the largest element of each row of a matrix, into {@code out} (length ≥ rows); the first on ties. NaN is
   * never the largest: a row of NaN and −∞ alone gives 0.
   */
  void argmaxRows(Tensor m, int[] out);

  // ---------------------------------------------------------------- fused operations, built from the primitives

  /** Broadcast add in place: M[i, j] += v[j] for every row i. M is [rows, n], v has n elements. */
  default void addRowVector(Tensor m, Tensor v) {
    KernelArguments.rowVector("addRowVector", m, v);
    binary(BinaryOp.ADD, m, v.reshape(Shape.of(1, m.shape().dim(1))), m);
  }

  /**
   * A Dense layer's affine map, Y ← X·W + b: X is [N, in], W [in, units], Y [N, units] of storage of its own, and b,
   * when not null, has units elements added to every row. The default multiplies, then adds; an engine may add b in
   * its product's last pass over Y instead of a pass of its own.
   */
  default void linear(Tensor x, Tensor w, Tensor b, Tensor y) {
    KernelArguments.linear(x, w, b, y);
    gemm(x, false, w, false, 1, 0, y);
    if (b != null) {
      addRowVector(y, b);
    }
  }

  /**
   * Column sums: out[j] ← Σᵢ M[i, j] + β·out[j]. M is [rows, n], out has n elements of storage of their own; with
   * β = 0, out's previous contents are ignored.
   */
  default void sumRows(Tensor m, double beta, Tensor out) {
    KernelArguments.sumRows(m, out);
    Tensor row = out.reshape(Shape.of(1, m.shape().dim(1)));
    if (beta == 0) {
      reduce(ReduceOp.SUM, m, 0, row);
      return;
    }
    Tensor sums = like(row);
    reduce(ReduceOp.SUM, m, 0, sums); // Σᵢ M[i, j]
    affine(row, beta, 0, row); //       β·out[j]
    binary(BinaryOp.ADD, row, sums, row);
  }

  /**
   * y ← f(x), element-wise, except softmax, which is taken over the last axis of the matrix x (max-subtracted, so
   * finite for logits of ±1e4). {@code alpha} is leaky ReLU's slope for x &lt; 0 and ignored by the others. x and y
   * have the same shape; y may be x.
   */
  default void activation(ActivationFunction f, double alpha, Tensor x, Tensor y) {
    KernelArguments.present("activation", "the function", f);
    KernelArguments.sameShape("activation", x, y);
    switch (f) {
      case IDENTITY -> {
        if (!y.sharesStorage(x)) { // in place, y already holds x
          copy(x, y);
        }
      }
      case RELU -> { // max(x, 0) as Math.max takes it: 0 for −∞ (not 0·(−∞)), NaN for NaN
        Tensor xm = x.asBatchMatrix();
        binary(BinaryOp.MAX, xm, constant(xm, 0), y.asBatchMatrix());
      }
      case LEAKY_RELU -> rectify(x, alpha, false, x, y);
      case SIGMOID -> unary(UnaryOp.SIGMOID, x, y);
      case TANH -> unary(UnaryOp.TANH, x, y);
      case SOFTMAX -> {
        KernelArguments.matrix("softmax", "x", x);
        // y = e^(x − max x) / Σ e^(x − max x), per row: subtracting the max keeps every exponent ≤ 0.
        Tensor max = like(x, x.shape().dim(0), 1);
        reduce(ReduceOp.MAX, x, 1, max);
        binary(BinaryOp.SUBTRACT, x, max, y);
        unary(UnaryOp.EXP, y, y);
        Tensor sum = like(max);
        reduce(ReduceOp.SUM, y, 1, sum);
        binary(BinaryOp.DIVIDE, y, sum, y);
      }
      default -> throw new IllegalArgumentException("activation: no such function " + f);
    }
  }

  /**
   * dx ← ∂L/∂x given dy = ∂L/∂y, the input x and the output y = f(x): dx = f′(x)·dy element-wise, using y where
   * that is cheaper (sigmoid: y(1 − y); tanh: 1 − y²). ReLU passes 0 where x ≤ 0 and dy elsewhere, NaN included, as
   * {@link ReluGate} opens; leaky ReLU passes dy where x &gt; 0 and α·dy elsewhere, NaN included: both from x, never
   * from y's sign (wrong for α &lt; 0), and both PyTorch's rules (see {@link ActivationFunction}). For softmax, per row,
   * dx = y ⊙ (dy − Σⱼ dyⱼ·yⱼ). All four have one shape; dx may be x, y or dy.
   */
  default void activationBackward(ActivationFunction f, double alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    KernelArguments.present("activationBackward", "the function", f);
    KernelArguments.sameShape("activationBackward", x, y, dy, dx);
    switch (f) {
      case IDENTITY -> {
        if (!dx.sharesStorage(dy)) { // in place, dx already holds dy
          copy(dy, dx);
        }
      }
      case RELU -> rectify(x, 0, true, dy, dx);
      case LEAKY_RELU -> rectify(x, alpha, false, dy, dx);
      case SIGMOID -> {
        Tensor d = like(y);
        affine(y, -1, 1, d); //                  1 − y
        binary(BinaryOp.MULTIPLY, d, y, d); //   y(1 − y)
        binary(BinaryOp.MULTIPLY, d, dy, dx);
      }
      case TANH -> {
        Tensor d = like(y);
        binary(BinaryOp.MULTIPLY, y, y, d); //   y²
        affine(d, -1, 1, d); //                  1 − y²
        binary(BinaryOp.MULTIPLY, d, dy, dx);
      }
      case SOFTMAX -> {
        KernelArguments.matrix("softmax backward", "y", y);
        // dx = y ⊙ (dy − Σⱼ dyⱼ·yⱼ) per row: the softmax Jacobian fᵢ(δᵢⱼ − fⱼ) applied to dy.
        Tensor d = like(y);
        binary(BinaryOp.MULTIPLY, dy, y, d);
        Tensor dot = like(y, y.shape().dim(0), 1);
        reduce(ReduceOp.SUM, d, 1, dot);
        binary(BinaryOp.SUBTRACT, dy, dot, d);
        binary(BinaryOp.MULTIPLY, d, y, dx);
      }
      default -> throw new IllegalArgumentException("activationBackward: no such function " + f);
    }
  }

  /**
   * out ← x &gt; 0 ? v : α·v, element-wise, or x ≤ 0 ? 0 : v when {@code gate}: leaky ReLU and ReLU forward with
   * v = x, and backward with v = dy (the derivative at 0 taken as α, or 0; at NaN α, or 1). ReLU passes nothing where
   * x ≤ 0, not 0·v, which is NaN for an infinite v. Its mask is max(x, 0), 0 exactly where x ≤ 0 and NaN at NaN, which
   * {@link #select} takes as ≠ 0. Reshaped to matrices so that 0 can be a broadcast [1, 1].
   */
  private void rectify(Tensor x, double alpha, boolean gate, Tensor v, Tensor out) {
    Tensor xm = x.asBatchMatrix();
    Tensor vm = v.asBatchMatrix();
    Tensor positive = like(xm);
    binary(gate ? BinaryOp.MAX : BinaryOp.GREATER, xm, constant(xm, 0), positive);
    Tensor scaled = like(vm);
    if (gate) {
      fill(scaled, 0);
    } else {
      affine(vm, alpha, 0, scaled);
    }
    select(positive, vm, scaled, out.asBatchMatrix());
  }

  /** Element-wise product: out ← a ⊙ b. All three have one shape; out may be a or b. */
  default void multiply(Tensor a, Tensor b, Tensor out) {
    KernelArguments.sameShape("multiply", a, b, out);
    binary(BinaryOp.MULTIPLY, a, b, out);
  }

  /** y ← y + α·x, element-wise; x and y have one shape; y may be x. */
  default void axpy(double alpha, Tensor x, Tensor y) {
    KernelArguments.sameShape("axpy", x, y);
    Tensor ax = like(x);
    affine(x, alpha, 0, ax);
    binary(BinaryOp.ADD, y, ax, y);
  }

  /** x ← s·x, element-wise: {@link #affine} in place, which checks x and names itself. */
  default void scale(Tensor x, double s) {
    affine(x, s, 0, x);
  }

  /** dst ← src; same shape, distinct storage. */
  default void copy(Tensor src, Tensor dst) {
    KernelArguments.copy(src, dst);
    Shape s = src.shape();
    Window all = Window.dense(0, s.dim(0), (int) (s.size() / s.dim(0)));
    copyWindow(src, all, dst, all);
  }

  /**
   * The loss of predictions against targets, averaged over the rows (the batch), as defined by {@link LossFunction};
   * when {@code gradient} is not null it receives ∂loss/∂predictions (already divided by the number of rows).
   * predictions, targets and gradient are matrices of one shape; the gradient shares storage with neither of the
   * others (targets may be predictions).
   */
  default double loss(LossFunction f, Tensor predictions, Tensor targets, Tensor gradient) {
    KernelArguments.present("loss", "the function", f);
    KernelArguments.loss(predictions, targets, gradient);
    Tensor p = predictions;
    Tensor t = targets;
    Tensor g = gradient != null ? gradient : like(p);
    int rows = p.shape().dim(0);
    double n = p.size();
    switch (f) {
      case SQUARED_ERROR -> { // ½Σ(o − t)²/N; ∂ = (o − t)/N
        binary(BinaryOp.SUBTRACT, p, t, g);
        double sumSquares = sumOfProducts(g, g);
        affine(g, 1.0 / rows, 0, g);
        return 0.5 * sumSquares / rows;
      }
      case MEAN_SQUARED_ERROR -> { // Σ(o − t)²/(N·C); ∂ = 2(o − t)/(N·C)
        binary(BinaryOp.SUBTRACT, p, t, g);
        double sumSquares = sumOfProducts(g, g);
        affine(g, 2 / n, 0, g);
        return sumSquares / n;
      }
      case BINARY_CROSS_ENTROPY -> { // −Σ[t log o + (1 − t) log(1 − o)]/N; ∂ = (o − t)/(o(1 − o))/N
        Tensor o = clampedProbabilities(p);
        Tensor logO = like(p);
        unary(UnaryOp.LOG, o, logO);
        Tensor notO = like(p);
        affine(o, -1, 1, notO); //                                1 − o
        Tensor logNotO = like(p);
        unary(UnaryOp.LOG, notO, logNotO);
        Tensor notT = like(p);
        affine(t, -1, 1, notT); //                                1 − t
        double sum = sumOfProducts(t, logO) + sumOfProducts(notT, logNotO);
        binary(BinaryOp.MULTIPLY, o, notO, notO); //              o(1 − o)
        binary(BinaryOp.SUBTRACT, o, t, g);
        binary(BinaryOp.DIVIDE, g, notO, g);
        affine(g, 1.0 / rows, 0, g);
        return -sum / rows;
      }
      case CATEGORICAL_CROSS_ENTROPY -> { // −Σ t log o / N; ∂ = −t/o/N
        Tensor o = clampedProbabilities(p);
        Tensor logO = like(p);
        unary(UnaryOp.LOG, o, logO);
        double sum = sumOfProducts(t, logO);
        binary(BinaryOp.DIVIDE, t, o, g);
        affine(g, -1.0 / rows, 0, g);
        return -sum / rows;
      }
      case SOFTMAX_CROSS_ENTROPY -> {
        // log softmax(z) = (z − m) − log Σ e^(z − m), m the row's maximum, is finite for finite z (log of a softmax
        // that underflows would be −∞, and 0·−∞ = NaN). Then loss = −Σ t·log softmax(z) / N, which is
        // (Σt)·logsumexp(z) − Σ t·z per row, and ∂ = ((Σt)·softmax(z) − t)/N.
        Tensor max = like(p, rows, 1);
        reduce(ReduceOp.MAX, p, 1, max);
        Tensor logSoftmax = like(p);
        binary(BinaryOp.SUBTRACT, p, max, logSoftmax); //          z − m
        unary(UnaryOp.EXP, logSoftmax, g);
        Tensor sums = like(max);
        reduce(ReduceOp.SUM, g, 1, sums);
        binary(BinaryOp.DIVIDE, g, sums, g); //                     softmax(z)
        unary(UnaryOp.LOG, sums, sums);
        binary(BinaryOp.SUBTRACT, logSoftmax, sums, logSoftmax);
        double sum = sumOfProducts(t, logSoftmax);
        Tensor mass = like(max);
        reduce(ReduceOp.SUM, t, 1, mass); //                        Σt
        binary(BinaryOp.MULTIPLY, g, mass, g);
        binary(BinaryOp.SUBTRACT, g, t, g);
        affine(g, 1.0 / rows, 0, g);
        return -sum / rows;
      }
      case PERCEPTRON -> { // Σ max(0, −t·a)/N; ∂ = −t/N where t·a ≤ 0 (a zero activation is a mistake), else 0
        Tensor margin = like(p);
        binary(BinaryOp.MULTIPLY, t, p, margin);
        Tensor zero = constant(p, 0);
        Tensor right = like(p);
        binary(BinaryOp.GREATER, margin, zero, right); //           t·a > 0
        affine(margin, -1, 0, margin);
        binary(BinaryOp.MAX, margin, zero, margin); //              max(0, −t·a)
        double sum = total(margin);
        affine(t, -1.0 / rows, 0, g);
        select(right, like(p), g, g);
        return sum / rows;
      }
      default -> throw new IllegalArgumentException("loss: no such function " + f);
    }
  }

  /** o ← min(max(p, ε), 1 − ε), ε the type's probability epsilon: kept away from 0 and 1 before a log or a division. */
  private Tensor clampedProbabilities(Tensor p) {
    double eps = p.dataType().probabilityEpsilon();
    Tensor o = like(p);
    binary(BinaryOp.MAX, p, constant(p, eps), o);
    binary(BinaryOp.MIN, o, constant(p, 1 - eps), o);
    return o;
  }

  /** Σ a ⊙ b over every element of two matrices of one shape. */
  private double sumOfProducts(Tensor a, Tensor b) {
    Tensor product = like(a);
    binary(BinaryOp.MULTIPLY, a, b, product);
    return total(product);
  }

  /** Σ of every element of a matrix: along the rows, then down the column. */
  private double total(Tensor m) {
    Tensor rows = like(m, m.shape().dim(0), 1);
    reduce(ReduceOp.SUM, m, 1, rows);
    Tensor all = like(m, 1, 1);
    reduce(ReduceOp.SUM, rows, 0, all);
    return all.getDouble(0);
  }

  /**
   * Whether a fused update may flush its state to zero below the smallest normal number of {@code type} without
   * changing its steps (arithmetic on subnormal numbers is some hundred times slower on x86, and Java cannot set the
   * CPU's flush-to-zero mode): when, for every such state s, √(scale·s) is below half an ulp of ε, so that
   * √(scale·s) + ε is ε either way (AdaGrad and RMSProp: scale 1; Adam: scale 1/c₂, its bias correction). A first
   * moment m so flushed then moves a weight by less than α·r₁·2^−p·√(smallest normal), p the type's bits of
   * precision. With an ε smaller than that (under 7.3e-12·√scale in FLOAT32; 5.4e-138·√scale in FLOAT64, below any ε
   * a spec accepts) a subnormal state still sets the step — α·g/(√s + ε) with a g of 1e-19 and an ε of 1e-30 is some
   * 3α, against α·g/ε = 10¹¹·α with s flushed — and an engine updates without flushing.
   */
  static boolean flushIsUnseen(DataType type, double epsilon, double scale) {
    // half an ulp of ε is more than ε·2^−(p+1); one bit more for the rounding of ε, of scale·s and of its square root
    return type == DataType.FLOAT32
        ? Math.sqrt(scale * Float.MIN_NORMAL) < epsilon * 0x1p-26
        : Math.sqrt(scale * Double.MIN_NORMAL) < epsilon * 0x1p-55;
  }

  /**
   * Heavy-ball momentum, PyTorch form: v ← μ·v + g; then w ← w − α·v, or with Nesterov w ← w − α·(g + μ·v). All three
   * have one shape; no two share storage (as for every update).
   */
  default void momentumUpdate(Tensor w, Tensor g, Tensor velocity, double learningRate, double momentum,
      boolean nesterov) {
    KernelArguments.update("momentumUpdate", w, g, velocity);
    affine(velocity, momentum, 0, velocity);
    binary(BinaryOp.ADD, velocity, g, velocity); //   v ← μv + g
    if (nesterov) {
      Tensor step = like(g);
      affine(velocity, momentum, 0, step);
      binary(BinaryOp.ADD, step, g, step); //         g + μv
      axpy(-learningRate, step, w);
    } else {
      axpy(-learningRate, velocity, w);
    }
  }

  /** AdaGrad: s ← s + g²; w ← w − (α·g) / (√s + ε), the product first, as PyTorch. All three have one shape. */
  default void adaGradUpdate(Tensor w, Tensor g, Tensor sumSquares, double learningRate, double epsilon) {
    KernelArguments.update("adaGradUpdate", w, g, sumSquares);
    scaledUpdate(w, g, sumSquares, learningRate, 1, 1, epsilon);
  }

  /** RMSProp: s ← ρ·s + (1 − ρ)·g²; w ← w − (α·g) / (√s + ε), the product first. All three have one shape. */
  default void rmsPropUpdate(Tensor w, Tensor g, Tensor meanSquares, double learningRate, double rho,
      double epsilon) {
    KernelArguments.update("rmsPropUpdate", w, g, meanSquares);
    scaledUpdate(w, g, meanSquares, learningRate, rho, 1 - rho, epsilon);
  }

  /**
   * s ← decay·s + gain·g²; w ← w + (−α·g) / (√s + ε): RMSProp, and AdaGrad with decay = gain = 1. The product before
   * the quotient, as PyTorch's addcdiv takes it: α·g overflows (α &gt; 1) or underflows (a subnormal g) as there.
   */
  private void scaledUpdate(Tensor w, Tensor g, Tensor s, double rate, double decay, double gain, double eps) {
    Tensor t = like(g);
    binary(BinaryOp.MULTIPLY, g, g, t);
    affine(s, decay, 0, s);
    axpy(gain, t, s);
    unary(UnaryOp.SQRT, s, t);
    affine(t, 1, eps, t); //                 √s + ε
    Tensor step = like(g);
    affine(g, -rate, 0, step); //            −α·g
    binary(BinaryOp.DIVIDE, step, t, step);
    binary(BinaryOp.ADD, w, step, w);
  }

  /**
   * Adam: m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − α·m̂ / (√v̂ + ε) with m̂ = m / c₁, v̂ = v / c₂, where the
   * bias corrections c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ at step t ≥ 1 are given (computed once per step by the caller).
   * All four tensors have one shape.
   */
  default void adamUpdate(
      Tensor w, Tensor g, Tensor m, Tensor v, double learningRate, double beta1, double beta2, double epsilon,
      double biasCorrection1, double biasCorrection2) {
    KernelArguments.update("adamUpdate", w, g, m, v);
    affine(m, beta1, 0, m);
    axpy(1 - beta1, g, m); //                          m ← β₁m + (1 − β₁)g
    Tensor t = like(g);
    binary(BinaryOp.MULTIPLY, g, g, t);
    affine(v, beta2, 0, v);
    axpy(1 - beta2, t, v); //                          v ← β₂v + (1 − β₂)g²
    affine(v, 1 / biasCorrection2, 0, t);
    unary(UnaryOp.SQRT, t, t);
    affine(t, 1, epsilon, t); //                       √v̂ + ε
    Tensor step = like(g);
    affine(m, 1 / biasCorrection1, 0, step); //        m̂
    binary(BinaryOp.DIVIDE, step, t, step);
    axpy(-learningRate, step, w);
  }

  // ---------------------------------------------------------------- temporaries of the defaults

  /** A new zero tensor of t's engine, type and shape. */
  private static Tensor like(Tensor t) {
    return t.engine().zeros(t.dataType(), t.shape());
  }

  /** A new zero [rows, columns] matrix of t's engine and type. */
  private static Tensor like(Tensor t, int rows, int columns) {
    return t.engine().zeros(t.dataType(), Shape.of(rows, columns));
  }

  /** A new [1, 1] tensor holding value, to broadcast against a matrix in {@link #binary}. */
  private static Tensor constant(Tensor like, double value) {
    return like.engine().tensor(like.dataType(), Shape.of(1, 1), value);
  }


  // ---------------------------------------------------------------- images: convolution, pooling, per-channel
  //
  // Images are NCHW. im2col, col2im, the axis swap and the per-channel operations are built from the primitives
  // (strided window copies, broadcasting binary operations, reductions). Pooling compares and accumulates under
  // overlapping windows, which no copy expresses: its defaults run the loops of ImageLoops on copies of the tensors
  // (toDoubleArray, copyFrom). An engine overrides any of them to work on its own storage in one pass.

  /**
   * A 2-D convolution of images of {@code g} by {@code filters} kernels, with its own work buffers (one per layer or
   * tape operation). The default, {@link ColumnConvolution}, is im2col, one matrix product and an axis swap over the
   * whole batch; an engine overrides it to do the same work in an order that suits its storage.
   */
  default Convolution convolution(ConvGeometry g, int filters) {
    KernelArguments.convolution(g, filters);
    return new ColumnConvolution(this, g, filters);
  }

  /**
   * im2col, which turns a convolution into one matrix product Y = W·col(X): col[c·kh·kw + q, n·P + p] ← the image
   * element x[n, c] that tap q of output position p reads (0 for padding), for x [N, C, H, W] and col
   * [C·kh·kw, N·oh·ow] (P = oh·ow; see {@link ConvGeometry}).
   */
  default void im2col(Tensor x, ConvGeometry g, Tensor col) {
    int n = KernelArguments.columns("im2col", x, g, col);
    fill(col, 0); // padding
    for (int c = 0; c < g.channels(); c++) {
      for (int i = 0; i < g.kernelHeight(); i++) {
        for (int j = 0; j < g.kernelWidth(); j++) {
          long row = ((long) c * g.taps() + i * g.kernelWidth() + j) * n * g.positions();
          for (int s = 0; s < n; s++) {
            Window[] w = g.tapWindows(i, j, (long) (s * g.channels() + c) * g.plane(), row + (long) s * g.positions());
            if (w != null) {
              copyWindow(x, w[0], col, w[1]); // the positions whose tap (i, j) lies inside the image
            }
          }
        }
      }
    }
  }

  /**
   * col2im, the adjoint (transpose) of {@link #im2col}: x ← 0, then every element of col is added into the image
   * element it was gathered from; padding taps are dropped. Shapes as for im2col.
   */
  default void col2im(Tensor col, ConvGeometry g, Tensor x) {
    int n = KernelArguments.columns("col2im", x, g, col);
    fill(x, 0);
    Tensor tap = like(x); // one tap's contributions: its windows cover distinct elements, so a copy places them
    for (int i = 0; i < g.kernelHeight(); i++) {
      for (int j = 0; j < g.kernelWidth(); j++) {
        fill(tap, 0);
        for (int c = 0; c < g.channels(); c++) {
          long row = ((long) c * g.taps() + i * g.kernelWidth() + j) * n * g.positions();
          for (int s = 0; s < n; s++) {
            Window[] w = g.tapWindows(i, j, (long) (s * g.channels() + c) * g.plane(), row + (long) s * g.positions());
            if (w != null) {
              copyWindow(col, w[1], tap, w[0]);
            }
          }
        }
        binary(BinaryOp.ADD, x, tap, x);
      }
    }
  }

  /**
   * dst[j, i, ...] ← src[i, j, ...]: the first two axes swapped, src [a, b, ...] and dst [b, a, ...] of one size;
   * turns a convolution's [F, N, oh·ow] product into [N, F, oh·ow] and back. dst must not be src.
   */
  default void swapLeadingAxes(Tensor src, Tensor dst) {
    int a = ImageLoops.checkSwap(src, dst);
    int b = src.shape().dim(1);
    int r = (int) (src.size() / a / b);
    for (int i = 0; i < a; i++) {
      copyWindow(src, Window.dense((long) i * b * r, b, r), dst, new Window((long) i * r, b, r, (long) a * r, 1));
    }
  }

  /**
   * Max pooling, per channel: y[n, c, y, x] ← the largest x[n, c] under the window at (y, x), padding ignored (the
   * geometry keeps every window over at least one element), as Math.max takes it: NaN where the window holds NaN, +0
   * over −0. x [N, C, H, W], y [N, C, oh, ow], one N; y shares storage with nothing else (as for every pooling pass).
   */
  default void maxPool(Tensor x, ConvGeometry g, Tensor y) {
    int n = KernelArguments.pool("maxPool", g, false, true, x, null, y);
    double[] out = new double[(int) y.size()];
    ImageLoops.maxPool(x.toDoubleArray(), out, null, null, g, g.tapIndices(), 0, n * g.channels());
    y.copyFrom(out);
  }

  /**
   * Max pooling's backward pass: dx ← 0, then each dy[n, c, y, x] is added at the window's maximum in x (the first on
   * ties, −0 tying +0; in a window of −∞ alone its first element inside the image), the only input the output
   * depended on. A window holding NaN, whose maximum is NaN, adds dy at its last NaN in the order of its rows, then
   * columns: PyTorch's max_pool2d's choice, as each NaN it meets takes the index over. x and dx [N, C, H, W], dy
   * [N, C, oh, ow].
   */
  default void maxPoolBackward(Tensor x, Tensor dy, ConvGeometry g, Tensor dx) {
    int n = KernelArguments.pool("maxPoolBackward", g, true, true, x, dy, dx);
    double[] out = new double[(int) dx.size()];
    ImageLoops.maxPool(x.toDoubleArray(), null, dy.toDoubleArray(), out, g, g.tapIndices(), 0, n * g.channels());
    dx.copyFrom(out);
  }

  /**
   * Average pooling, per channel, padding counted as zeros: y[n, c, y, x] ← Σ window / (kh·kw). Shapes as for
   * {@link #maxPool}.
   */
  default void avgPool(Tensor x, ConvGeometry g, Tensor y) {
    int n = KernelArguments.pool("avgPool", g, false, true, x, null, y);
    double[] out = new double[(int) y.size()];
    ImageLoops.avgPool(x.toDoubleArray(), out, null, null, g, g.tapIndices(), 0, n * g.channels());
    y.copyFrom(out);
  }

  /** Average pooling's backward pass: dx ← 0, then dx under each window += dy[n, c, y, x] / (kh·kw). */
  default void avgPoolBackward(Tensor dy, ConvGeometry g, Tensor dx) {
    int n = KernelArguments.pool("avgPoolBackward", g, true, false, null, dy, dx);
    double[] out = new double[(int) dx.size()];
    ImageLoops.avgPool(null, null, dy.toDoubleArray(), out, g, g.tapIndices(), 0, n * g.channels());
    dx.copyFrom(out);
  }

  /**
   * Per-channel affine map: y[n, c, ...] ← scale[c]·x[n, c, ...] + shift[c], for x and y [N, C, ...] of one shape and
   * scale and shift of C elements (null: 1 and 0). Adds a convolution's bias, and normalises a batch. y may be x.
   */
  default void channelAffine(Tensor x, Tensor scale, Tensor shift, Tensor y) {
    int c = KernelArguments.channelMap("channelAffine", x, scale, shift, y);
    int n = x.shape().dim(0);
    Shape rows = Shape.of(n * c, (int) (x.size() / n / c)); // one row per (sample, channel)
    Tensor in = x.reshape(rows);
    Tensor out = y.reshape(rows);
    if (scale != null) {
      binary(BinaryOp.MULTIPLY, in, perRow(scale, n, c), out);
    } else if (!y.sharesStorage(x)) { // y is x, or x reshaped (the shapes are one): nothing to copy
      copy(in, out);
    }
    if (shift != null) {
      binary(BinaryOp.ADD, out, perRow(shift, n, c), out);
    }
  }

  /**
   * Per-channel affine map about a centre: y[n, c, ...] ← scale[c]·(x[n, c, ...] − centre[c]) + shift[c], the
   * difference taken first, for x and y [N, C, ...] of one shape and centre, scale and shift of C elements (null: 0, 1
   * and 0). A batch normalisation γ/√(σ² + ε)·(x − μ) + β: formed from x − μ, it does not cancel when |μ| is large
   * against the spread of x, as scale·x + (shift − scale·μ) does (a constant channel gives β exactly). y may be x.
   */
  default void channelAffine(Tensor x, Tensor centre, Tensor scale, Tensor shift, Tensor y) {
    if (centre == null) {
      channelAffine(x, scale, shift, y);
      return;
    }
    int c = KernelArguments.channelMap("channelAffine", x, scale, shift, y);
    ImageLoops.checkChannelVectors("channelAffine", x, centre);
    int n = x.shape().dim(0);
    Shape rows = Shape.of(n * c, (int) (x.size() / n / c)); // one row per (sample, channel)
    binary(BinaryOp.SUBTRACT, x.reshape(rows), perRow(centre, n, c), y.reshape(rows)); // x − centre
    channelAffine(y, scale, shift, y);
  }

  /**
   * Per-channel affine map about a centre, then ReLU: y[n, c, ...] ← max(scale[c]·(x[n, c, ...] − centre[c]) +
   * shift[c], 0), the two of {@link #channelAffine(Tensor, Tensor, Tensor, Tensor, Tensor)} and {@link #activation}
   * (RELU) in one pass; shapes as for channelAffine, scale and shift required (centre null: 0). A batch normalisation
   * fused with the ReLU after it. y may be x.
   */
  default void channelAffineRelu(Tensor x, Tensor centre, Tensor scale, Tensor shift, Tensor y) {
    if (scale == null || shift == null) {
      throw new IllegalArgumentException("channelAffineRelu: scale and shift are required, got " + scale + " and "
          + shift);
    }
    KernelArguments.channelMap("channelAffineRelu", x, scale, shift, y);
    ImageLoops.checkChannelVectors("channelAffineRelu", x, centre);
    channelAffine(x, centre, scale, shift, y);
    activation(ActivationFunction.RELU, 0, y, y);
  }

  /**
   * Per-channel combination of two tensors: y[n, c, ...] ← a[c]·x[n, c, ...] + b[c]·z[n, c, ...] + shift[c], for x,
   * z, y and work [N, C, ...] of one shape and a, b, shift of C elements. y must not be x or z, nor work any of them.
   * work is scratch the default overwrites (an engine that fuses the pass need not use it, but checks it). The
   * {@link #channelCombine(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, ReluGate, Tensor, Tensor) centred and
   * gated combination} with neither.
   */
  default void channelCombine(Tensor x, Tensor a, Tensor z, Tensor b, Tensor shift, Tensor y, Tensor work) {
    channelCombine(x, a, z, null, b, shift, null, y, work);
  }

  /**
   * Per-channel combination of two tensors, the second about a centre and the first passed by a gate: y[n, c, ...] ←
   * a[c]·g·x[n, c, ...] + b[c]·(z[n, c, ...] − centre[c]) + shift[c], g 1 where the gate (null: always open) is open
   * at z, else x taken as 0, as ReLU's backward pass takes it; x, z, y and work [N, C, ...] of one shape, a, b, shift
   * and centre (null: 0) of C elements. y must not be x or z. A batch normalisation's input gradient in one pass:
   * x its output gradient (the ReLU's, fused with one), z its input, centre μ. The default passes x into work, then
   * combines work in place.
   */
  default void channelCombine(Tensor x, Tensor a, Tensor z, Tensor centre, Tensor b, Tensor shift, ReluGate gate,
      Tensor y, Tensor work) {
    KernelArguments.channelCombine(x, a, z, centre, b, shift, gate, y, work);
    Tensor passed = gate == null ? x : gated(x, z, gate, work);
    channelAffine(z, centre, b, shift, y); //            b·(z − centre) + shift
    channelAffine(passed, a, null, work); //             a·x
    axpy(1, work, y);
  }

  /**
   * Per-channel sums of a and of a·b together: sums[c] ← Σ over n and the positions of a[n, c, ...], products[c] ←
   * Σ of a[n, c, ...]·b[n, c, ...]; a and b [N, C, ...] of one shape, sums and products of C elements, distinct.
   */
  default void channelSumsAndProducts(Tensor a, Tensor b, Tensor sums, Tensor products) {
    KernelArguments.channelSums("channelSumsAndProducts", a, b, sums, products);
    channelSums(a, null, 0, sums);
    channelSums(a, b, 0, products);
  }

  /**
   * Per-channel sums of g·a and of g·a·(b − origin) together: sums[c] ← Σ over n and the positions of g·a[n, c, ...],
   * products[c] ← Σ of g·a[n, c, ...]·(b[n, c, ...] − origin[c]); a, b and work [N, C, ...] of one shape, origin
   * (null: 0), sums and products of C elements; g is 1 where the gate (null: always open) is open at b, else a is
   * taken as 0. A batch normalisation's Σdy and Σdy·(x − μ), which an engine can gather in one pass straight from x.
   * b − origin is formed before the products, not as Σg·a·b − origin·Σg·a, which cancels when |origin| is large
   * against the spread of b (a constant channel's Σdy·(x − μ) must be 0). The default forms it in work (scratch it
   * overwrites), or through a gate, which takes work for the gated a, in a new tensor.
   */
  default void channelSumsAndProducts(Tensor a, Tensor b, Tensor origin, ReluGate gate, Tensor sums,
      Tensor products, Tensor work) {
    KernelArguments.gatedChannelSums(a, b, origin, gate, sums, products, work);
    Tensor passed = gate == null ? a : gated(a, b, gate, work);
    Tensor centred = b;
    if (origin != null) {
      centred = gate == null ? work : like(b);
      channelAffine(b, origin, null, null, centred); //   b − origin
    }
    channelSumsAndProducts(passed, centred, sums, products);
  }

  /**
   * work ← v where the gate is open at z, else 0: ReLU's backward pass at y = max(scale·(z − centre) + shift, 0), the
   * forward pass's output, put in work and given as its input, output and result (ReLU(y) = y, y &gt; 0 where its
   * input was, and the pass is element-wise).
   */
  private Tensor gated(Tensor v, Tensor z, ReluGate gate, Tensor work) {
    KernelArguments.reluGate(z, gate);
    KernelArguments.sameShape("ReluGate", z, work);
    channelAffineRelu(z, gate.centre(), gate.scale(), gate.shift(), work);
    activationBackward(ActivationFunction.RELU, 0, work, work, v, work);
    return work;
  }

  /**
   * Per-channel shift and sums of squares together: y[n, c, ...] ← x[n, c, ...] + shift[c], then squares[c] ← Σ over
   * n and the positions of y[n, c, ...]²; x and y [N, C, ...] of one shape (y may be x), shift and squares of C
   * elements, squares distinct from shift.
   */
  default void channelShiftAndSquares(Tensor x, Tensor shift, Tensor y, Tensor squares) {
    KernelArguments.channelShiftAndSquares(x, shift, y, squares);
    channelAffine(x, null, shift, y);
    channelSums(y, y, 0, squares);
  }

  /**
   * Per-channel mean and biased variance over the samples and positions, M = N·(elements a sample's channel) values
   * a channel: mean[c] ← Σx / M and variance[c] ← Σ(x − μ)² / M, for x and work [N, C, ...] and mean and variance of
   * C elements, work distinct from x and variance from mean. A batch normalisation's statistics. The default takes two
   * passes, the mean and then the squares of x − μ, written to work (scratch it overwrites); an engine may take one pass if its variance stays as accurate
   * when |μ| is large against σ (sums shifted by a value of the channel, not Σx² − M·μ², which cancels).
   */
  default void channelMoments(Tensor x, Tensor mean, Tensor variance, Tensor work) {
    int c = KernelArguments.channelMoments(x, mean, variance, work);
    double m = (double) x.size() / c;
    channelSums(x, null, 0, mean);
    scale(mean, 1 / m); //                              μ = Σx / M
    Tensor negated = like(mean);
    affine(mean, -1, 0, negated);
    channelShiftAndSquares(x, negated, work, variance);
    scale(variance, 1 / m); //                          σ² = Σ(x − μ)² / M
  }

  /** A column [n·c, 1] holding v[k] at row s·c + k: a per-channel vector repeated for each sample (stride 0). */
  private Tensor perRow(Tensor v, int n, int c) {
    Tensor column = like(v, n * c, 1);
    copyWindow(v, new Window(0, n, c, 0, 1), column, Window.dense(0, n, c));
    return column;
  }

  /**
   * Per-channel sums: out[c] ← Σ over n and the positions of a[n, c, ...]·b[n, c, ...] (b null: of a alone)
   * + β·out[c]; a and b [N, C, ...] of one shape, out of C elements. With β = 0 out's previous
   * contents are ignored. A convolution's bias gradient, and a batch's mean and variance.
   */
  default void channelSums(Tensor a, Tensor b, double beta, Tensor out) {
    KernelArguments.sameShape("channelSums", b == null ? a : b, a);
    int c = ImageLoops.checkChannelVectors("channelSums", a, KernelArguments.present("channelSums", "out", out));
    int n = a.shape().dim(0);
    Shape rows = Shape.of(n * c, (int) (a.size() / n / c));
    Tensor terms = a.reshape(rows);
    if (b != null) {
      terms = like(terms);
      binary(BinaryOp.MULTIPLY, a.reshape(rows), b.reshape(rows), terms);
    }
    Tensor perRow = like(a, n * c, 1);
    reduce(ReduceOp.SUM, terms, 1, perRow); //          Σ over positions
    Tensor sums = like(a, 1, c);
    reduce(ReduceOp.SUM, perRow.reshape(Shape.of(n, c)), 0, sums); // Σ over samples
    Tensor o = out.reshape(Shape.of(1, c));
    if (beta == 0) {
      copy(sums, o);
    } else {
      affine(o, beta, 0, o);
      binary(BinaryOp.ADD, o, sums, o);
    }
  }
}
