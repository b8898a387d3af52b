package org.delta4j.engine.ref;

import static org.delta4j.engine.Subnormals.flush;

import org.delta4j.engine.ref.gemm.MatrixMultiply;

/**
 * The optimizers' update rules as fused loops: one pass over each parameter (formulas on {@code Kernels}). The
 * optimizers' state decays geometrically where a gradient is zero (a pixel that is always blank, a dead unit), into
 * subnormal numbers after some hundreds of steps; x86 computes with those some hundred times slower, and Java cannot
 * set the CPU's flush-to-zero mode, so the state is flushed to zero below the smallest normal number instead. For
 * AdaGrad, RMSProp and Adam that changes no step where ε hides a subnormal state, which the engine checks before each
 * update ({@code Kernels.flushIsUnseen}), taking the unflushed default update where it does not; momentum's velocity
 * so flushed moves a weight by less than α times the smallest normal number.
 */
final class Updates {
  private Updates() {}

  /** v ← μv + g; w ← w − α·v, or with Nesterov w ← w − α(g + μv). */
  static void momentum(float[] w, float[] g, float[] v, float rate, float mu, boolean nesterov) {
    for (int i = 0; i < w.length; i++) {
      float vi = flush(mu * v[i] + g[i]);
      v[i] = vi;
      w[i] -= rate * (nesterov ? g[i] + mu * vi : vi);
    }
  }

  static void momentum(double[] w, double[] g, double[] v, double rate, double mu, boolean nesterov) {
    for (int i = 0; i < w.length; i++) {
      double vi = flush(mu * v[i] + g[i]);
      v[i] = vi;
      w[i] -= rate * (nesterov ? g[i] + mu * vi : vi);
    }
  }

  /** s ← decay·s + gain·g²; w ← w − α·g / (√s + ε). RMSProp: decay ρ, gain 1 − ρ; AdaGrad: both 1. */
  static void rmsProp(float[] w, float[] g, float[] s, float rate, float decay, float gain, float eps) {
    for (int i = 0; i < w.length; i++) {
      float si = flush(decay * s[i] + gain * g[i] * g[i]);
      s[i] = si;
      w[i] -= rate * g[i] / ((float) Math.sqrt(si) + eps);
    }
  }

  static void rmsProp(double[] w, double[] g, double[] s, double rate, double decay, double gain, double eps) {
    for (int i = 0; i < w.length; i++) {
      double si = flush(decay * s[i] + gain * g[i] * g[i]);
      s[i] = si;
      w[i] -= rate * g[i] / (Math.sqrt(si) + eps);
    }
  }

  /**
   * Adam, as in the scalar loop below, over elements [from, to) of a float parameter; {@code ob1}, {@code ob2} are
   * 1 − β₁ and 1 − β₂ taken in double and rounded (1 − (float) β is off by up to 2⁻²⁵/(1 − β) of itself: by 1.3e-5 for
   * β = 0.999), {@code r1}, {@code r2} the reciprocals of the bias corrections c₁, c₂.
   */
  interface FloatAdam {
    void apply(float[] w, float[] g, float[] m, float[] v, int from, int to, float rate, float b1, float ob1, float b2,
        float ob2, float eps, float r1, float r2);
  }

  /** Vectorised where the Vector API is (square root and division dominate Adam, and scalar they take ~10 cycles). */
  private static final FloatAdam FLOAT_ADAM = vectorAdam();

  private static FloatAdam vectorAdam() {
    if (!MatrixMultiply.vectorApi()) {
      return Updates::scalarAdam;
    }
    try {
      return (FloatAdam) Class.forName(Updates.class.getPackageName() + ".VectorAdam").getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Vector API Adam update", e);
    }
  }

  /** Adam over elements [from, to), on the vector loop where there is one. */
  static void adam(float[] w, float[] g, float[] m, float[] v, int from, int to, float rate, float b1, float ob1,
      float b2, float ob2, float eps, float r1, float r2) {
    FLOAT_ADAM.apply(w, g, m, v, from, to, rate, b1, ob1, b2, ob2, eps, r1, r2);
  }

  /**
   * m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − α·m̂ / (√v̂ + ε) with m̂ = m·r₁, v̂ = v·r₂, where rᵢ = 1 / cᵢ
   * and cᵢ = 1 − βᵢᵗ: the bias corrections applied as products, as {@code Kernels.adamUpdate}'s default does, so that
   * each element costs one square root and one division (each some ten cycles a vector, which bound the loop). One
   * element at a time: where the Vector API is, {@code adam} runs the vector loop instead, and this is its tail.
   */
  static void scalarAdam(float[] w, float[] g, float[] m, float[] v, int from, int to, float rate, float b1,
      float ob1, float b2, float ob2, float eps, float r1, float r2) {
    for (int i = from; i < to; i++) {
      float gi = g[i];
      float mi = flush(b1 * m[i] + ob1 * gi);
      float vi = flush(b2 * v[i] + ob2 * gi * gi);
      m[i] = mi;
      v[i] = vi;
      w[i] -= rate * (mi * r1 / ((float) Math.sqrt(vi * r2) + eps));
    }
  }

  static void adam(
      double[] w, double[] g, double[] m, double[] v, double rate, double b1, double b2, double eps, double r1,
      double r2) {
    double ob1 = 1 - b1;
    double ob2 = 1 - b2;
    for (int i = 0; i < w.length; i++) {
      double gi = g[i];
      double mi = flush(b1 * m[i] + ob1 * gi);
      double vi = flush(b2 * v[i] + ob2 * gi * gi);
      m[i] = mi;
      v[i] = vi;
      w[i] -= rate * (mi * r1 / (Math.sqrt(vi * r2) + eps));
    }
  }
}
