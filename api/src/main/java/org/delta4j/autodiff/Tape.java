package org.delta4j.autodiff;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.Window;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Pool2D;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Reverse-mode automatic differentiation over the {@link Kernels} primitives, so it runs on every engine. A pass
 * records each {@link Value} operation in order; {@link #backward} walks the record in reverse, each operation adding
 * its local derivative times the incoming gradient into its operands' gradients — the chain rule
 * ∂E/∂w = ∂E/∂out · ∂out/∂in · ∂in/∂w, node by node — so a value used twice accumulates both contributions.
 * {@link #reset()} starts the next pass, whose n-th operation reuses the n-th operation's tensors of the passes before:
 * a pass of the same expression on a batch size seen before allocates no engine tensor.
 *
 * <p>Leaves are {@link #variable variables} (tracked), {@link #parameter parameters} (tracked; their gradients add
 * into the parameter's) and {@link #constant constants} (untracked: asking for their gradient is an error). A shape
 * that does not fit an operation is an {@link IllegalArgumentException} naming the operation and both shapes. Not
 * thread-safe: one tape per layer, used from one thread at a time.
 */
public final class Tape {
  private final Engine engine;
  private final DataType type;
  private final Kernels k;
  private final List<Slot> slots = new ArrayList<>();
  private final List<Value> values = new ArrayList<>();
  private final Map<Layer, Value> applied = new IdentityHashMap<>(); // each layer's input in this pass
  private final Budget budget;
  private int generation;
  private Tensor zero;

  /**
   * A tape whose tensors are of {@code type} on {@code engine}, holding at most half the JVM's maximum heap of them
   * (see {@link Budget}).
   */
  public Tape(Engine engine, DataType type) {
    this(engine, type, Runtime.getRuntime().maxMemory() / 2);
  }

  /**
   * A tape whose tensors are of {@code type} on {@code engine}, its operations' tensors holding at most
   * {@code budgetBytes} together (see {@link Budget}).
   */
  public Tape(Engine engine, DataType type, long budgetBytes) {
    this.engine = Objects.requireNonNull(engine, "tape: engine is null");
    this.type = Objects.requireNonNull(type, "tape: data type is null");
    this.k = engine.kernels();
    if (budgetBytes <= 0) {
      throw new IllegalArgumentException("tape: the budget of its tensors must be positive, got " + budgetBytes
          + " bytes");
    }
    this.budget = new Budget(budgetBytes);
  }

  /**
   * The bytes a tape's slots hold, their tensors and a fixed {@value Slot#OVERHEAD_BYTES} an operation, against a
   * budget: a forward pass that records without end (a loop whose condition never turns false) would otherwise keep
   * every operation's tensors until the JVM runs out of memory, an error that names nothing. Past the budget the pass
   * ends in an {@link IllegalStateException} that says how many operations it recorded, and the tape lets go of all
   * its tensors so that the memory is free again; the next pass makes them anew. Passes within the budget are
   * unaffected: their slots are kept and reused as before.
   */
  final class Budget {
    private final long limit;
    private long held;

    private Budget(long limit) {
      this.limit = limit;
    }

    /** Charges {@code bytes} for {@code what}, having released {@code released}; past the limit, fails (see above). */
    void charge(long bytes, long released, String what) {
      if (held - released + bytes > limit) {
        long wanted = held - released + bytes;
        int recorded = values.size();
        slots.clear(); // the tensors of this runaway pass go; the pass itself ends with the exception
        values.clear();
        applied.clear();
        held = 0;
        generation++;
        throw new IllegalStateException(String.format(java.util.Locale.ROOT, "the pass recorded %,d operations, "
            + "and %s would bring their tensors to %,d bytes, over the tape's budget of %,d: does the forward pass "
            + "record without end?", recorded, what, wanted, limit));
      }
      held += bytes - released;
    }
  }

  public Engine engine() {
    return engine;
  }

  public DataType dataType() {
    return type;
  }

  int generation() {
    return generation;
  }

  /** Starts a new pass: the values recorded so far may no longer be used; their tensors serve the next pass. */
  public void reset() {
    values.clear();
    applied.clear();
    generation++;
  }

  // ---------------------------------------------------------------- leaves

  /** A tracked input: {@link Value#gradient()} gives ∂E/∂t after {@link #backward}. t is not copied. */
  public Value variable(Tensor t) {
    return leaf("variable", t, true, false, null);
  }

  /** An untracked input: no gradient flows to it, and asking for one is an error. t is not copied. */
  public Value constant(Tensor t) {
    return leaf("constant", t, false, false, null);
  }

  /** An untracked scalar [1, 1], to broadcast against a matrix. */
  public Value constant(double value) {
    Tensor c = nextSlot().get(Slot.OUTPUT, Shape.of(1, 1), engine, type);
    k.fill(c, value);
    return leaf("constant", c, false, false, null);
  }

  /**
   * A trainable parameter: backward adds ∂E/∂p into {@link Parameter#gradient()}, as layers do. A parameter of rank 1
   * [n] appears as the row [1, n], to broadcast over a batch's rows.
   */
  public Value parameter(Parameter p) {
    if (p == null) {
      throw new IllegalArgumentException("parameter: the parameter is null");
    }
    String op = "parameter " + p.name();
    Tensor g = p.gradient();
    if (g == null || p.value() == null || !g.shape().equals(p.value().shape()) || g.dataType() != type) {
      throw new IllegalArgumentException(op + ": its gradient " + (g == null ? "null" : "a " + g.dataType()
          + " tensor " + g.shape()) + " must be a " + type + " tensor of its value's shape " + (p.value() == null
          ? "(the value is null)" : p.value().shape()));
    }
    Value v = leaf(op, row(p.value()), true, true, row(g));
    v.gradientWritten = true;
    return v;
  }

  /** v's tensor as a constant of this pass: a stop-gradient. */
  Value detach(Value v) {
    own("detach", v);
    return constant(v.value);
  }

  /** A tracked input whose gradient backward writes into {@code gradient} (of its shape) instead of adding. */
  Value bound(Tensor value, Tensor gradient) {
    return leaf("variable", value, true, false, gradient);
  }

  private static Tensor row(Tensor t) {
    return t.shape().rank() == 1 ? t.reshape(Shape.of(1, t.shape().dim(0))) : t;
  }

  private Value leaf(String op, Tensor t, boolean tracked, boolean accumulates, Tensor gradient) {
    if (t == null) {
      throw new IllegalArgumentException(op + ": the tensor is null");
    }
    if (t.dataType() != type) { // the kernels check that the tensor is the engine's
      throw new IllegalArgumentException(op + ": a " + t.dataType() + " tensor " + t.shape() + " on a tape of " + type
          + " tensors");
    }
    Slot slot = nextSlot();
    Value v = new Value(this, values.size(), op, t, tracked, accumulates, slot);
    v.gradient = gradient;
    values.add(v);
    return v;
  }

  // ---------------------------------------------------------------- backward

  /** Back-propagates from a scalar [1, 1] value: ∂E/∂E = 1. */
  public void backward(Value root) {
    own("backward", root);
    if (!root.shape().equals(Shape.of(1, 1))) {
      throw new IllegalArgumentException("backward: without a gradient the value must be a scalar [1, 1], got "
          + root.shape());
    }
    backward(root, scalar(1));
  }

  /**
   * Back-propagates {@code seed} = ∂E/∂root through every operation recorded before root, last first: afterwards each
   * tracked value's {@link Value#gradient()} holds ∂E/∂value and each parameter's gradient has ∂E/∂p added. Fails when
   * root was computed without gradient tracking.
   */
  public void backward(Value root, Tensor seed) {
    if (!reaches(root)) {
      throw new IllegalStateException("backward: " + root + " was computed from untracked values only, so nothing "
          + "can be differentiated through it; make what is to be differentiated with Tape.variable or Tape.parameter");
    }
    if (seed == null) {
      throw new IllegalArgumentException("backward: the gradient of " + root + " is null");
    }
    if (!seed.shape().equals(root.shape()) || seed.dataType() != type) {
      throw new IllegalArgumentException("backward: the gradient is a " + seed.dataType() + " tensor " + seed.shape()
          + " but " + root + " is a " + type + " tensor " + root.shape());
    }
    if (seed.engine() != root.value.engine()) { // root's engine, which the tape's may wrap (and make the same tensors)
      throw new IllegalArgumentException("backward: the gradient is a tensor on engine " + seed.engine().name()
          + " but " + root + " is on engine " + root.value.engine().name());
    }
    for (Value v : values) { // past root too: a gradient of an earlier backward is not ∂(this root)/∂v
      v.gradientWritten = v.accumulates;
      if (v.gradientShared) {
        v.gradient = null;
        v.gradientShared = false;
      }
    }
    pass(root, seed);
    for (int i = root.index; i >= 0; i--) {
      Value v = values.get(i);
      if (v.gradientWritten && v.backward != null && v.tracked) {
        v.backward.run(gradient(v));
      }
    }
  }

  /**
   * Whether a gradient from root reaches a variable or a parameter, each value's tracking brought up to date first:
   * a leaf untracked since it was used (a layer's unwanted input) prunes its branch.
   */
  boolean reaches(Value root) {
    own("backward", root);
    for (int i = 0; i <= root.index; i++) {
      Value v = values.get(i);
      if (v.parents != null) {
        v.tracked = v.source;
        for (Value p : v.parents) {
          v.tracked |= p.tracked;
        }
      }
    }
    return root.tracked;
  }

  /** v's gradient, all zero: what is differentiated does not depend on v. */
  Tensor zeroGradient(Value v) {
    if (v.gradientShared) { // another value's tensor, which stays as it is
      v.gradient = null;
      v.gradientShared = false;
    }
    v.gradientWritten = false;
    return gradientOf(v);
  }

  Tensor gradientOf(Value v) {
    own("gradient", v);
    if (!v.tracked) {
      throw new IllegalStateException("gradient: " + v + " was made without gradient tracking (a constant, or "
          + "computed from constants only), so it has no gradient; make it with Tape.variable or Tape.parameter");
    }
    Tensor g = gradient(v);
    if (!v.gradientWritten) {
      k.fill(g, 0); // the value does not reach what was differentiated
      v.gradientWritten = true;
    }
    return g;
  }

  /** The value's gradient tensor, made on first use. */
  private Tensor gradient(Value v) {
    if (v.gradient == null) {
      v.gradient = v.slot.get(Slot.GRADIENT, v.shape(), engine, type);
    }
    return v.gradient;
  }

  /** The value's gradient, to add into: its own tensor, holding what a shared one held. */
  private Tensor writable(Value v) {
    if (v.gradientShared) {
      Tensor own = v.slot.get(Slot.GRADIENT, v.shape(), engine, type);
      k.affine(v.gradient, 1, 0, own);
      v.gradient = own;
      v.gradientShared = false;
    }
    return gradient(v);
  }

  /**
   * Adds c, of v's shape, into v's gradient. c stays as it is until the tape's next pass (an output's gradient, the
   * seed, a layer's input gradient), so a first contribution is taken as it is, without a copy.
   */
  private void pass(Value v, Tensor c) {
    if (v.tracked && !v.gradientWritten && v.gradient == null && c.shape().equals(v.shape())) {
      v.gradient = c;
      v.gradientShared = true;
      v.gradientWritten = true;
    } else {
      give(v, c, false);
    }
  }

  /**
   * Adds what {@code compute} writes, of v's shape, into v's gradient: written there directly by a first
   * contribution, else through a temporary. compute must not read v's gradient.
   */
  private void contribute(Value v, Slot slot, java.util.function.Consumer<Tensor> compute) {
    if (!v.tracked) {
      return;
    }
    if (!v.gradientWritten) {
      compute.accept(gradient(v));
      v.gradientWritten = true;
    } else {
      Tensor t = slot.get(Slot.TEMP, v.shape(), engine, type);
      compute.accept(t);
      give(v, t, false);
    }
  }

  /**
   * Adds ±c into v's gradient (writes it, for the first contribution of a pass). c has v's shape or is v's broadcast
   * to a larger matrix, whose broadcast axes are summed: the derivative of a broadcast is the sum over its copies.
   */
  private void give(Value v, Tensor c, boolean negate) {
    if (!v.tracked) {
      return;
    }
    Tensor part = c;
    Shape s = v.shape();
    if (!negate && s.rank() == 2 && c.shape().rank() == 2 && s.dim(0) == 1 && s.dim(1) == c.shape().dim(1)
        && c.shape().dim(0) > 1) { // a row broadcast over c's rows (a bias): the engine's fused column sums
      k.sumRows(c, v.gradientWritten ? 1 : 0, v.gradientWritten ? writable(v) : gradient(v));
      v.gradientWritten = true;
      return;
    }
    if (!c.shape().equals(s)) {
      part = v.slot.get(Slot.SCRATCH, s, engine, type);
      if (s.dim(0) == 1 && s.dim(1) == 1 && c.shape().dim(0) > 1 && c.shape().dim(1) > 1) {
        Tensor column = v.slot.get(Slot.SMALL, Shape.of(c.shape().dim(0), 1), engine, type);
        k.reduce(ReduceOp.SUM, c, 1, column);
        k.reduce(ReduceOp.SUM, column, 0, part);
      } else {
        k.reduce(ReduceOp.SUM, c, s.dim(0) == 1 && c.shape().dim(0) > 1 ? 0 : 1, part);
      }
    }
    if (!v.gradientWritten) {
      k.affine(part, negate ? -1 : 1, 0, gradient(v));
      v.gradientWritten = true;
    } else {
      Tensor g = writable(v);
      k.binary(negate ? BinaryOp.SUBTRACT : BinaryOp.ADD, g, part, g);
    }
  }

  /** Adds scale·small, broadcast to v's matrix shape, into v's gradient: the derivative of a reduction. */
  private void giveBroadcast(Value v, Tensor small, double scale, Slot slot) {
    if (!v.tracked) {
      return;
    }
    Tensor src = small;
    if (scale != 1) {
      src = slot.get(Slot.SMALL, small.shape(), engine, type);
      k.affine(small, scale, 0, src);
    }
    if (!v.gradientWritten) {
      expand(src, gradient(v));
      v.gradientWritten = true;
    } else {
      Tensor g = writable(v);
      k.binary(BinaryOp.ADD, g, src, g);
    }
  }

  // ---------------------------------------------------------------- operations

  Value binary(String name, BinaryOp op, Value a, Value b) {
    own(name, a, b);
    Shape s = broadcast(name, a.shape(), b.shape());
    Slot slot = nextSlot();
    Tensor av = a.shape().equals(s) ? a.value : expand(a.value, slot.get(Slot.AUX, s, engine, type));
    Tensor out = slot.get(Slot.OUTPUT, s, engine, type);
    if (op == BinaryOp.ADD && av == a.value && s.rank() == 2 && b.shape().isMatrix(1, s.dim(1))) {
      k.copy(a.value, out); //                            a bias: the engine's fused row-vector add
      k.addRowVector(out, b.value);
    } else {
      k.binary(op, av, b.value, out);
    }
    Value y = record(name, out, slot, a, b);
    if (!y.tracked) {
      return y;
    }
    y.backward = switch (op) {
      case ADD -> dy -> { //                              ∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1
        pass(a, dy);
        pass(b, dy);
      };
      case SUBTRACT -> dy -> { //                         ∂(a − b)/∂a = 1, ∂(a − b)/∂b = −1
        pass(a, dy);
        give(b, dy, true);
      };
      case MULTIPLY -> dy -> { //                         ∂(ab)/∂a = b, ∂(ab)/∂b = a
        product(a, s, slot, dy, b.value);
        product(b, s, slot, dy, av);
      };
      case DIVIDE -> dy -> { //                           ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b² = −(a/b)/b
        Tensor t = slot.get(Slot.TEMP, s, engine, type);
        k.binary(BinaryOp.DIVIDE, dy, b.value, t);
        give(a, t, false);
        if (b.tracked) {
          k.binary(BinaryOp.MULTIPLY, t, out, t);
          give(b, t, true);
        }
      };
      case MAX -> dy -> {
        // torch.maximum's derivative: ∂max(a, b)/∂a = [a > b] + w·u, ∂/∂b = [b > a] + w·u, where u = 1 − [a > b] −
        // [b > a] marks ties and NaNs, and w is ½ at a tie (the tied operands share dy, as tied maxima along an axis
        // do) and 1 at a NaN (max is then NaN, and both operands take the whole of dy)
        Tensor w = slot.get(Slot.SMALL, s, engine, type);
        Tensor ga = slot.get(Slot.TEMP, s, engine, type);
        Tensor gb = slot.get(Slot.SCRATCH, s, engine, type);
        notNaN(out, w, ga);
        k.affine(w, -0.5, 1, w); //                         ½ where max is a number, 1 where it is NaN
        k.binary(BinaryOp.GREATER, av, b.value, ga);
        k.binary(BinaryOp.GREATER, out, av, gb); //         [b > a] as [max > a] (only b broadcasts)
        k.binary(BinaryOp.ADD, ga, gb, ga);
        k.affine(ga, -1, 1, ga); //                         u
        k.binary(BinaryOp.MULTIPLY, w, ga, w); //           w·u
        k.binary(BinaryOp.GREATER, av, b.value, ga);
        k.binary(BinaryOp.ADD, ga, w, ga);
        k.binary(BinaryOp.MULTIPLY, dy, ga, ga);
        give(a, ga, false);
        k.binary(BinaryOp.ADD, gb, w, gb);
        k.binary(BinaryOp.MULTIPLY, dy, gb, gb);
        give(b, gb, false);
      };
      default -> throw new IllegalArgumentException(name + ": no derivative for " + op);
    };
    return y;
  }

  /** Adds dy ⊙ other (of shape s) into v's gradient, summed over the axes v was broadcast along. */
  private void product(Value v, Shape s, Slot slot, Tensor dy, Tensor other) {
    if (v.shape().equals(s)) {
      contribute(v, slot, d -> k.binary(BinaryOp.MULTIPLY, dy, other, d));
    } else if (v.tracked) {
      Tensor t = slot.get(Slot.TEMP, s, engine, type);
      k.binary(BinaryOp.MULTIPLY, dy, other, t);
      give(v, t, false);
    }
  }

  Value affine(Value x, double s, double t) {
    own("affine", x);
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, x.shape(), engine, type);
    k.affine(x.value, s, t, out);
    Value y = record("affine", out, slot, x);
    y.backward = dy -> { //                               ∂(s·x + t)/∂x = s
      if (s == 1) {
        pass(x, dy);
      } else {
        contribute(x, slot, d -> k.affine(dy, s, 0, d));
      }
    };
    return y;
  }

  Value unary(String name, UnaryOp f, Value x) {
    own(name, x);
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, x.shape(), engine, type);
    k.unary(f, x.value, out);
    Value y = record(name, out, slot, x);
    y.backward = dy -> contribute(x, slot, d -> {
      switch (f) {
        case EXP -> k.binary(BinaryOp.MULTIPLY, dy, out, d); //    ∂eˣ/∂x = eˣ
        case LOG -> k.binary(BinaryOp.DIVIDE, dy, x.value, d); //  ∂ln x/∂x = 1/x
        case TANH -> k.activationBackward(ActivationFunction.TANH, 0, x.value.asBatchMatrix(),
            out.asBatchMatrix(), dy.asBatchMatrix(), d.asBatchMatrix()); // ∂tanh x/∂x = 1 − tanh² x
        case SIGMOID -> k.activationBackward(ActivationFunction.SIGMOID, 0, x.value.asBatchMatrix(),
            out.asBatchMatrix(), dy.asBatchMatrix(), d.asBatchMatrix()); // ∂σ(x)/∂x = σ(x)(1 − σ(x))
        default -> throw new IllegalArgumentException(name + ": no derivative for " + f);
      }
    });
    return y;
  }

  Value relu(Value x) {
    return activation("relu", ActivationFunction.RELU, 0, x);
  }

  Value leakyRelu(Value x, double alpha) {
    if (!Double.isFinite(alpha)) {
      throw new IllegalArgumentException("leakyRelu: the slope α must be finite, got " + alpha);
    }
    return activation("leakyRelu", ActivationFunction.LEAKY_RELU, alpha, x);
  }

  /**
   * The engine's activation f (with slope alpha) of every element, and its derivative: ReLU's [not x ≤ 0] (1 at NaN,
   * as PyTorch's threshold_backward), leaky ReLU's [x &gt; 0] + α·[not x &gt; 0] (α at 0 and NaN, as PyTorch's).
   */
  private Value activation(String name, ActivationFunction f, double alpha, Value x) {
    own(name, x);
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, x.shape(), engine, type);
    k.activation(f, alpha, x.value.asBatchMatrix(), out.asBatchMatrix());
    Value y = record(name, out, slot, x);
    y.backward = dy -> contribute(x, slot, d -> k.activationBackward(f, alpha, x.value.asBatchMatrix(),
        out.asBatchMatrix(), dy.asBatchMatrix(), d.asBatchMatrix()));
    return y;
  }

  Value matmul(Value a, Value b) {
    own("matmul", a, b);
    if (a.shape().rank() != 2 || b.shape().rank() != 2) { // both named, as the other operations of two operands do
      throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape() + " do not fit: both "
          + "must be matrices (reshape first)");
    }
    if (a.shape().dim(1) != b.shape().dim(0)) {
      throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape() + " do not fit: the "
          + "first has " + a.shape().dim(1) + " columns, the second " + b.shape().dim(0) + " rows");
    }
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, Shape.of(a.shape().dim(0), b.shape().dim(1)), engine, type);
    k.gemm(a.value, false, b.value, false, 1, 0, out);
    Value y = record("matmul", out, slot, a, b);
    y.backward = dy -> {
      if (a.tracked) { //                                 ∂E/∂A = ∂E/∂Y · Bᵀ
        k.gemm(dy, false, b.value, true, 1, a.gradientWritten ? 1 : 0, writable(a));
        a.gradientWritten = true;
      }
      if (b.tracked) { //                                 ∂E/∂B = Aᵀ · ∂E/∂Y
        k.gemm(a.value, true, dy, false, 1, b.gradientWritten ? 1 : 0, writable(b));
        b.gradientWritten = true;
      }
    };
    return y;
  }

  Value reduce(String name, ReduceOp op, Value x, int axis, boolean mean) {
    own(name, x);
    requireMatrix(name, x);
    if (axis != 0 && axis != 1) {
      throw new IllegalArgumentException(name + ": axis must be 0 or 1 for the matrix " + x.shape() + ", got " + axis);
    }
    Shape s = x.shape();
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, axis == 0 ? Shape.of(1, s.dim(1)) : Shape.of(s.dim(0), 1), engine, type);
    k.reduce(op, x.value, axis, out);
    double scale = mean ? 1.0 / s.dim(axis) : 1;
    if (mean) {
      k.affine(out, scale, 0, out);
    }
    Value y = record(name, out, slot, x);
    y.backward = dy -> {
      if (op == ReduceOp.SUM) { //                        ∂(Σᵢ xᵢ)/∂xⱼ = 1, and 1/n for the mean
        giveBroadcast(x, dy, scale, slot);
        return;
      }
      // ∂(maxᵢ xᵢ)/∂xⱼ = [xⱼ = max] / #{i : xᵢ = max}: tied maxima share the gradient, whose sum is then the
      // derivative along any direction that keeps them tied (a common shift has ∂max = 1, not the number of ties)
      // A line holding a NaN has max NaN, equal to none of its elements: 0/0 gives it NaN gradients, as torch.amax
      Tensor share = slot.get(Slot.SMALL, out.shape(), engine, type);
      notNaN(out, share, slot.get(Slot.TEMP, out.shape(), engine, type));
      contribute(x, slot, d -> {
        k.binary(BinaryOp.SUBTRACT, x.value, out, d);
        k.affine(d, -1, 0, d); //                          max − x ≥ 0 (NaN for ∞ − ∞, a tie)
        k.binary(BinaryOp.GREATER, d, scalar(0), d);
        k.affine(d, -1, 1, d); //                          [x = max] where max is a number
        k.binary(BinaryOp.MULTIPLY, d, share, d);
        k.reduce(ReduceOp.SUM, d, axis, share);
        k.binary(BinaryOp.DIVIDE, dy, share, share);
        k.binary(BinaryOp.MULTIPLY, d, share, d);
      });
    };
    return y;
  }

  /** x in the shape of {@code dims}; dimensions that make no shape are named with x's shape, as a misfit is. */
  Value reshape(Value x, int... dims) {
    own("reshape", x);
    Shape shape;
    try {
      shape = Shape.of(dims);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("reshape: cannot reshape " + x.shape() + " to " + java.util.Arrays.toString(
          dims) + ": " + e.getMessage(), e);
    }
    return reshape(x, shape);
  }

  Value reshape(Value x, Shape shape) {
    own("reshape", x);
    if (shape.size() != x.shape().size()) {
      throw new IllegalArgumentException("reshape: cannot reshape " + x.shape() + " (" + x.shape().size()
          + " elements) to " + shape + " (" + shape.size() + ")");
    }
    Slot slot = nextSlot();
    Value y = record("reshape", x.value.reshape(shape), slot, x);
    y.backward = dy -> pass(x, dy.reshape(x.shape())); // the same elements: the identity
    return y;
  }

  Value transpose(Value x) {
    own("transpose", x);
    requireMatrix("transpose", x);
    int m = x.shape().dim(0);
    int n = x.shape().dim(1);
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, Shape.of(n, m), engine, type);
    k.copyWindow(x.value, new Window(0, n, m, 1, n), out, Window.dense(0, n, m));
    Value y = record("transpose", out, slot, x);
    y.backward = dy -> contribute(x, slot, d -> //        ∂E/∂X = (∂E/∂Xᵀ)ᵀ
        k.copyWindow(dy, new Window(0, m, n, 1, m), d, Window.dense(0, m, n)));
    return y;
  }

  Value slice(Value x, int axis, int from, int to) {
    own("slice", x);
    requireMatrix("slice", x);
    Shape s = x.shape();
    if ((axis != 0 && axis != 1) || from < 0 || to <= from || to > s.dim(axis)) {
      throw new IllegalArgumentException("slice: cannot take " + from + ".." + to + " along axis " + axis
          + " of the matrix " + s);
    }
    int n = s.dim(1);
    Window window = axis == 0 ? Window.dense((long) from * n, to - from, n)
        : new Window(from, s.dim(0), to - from, n, 1);
    Window dense = Window.dense(0, window.rows(), window.columns());
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, Shape.of(window.rows(), window.columns()), engine, type);
    k.copyWindow(x.value, window, out, dense);
    Value y = record("slice", out, slot, x);
    y.backward = dy -> contribute(x, slot, d -> { //      the gradient in its place, zero elsewhere
      k.fill(d, 0);
      k.copyWindow(dy, dense, d, window);
    });
    return y;
  }

  /** Matrices joined along axis 0 (one under another) or axis 1 (side by side). */
  public Value concat(int axis, Value... parts) {
    own("concat", parts);
    requireMatrix("concat", parts);
    if (parts.length == 0 || (axis != 0 && axis != 1)) {
      throw new IllegalArgumentException("concat: needs at least one matrix and axis 0 or 1, got " + parts.length
          + " and axis " + axis);
    }
    int other = 1 - axis;
    int total = 0;
    for (Value p : parts) {
      if (p.shape().dim(other) != parts[0].shape().dim(other)) {
        throw new IllegalArgumentException("concat: along axis " + axis + " the shapes " + parts[0].shape() + " and "
            + p.shape() + " must agree in dimension " + other);
      }
      total += p.shape().dim(axis);
    }
    Shape s = axis == 0 ? Shape.of(total, parts[0].shape().dim(1)) : Shape.of(parts[0].shape().dim(0), total);
    Window[] windows = new Window[parts.length];
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      Shape p = parts[i].shape();
      windows[i] = axis == 0 ? Window.dense((long) at * s.dim(1), p.dim(0), p.dim(1))
          : new Window(at, p.dim(0), p.dim(1), total, 1);
      at += p.dim(axis);
    }
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, s, engine, type);
    for (int i = 0; i < parts.length; i++) {
      k.copyWindow(parts[i].value, Window.dense(0, windows[i].rows(), windows[i].columns()), out, windows[i]);
    }
    Value y = record("concat", out, slot, parts);
    y.backward = dy -> { //                               each part's own window of the gradient
      for (int i = 0; i < parts.length; i++) {
        Window w = windows[i];
        contribute(parts[i], slot, d -> k.copyWindow(dy, w, d, Window.dense(0, w.rows(), w.columns())));
      }
    };
    return y;
  }

  /**
   * 2-D convolution in the im2col form, as {@link org.delta4j.nn.layers.Conv2DLayer}: images x [N, C, H, W], kernels
   * w [F, C, kh, kw] seen as the matrix [F, C·kh·kw], Y = W·col(X) put in NCHW order [N, F, oh, ow]; backward
   * dW = dY·col(X)ᵀ and dX = col⁻¹(Wᵀ·dY). The window gives stride, dilation and padding; its kernel must be w's.
   */
  Value conv2d(Value x, Value w, Window2D window) {
    own("conv2d", x, w);
    Objects.requireNonNull(window, "conv2d: the window is null");
    Shape xs = x.shape();
    Shape ws = w.shape();
    if (xs.rank() != 4 || ws.rank() != 4 || ws.dim(1) != xs.dim(1)) {
      throw new IllegalArgumentException("conv2d: the input " + xs + " and the kernels " + ws + " do not fit: they "
          + "must be images [N, C, H, W] and kernels [F, C, kh, kw] of as many channels C");
    }
    if (ws.dim(2) != window.kernelHeight() || ws.dim(3) != window.kernelWidth()) {
      throw new IllegalArgumentException("conv2d: the kernels " + ws + " are " + ws.dim(2) + "×" + ws.dim(3)
          + " but the window is " + window);
    }
    ConvGeometry g = geometry("conv2d", window, xs);
    int n = xs.dim(0);
    int filters = ws.dim(0);
    Slot slot = nextSlot();
    Convolution convolution = slot.convolution(engine, g, filters);
    Tensor weights = w.value.reshape(Shape.of(filters, g.columnRows()));
    Tensor out = slot.get(Slot.OUTPUT, Shape.of(n, filters, g.outputHeight(), g.outputWidth()), engine, type);
    convolution.forward(x.value, weights, out, true); //       Y = W·col(X) in NCHW order
    Value y = record("conv2d", out, slot, x, w);
    y.backward = dy -> {
      Tensor dw = null;
      double beta = 0;
      if (w.tracked) { //                                     ∂E/∂W = dY·col(X)ᵀ
        dw = writable(w).reshape(weights.shape());
        beta = w.gradientWritten ? 1 : 0;
        w.gradientWritten = true;
      }
      if (x.tracked) { //                                     ∂E/∂X = col⁻¹(Wᵀ·dY)
        Tensor gradient = dw;
        double b = beta;
        contribute(x, slot, d -> convolution.backward(dy, weights, b, gradient, d));
      } else if (dw != null) {
        convolution.backward(dy, weights, beta, dw, null);
      }
    };
    return y;
  }

  /** x [N, C, ...] + b[c] for each channel c, b of C elements (a convolution's bias). */
  Value addPerChannel(Value x, Value b) {
    own("addPerChannel", x, b);
    if (x.shape().rank() < 2 || b.shape().size() != x.shape().dim(1)) {
      throw new IllegalArgumentException("addPerChannel: the input " + x.shape() + " and the per-channel values "
          + b.shape() + " do not fit: the input must be [N, C, ...] and the values have C elements");
    }
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, x.shape(), engine, type);
    k.channelAffine(x.value, null, b.value, out);
    Value y = record("addPerChannel", out, slot, x, b);
    y.backward = dy -> {
      pass(x, dy); //                                         ∂(x + b)/∂x = 1
      if (b.tracked) { //                                     ∂E/∂b[c] = Σ over samples and positions of dY[·, c]
        k.channelSums(dy, null, b.gradientWritten ? 1 : 0, writable(b));
        b.gradientWritten = true;
      }
    };
    return y;
  }

  /**
   * Max or average pooling per channel of images x [N, C, H, W], as {@link org.delta4j.nn.layers.Pool2DLayer}: max
   * ignores padding and passes the gradient to each window's maximum (the first on ties); average counts padding as
   * zeros and spreads dY / (kh·kw) over the window.
   */
  Value pool(Value x, Pool2D.Kind kind, Window2D window) {
    String name = kind == Pool2D.Kind.MAX ? "maxPool" : "avgPool";
    own(name, x);
    if (x.shape().rank() != 4) {
      throw new IllegalArgumentException(name + ": needs images [N, C, H, W], got " + x.shape());
    }
    try {
      new Pool2D(null, kind, window); // the kind's own rule: no window over padding alone
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": on " + x.shape() + ", " + e.getMessage(), e);
    }
    ConvGeometry g = geometry(name, window, x.shape());
    Slot slot = nextSlot();
    Tensor out = slot.get(Slot.OUTPUT, Shape.of(x.shape().dim(0), g.channels(), g.outputHeight(), g.outputWidth()),
        engine, type);
    if (kind == Pool2D.Kind.MAX) {
      k.maxPool(x.value, g, out);
    } else {
      k.avgPool(x.value, g, out);
    }
    Value y = record(name, out, slot, x);
    y.backward = dy -> contribute(x, slot, d -> {
      if (kind == Pool2D.Kind.MAX) {
        k.maxPoolBackward(x.value, dy, g, d);
      } else {
        k.avgPoolBackward(dy, g, d);
      }
    });
    return y;
  }

  /** Where the window reads in images of x's shape [N, C, H, W]; a window that does not fit is named with both. */
  private static ConvGeometry geometry(String op, Window2D window, Shape x) {
    try {
      return window.geometry(Shape.of(x.dim(1), x.dim(2), x.dim(3)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(op + ": the window " + window + " does not fit the input " + x + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * A layer as one operation: its forward pass now, its own backward pass (which adds into its parameters' gradients)
   * when the gradient comes back. The output is tracked when x is or the layer has parameters. A layer is applied at
   * most once per pass: it keeps one forward pass for its backward.
   */
  public Value apply(Layer layer, Value x, Mode mode) {
    Objects.requireNonNull(layer, "apply: layer is null");
    own(layer.name(), x);
    Value earlier = applied.putIfAbsent(layer, x);
    if (earlier != null) { // its second forward pass would overwrite the first's output and what backward keeps
      throw new IllegalArgumentException("layer '" + layer.name() + "': already applied in this pass (to " + earlier
          + "); a layer keeps one forward pass for its backward, so each use needs a layer of its own");
    }
    Slot slot = nextSlot();
    Tensor out = layer.forward(x.value, mode);
    // the input's engine, not the tape's, which may be one that wraps it (and makes the same tensors)
    Layer.checkOutput(layer, out, x.shape().dim(0), x.value.engine(), type);
    Value y = record(layer.name(), out, slot, x);
    y.source = !layer.parameters().isEmpty();
    y.tracked |= y.source;
    y.backward = dy -> {
      Tensor dx = layer.backward(dy, x.tracked);
      if (x.tracked) { // a missing or misshapen ∂L/∂x would stop or garble the chain rule here, unseen
        Layer.checkInputGradient(layer, dx, x.shape().dim(0), x.value.engine(), type);
        pass(x, dx);
      }
    };
    return y;
  }

  // ---------------------------------------------------------------- helpers

  private Slot nextSlot() {
    int i = values.size();
    if (slots.size() <= i) {
      slots.add(new Slot(budget));
    }
    return slots.get(i);
  }

  private Value record(String op, Tensor out, Slot slot, Value... parents) {
    boolean tracked = false;
    for (Value p : parents) {
      tracked |= p.tracked;
    }
    Value v = new Value(this, values.size(), op, out, tracked, false, slot);
    v.parents = parents;
    values.add(v);
    return v;
  }

  private void own(String op, Value... operands) {
    if (operands == null) {
      throw new IllegalArgumentException(op + ": the operands are null");
    }
    for (int i = 0; i < operands.length; i++) {
      Value v = operands[i];
      if (v == null) {
        throw new IllegalArgumentException(op + ": operand " + i + " of " + operands.length + " is null");
      }
      if (v.tape != this) {
        throw new IllegalArgumentException(op + ": " + v + " belongs to another tape");
      }
      if (v.generation != generation) {
        throw new IllegalStateException(op + ": " + v + " is from an earlier pass (the tape was reset since)");
      }
    }
  }

  /**
   * Checks what a kind written forward-only returned for this pass: a value of this tape and pass. Another tape's
   * value is not differentiated by this one, and an earlier pass's holds tensors this pass may have overwritten.
   */
  void requireResult(String who, Value v) {
    if (v == null || v.tape != this || v.generation != generation) {
      throw new IllegalStateException(who + " returned " + (v == null ? "null" : v + " of " + (v.tape != this
          ? "another tape" : "an earlier pass (the tape was reset since)")) + ", not a value computed on its tape in "
          + "this pass");
    }
  }

  private static void requireMatrix(String op, Value... operands) {
    for (Value v : operands) {
      if (v.shape().rank() != 2) {
        throw new IllegalArgumentException(op + ": needs a matrix, got " + v.shape() + " (reshape it first)");
      }
    }
  }

  /** The shape a ∘ b has: a's and b's when equal, else for matrices each dimension equal or 1 (broadcast). */
  private static Shape broadcast(String op, Shape a, Shape b) {
    if (a.equals(b)) {
      return a;
    }
    if (a.rank() == 2 && b.rank() == 2) {
      int m = fit(a.dim(0), b.dim(0));
      int n = fit(a.dim(1), b.dim(1));
      if (m > 0 && n > 0) {
        return Shape.of(m, n);
      }
    }
    throw new IllegalArgumentException(op + ": shapes " + a + " and " + b + " do not fit (they must be equal, or "
        + "matrices whose each dimension is equal or 1)");
  }

  private static int fit(int a, int b) {
    return a == b || b == 1 ? a : a == 1 ? b : -1;
  }

  /** out ← x broadcast to out's matrix shape (a strided window that repeats x's row, column or element). */
  private Tensor expand(Tensor x, Tensor out) {
    int m = out.shape().dim(0);
    int n = out.shape().dim(1);
    int rows = x.shape().dim(0);
    int columns = x.shape().dim(1);
    k.copyWindow(x, new Window(0, m, n, rows == 1 ? 0 : columns, columns == 1 ? 0 : 1), out, Window.dense(0, m, n));
    return out;
  }

  /**
   * [x is a number] into out, with half as scratch (both of x's shape): tanh(x) + 2 lies in [1, 3], above its half,
   * for every x but NaN, for which the comparison is false.
   */
  private void notNaN(Tensor x, Tensor out, Tensor half) {
    k.unary(UnaryOp.TANH, x, out);
    k.affine(out, 1, 2, out);
    k.affine(out, 0.5, 0, half);
    k.binary(BinaryOp.GREATER, out, half, out);
  }

  private Tensor scalar(double value) {
    if (value == 0) {
      if (zero == null) {
        zero = engine.tensor(type, Shape.of(1, 1), 0);
      }
      return zero;
    }
    return constant(value).value;
  }

}
