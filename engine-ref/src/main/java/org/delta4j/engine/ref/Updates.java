package org.delta4j.engine.ref;

/** The optimizers' update rules as fused loops: one pass over each parameter (formulas on {@code Kernels}). */
final class Updates {
  private Updates() {}

  /** v ← μv + g; w ← w − α·v, or with Nesterov w ← w − α(g + μv). */
  static void momentum(float[] w, float[] g, float[] v, float rate, float mu, boolean nesterov) {
    for (int i = 0; i < w.length; i++) {
      float vi = mu * v[i] + g[i];
      v[i] = vi;
      w[i] -= rate * (nesterov ? g[i] + mu * vi : vi);
    }
  }

  static void momentum(double[] w, double[] g, double[] v, double rate, double mu, boolean nesterov) {
    for (int i = 0; i < w.length; i++) {
      double vi = mu * v[i] + g[i];
      v[i] = vi;
      w[i] -= rate * (nesterov ? g[i] + mu * vi : vi);
    }
  }

  /** s ← decay·s + gain·g²; w ← w − α·g / (√s + ε). RMSProp: decay ρ, gain 1 − ρ; AdaGrad: both 1. */
  static void rmsProp(float[] w, float[] g, float[] s, float rate, float decay, float gain, float eps) {
    for (int i = 0; i < w.length; i++) {
      float si = decay * s[i] + gain * g[i] * g[i];
      s[i] = si;
      w[i] -= rate * g[i] / ((float) Math.sqrt(si) + eps);
    }
  }

  static void rmsProp(double[] w, double[] g, double[] s, double rate, double decay, double gain, double eps) {
    for (int i = 0; i < w.length; i++) {
      double si = decay * s[i] + gain * g[i] * g[i];
      s[i] = si;
      w[i] -= rate * g[i] / (Math.sqrt(si) + eps);
    }
  }

  /** m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − α(m / c₁) / (√(v / c₂) + ε), cᵢ = 1 − βᵢᵗ. */
  static void adam(
      float[] w, float[] g, float[] m, float[] v, float rate, float b1, float b2, float eps, float c1, float c2) {
    float ob1 = 1 - b1;
    float ob2 = 1 - b2;
    for (int i = 0; i < w.length; i++) {
      float gi = g[i];
      float mi = b1 * m[i] + ob1 * gi;
      float vi = b2 * v[i] + ob2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] -= rate * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps);
    }
  }

  static void adam(
      double[] w, double[] g, double[] m, double[] v, double rate, double b1, double b2, double eps, double c1,
      double c2) {
    double ob1 = 1 - b1;
    double ob2 = 1 - b2;
    for (int i = 0; i < w.length; i++) {
      double gi = g[i];
      double mi = b1 * m[i] + ob1 * gi;
      double vi = b2 * v[i] + ob2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] -= rate * (mi / c1) / (Math.sqrt(vi / c2) + eps);
    }
  }
}
