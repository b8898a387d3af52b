package org.delta4j.autodiff;

import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.spec.Pool2D;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A tensor computed on a {@link Tape}, and the node that records how: every operation here runs its kernels at once
 * and, when any operand is tracked, records its local derivative so that {@link Tape#backward} can apply the chain
 * rule ∂E/∂in = ∂E/∂out · ∂out/∂in. Element-wise operations take operands of one shape, or matrices whose each
 * dimension is equal or 1 (broadcast); axis operations take matrices. A value belongs to one pass of its tape and may
 * not be used after the tape's next {@link Tape#reset()}. Not thread-safe, like its tape.
 */
public final class Value {
  final Tape tape;
  final int generation;
  final int index;
  final boolean accumulates;
  final String op;
  final Tensor value;
  final Slot slot;
  boolean tracked;
  Value[] parents; //   the operands of the operation that made it; null for a leaf
  boolean source; //    tracked whatever its operands (a layer with parameters)
  Backward backward;
  Tensor gradient;
  boolean gradientWritten;
  boolean gradientShared; // gradient is another value's gradient (or the seed), to be copied before a write

  /** How a recorded operation passes its output's gradient on to its operands. */
  @FunctionalInterface
  interface Backward {
    void run(Tensor outputGradient);
  }

  Value(Tape tape, int index, String op, Tensor value, boolean tracked, boolean accumulates, Slot slot) {
    this.tape = tape;
    this.generation = tape.generation();
    this.index = index;
    this.accumulates = accumulates;
    this.op = op;
    this.value = value;
    this.tracked = tracked;
    this.slot = slot;
  }

  /** The computed tensor; owned by the tape, valid until the tape's next pass over this operation. */
  public Tensor value() {
    return value;
  }

  public Shape shape() {
    return value.shape();
  }

  /** The tape this value is recorded on. */
  public Tape tape() {
    return tape;
  }

  /** The same tensor as a constant of the tape: no gradient flows back through it (a stop-gradient). */
  public Value detach() {
    return tape.detach(this);
  }

  /** Whether gradients flow to this value: it is a variable or parameter, or computed from one. */
  public boolean tracked() {
    return tracked;
  }

  /**
   * ∂E/∂this after {@link Tape#backward}: zero when this value does not reach the differentiated one. A value made
   * without gradient tracking (a constant, or computed from constants only) has no gradient: asking is an error.
   */
  public Tensor gradient() {
    return tape.gradientOf(this);
  }

  // ---------------------------------------------------------------- arithmetic, with broadcasting

  public Value add(Value b) {
    return tape.binary("add", BinaryOp.ADD, this, b);
  }

  public Value subtract(Value b) {
    return tape.binary("subtract", BinaryOp.SUBTRACT, this, b);
  }

  public Value multiply(Value b) {
    return tape.binary("multiply", BinaryOp.MULTIPLY, this, b);
  }

  public Value divide(Value b) {
    return tape.binary("divide", BinaryOp.DIVIDE, this, b);
  }

  /**
   * Element-wise max(this, b) (NaN where either is NaN), differentiated as torch.maximum: tied operands share the
   * gradient, and where either is NaN both take all of it.
   */
  public Value max(Value b) {
    return tape.binary("max", BinaryOp.MAX, this, b);
  }

  /** s·this + t, element-wise. */
  public Value affine(double s, double t) {
    return tape.affine(this, s, t);
  }

  public Value multiply(double s) {
    return affine(s, 0);
  }

  public Value add(double t) {
    return affine(1, t);
  }

  public Value negate() {
    return affine(-1, 0);
  }

  /** The matrix product this·b: [m, k]·[k, n] → [m, n]. */
  public Value matmul(Value b) {
    return tape.matmul(this, b);
  }

  // ---------------------------------------------------------------- element-wise functions

  public Value exp() {
    return tape.unary("exp", UnaryOp.EXP, this);
  }

  public Value log() {
    return tape.unary("log", UnaryOp.LOG, this);
  }

  public Value tanh() {
    return tape.unary("tanh", UnaryOp.TANH, this);
  }

  public Value sigmoid() {
    return tape.unary("sigmoid", UnaryOp.SIGMOID, this);
  }

  /** max(0, x); its derivative is 0 where x ≤ 0 and 1 elsewhere, NaN included, as PyTorch's relu. */
  public Value relu() {
    return tape.relu(this);
  }

  /** Leaky ReLU, x where x &gt; 0 and α·x elsewhere, for a finite slope α, differentiated as PyTorch's leaky_relu. */
  public Value leakyRelu(double alpha) {
    return tape.leakyRelu(this, alpha);
  }

  // ---------------------------------------------------------------- reductions of a matrix

  /** Σ along an axis of a matrix: axis 0 gives a row [1, n], axis 1 a column [m, 1]. */
  public Value sum(int axis) {
    return tape.reduce("sum", ReduceOp.SUM, this, axis, false);
  }

  /** The mean along an axis of a matrix, shaped as {@link #sum(int)}. */
  public Value mean(int axis) {
    return tape.reduce("mean", ReduceOp.SUM, this, axis, true);
  }

  /**
   * The maximum along an axis of a matrix; tied maxima share the gradient equally, so that a shift common to them has
   * the derivative 1. A line holding a NaN has the maximum NaN and NaN gradients, as torch.amax.
   */
  public Value max(int axis) {
    return tape.reduce("max", ReduceOp.MAX, this, axis, false);
  }

  /** Σ of every element of a matrix, as [1, 1]. */
  public Value sum() {
    return sum(1).sum(0);
  }

  /** The mean of every element of a matrix, as [1, 1]. */
  public Value mean() {
    return mean(1).mean(0);
  }

  // ---------------------------------------------------------------- images [N, C, H, W]

  /**
   * The 2-D convolution of these images [N, C, H, W] with the kernels [F, C, kh, kw] over {@code window} (stride,
   * dilation, padding; its kernel size must be the kernels'), as {@link org.delta4j.spec.Conv2D} without its bias:
   * [N, F, oh, ow].
   */
  public Value conv2d(Value kernels, Window2D window) {
    return tape.conv2d(this, kernels, window);
  }

  /** this [N, C, ...] + b[c] in every channel c, for b of C elements ([C] or the row [1, C]): a per-filter bias. */
  public Value addPerChannel(Value b) {
    return tape.addPerChannel(this, b);
  }

  /** Max pooling per channel of images [N, C, H, W] over {@code window}, as {@link Pool2D}; at ties the first wins. */
  public Value maxPool(Window2D window) {
    return tape.pool(this, Pool2D.Kind.MAX, window);
  }

  /** Average pooling per channel of images [N, C, H, W] over {@code window} (padding counts as zeros). */
  public Value avgPool(Window2D window) {
    return tape.pool(this, Pool2D.Kind.AVERAGE, window);
  }

  // ---------------------------------------------------------------- shapes

  /** The same elements in another shape of the same size. */
  public Value reshape(int... dims) {
    return tape.reshape(this, dims);
  }

  /** [N, the rest]: the first axis kept, the others flattened. */
  public Value flatten() {
    return tape.reshape(this, shape().flattenPastBatch());
  }

  /** The transpose of a matrix. */
  public Value transpose() {
    return tape.transpose(this);
  }

  /** Rows (axis 0) or columns (axis 1) from {@code from} (inclusive) to {@code to} (exclusive) of a matrix. */
  public Value slice(int axis, int from, int to) {
    return tape.slice(this, axis, from, to);
  }

  @Override
  public String toString() {
    return op + " " + shape();
  }
}
