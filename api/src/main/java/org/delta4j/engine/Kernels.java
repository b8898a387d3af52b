package org.delta4j.engine;

import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.Tensor;

/**
 * The numerical kernels an engine provides. Every layer, loss and optimizer in {@code api} is written against these,
 * so an engine that implements them runs the whole catalogue; the conformance suite holds each engine to the
 * reference engine's results.
 *
 * <p>Contract for every method: all tensors belong to this engine and share one {@link
 * org.delta4j.tensor.DataType}; "matrix" means rank 2 (callers reshape rank &gt; 2 first); outputs are written in
 * place and must not alias inputs unless the method says so. Arithmetic is done in the tensors' type. A kernel may
 * use several threads internally but is called from one thread at a time per set of tensors.
 */
public interface Kernels {

  /**
   * General matrix multiply: C ← α·op(A)·op(B) + β·C, where op(M) is M or Mᵀ per flag. With β = 0, C's previous
   * contents are ignored (even NaN). Shapes: op(A) is [m, k], op(B) is [k, n], C is [m, n].
   */
  void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, double alpha, double beta, Tensor c);

  /** Broadcast add in place: M[i, j] += v[j] for every row i. M is [rows, n], v has n elements. */
  void addRowVector(Tensor m, Tensor v);

  /** Column sums: out[j] ← Σᵢ M[i, j] + β·out[j]. M is [rows, n], out has n elements. */
  void sumRows(Tensor m, double beta, Tensor out);

  /**
   * y ← f(x), element-wise, except softmax, which is taken over the last axis of the matrix x (max-subtracted, so
   * finite for logits of ±1e4). {@code alpha} is leaky ReLU's slope for x &lt; 0 and ignored by the others. x and y
   * have the same shape; y may be x.
   */
  void activation(ActivationFunction f, double alpha, Tensor x, Tensor y);

  /**
   * dx ← ∂L/∂x given dy = ∂L/∂y, the input x and the output y = f(x): dx = f′(x)·dy element-wise, using y where
   * that is cheaper (sigmoid: y(1 − y); tanh: 1 − y²); ReLU's derivative at 0 is 0. For softmax, per row,
   * dx = y ⊙ (dy − Σⱼ dyⱼ·yⱼ).
   */
  void activationBackward(ActivationFunction f, double alpha, Tensor x, Tensor y, Tensor dy, Tensor dx);

  /** Element-wise product: out ← a ⊙ b. out may be a or b. */
  void multiply(Tensor a, Tensor b, Tensor out);

  /** y ← y + α·x, element-wise. */
  void axpy(double alpha, Tensor x, Tensor y);

  /** x ← s·x, element-wise. */
  void scale(Tensor x, double s);

  /** Every element of t ← value. */
  void fill(Tensor t, double value);

  /** dst ← src; same shape. */
  void copy(Tensor src, Tensor dst);

  /**
   * The loss of predictions against targets, averaged over the rows (the batch), as defined by {@link LossFunction};
   * when {@code gradient} is not null it receives ∂loss/∂predictions (already divided by the number of rows).
   * predictions, targets and gradient are matrices of one shape.
   */
  double loss(LossFunction f, Tensor predictions, Tensor targets, Tensor gradient);

  /** Index of the largest element of each row of a matrix, into {@code out} (length ≥ rows); the first on ties. */
  void argmaxRows(Tensor m, int[] out);

  /**
   * Heavy-ball momentum, PyTorch form: v ← μ·v + g; then w ← w − α·v, or with Nesterov w ← w − α·(g + μ·v).
   */
  void momentumUpdate(Tensor w, Tensor g, Tensor velocity, double learningRate, double momentum, boolean nesterov);

  /** AdaGrad: s ← s + g²; w ← w − α·g / (√s + ε). */
  void adaGradUpdate(Tensor w, Tensor g, Tensor sumSquares, double learningRate, double epsilon);

  /** RMSProp: s ← ρ·s + (1 − ρ)·g²; w ← w − α·g / (√s + ε). */
  void rmsPropUpdate(Tensor w, Tensor g, Tensor meanSquares, double learningRate, double rho, double epsilon);

  /**
   * Adam: m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − α·m̂ / (√v̂ + ε) with m̂ = m / c₁, v̂ = v / c₂, where the
   * bias corrections c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ at step t ≥ 1 are given (computed once per step by the caller).
   */
  void adamUpdate(
      Tensor w, Tensor g, Tensor m, Tensor v, double learningRate, double beta1, double beta2, double epsilon,
      double biasCorrection1, double biasCorrection2);
}
