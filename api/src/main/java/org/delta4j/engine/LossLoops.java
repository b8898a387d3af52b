package org.delta4j.engine;

import org.delta4j.spec.LossFunction;

/**
 * The losses and their gradients, per the formulas on {@link LossFunction}, on row-major [rows, cols] Java arrays,
 * computed in double whatever the storage type (loss arrays are small, batch × outputs, so one implementation reads
 * and writes both, an element at a time, with no wrapper to allocate): the reference engine's on its own storage, and
 * another engine's on copies where its own operations cost more per call than such small arrays are worth. One
 * implementation, so that engines that use it agree bit for bit. Thread-safe: its one scratch row is per thread.
 */
public final class LossLoops {
  /**
   * Each thread's three rows of softmax cross-entropy, in double: a row of logits, of targets, and of e^(z − m) (then
   * the gradient); grown to the widest row seen.
   */
  private static final ThreadLocal<double[][]> ROWS = ThreadLocal.withInitial(() -> new double[3][16]);

  private LossLoops() {}

  /**
   * The loss of predictions p against targets t, averaged over the rows, and when g is not null its gradient
   * ∂loss/∂p into g (already divided by the rows); {@code eps} keeps probabilities from 0 and 1 before a log or a
   * division ({@link org.delta4j.tensor.DataType#probabilityEpsilon()}). Each array holds at least rows·cols elements;
   * the caller checks the shapes.
   */
  public static double compute(LossFunction f, int rows, int cols, double eps, float[] p, float[] t, float[] g) {
    return loss(f, rows, cols, eps, p, t, g);
  }

  /** {@link #compute(LossFunction, int, int, double, float[], float[], float[])} in double. */
  public static double compute(LossFunction f, int rows, int cols, double eps, double[] p, double[] t, double[] g) {
    return loss(f, rows, cols, eps, p, t, g);
  }

  /** p, t and g (which may be null) are all float[] or all double[]. */
  private static double loss(LossFunction f, int rows, int cols, double eps, Object p, Object t, Object g) {
    double sum = 0;
    int n = rows * cols;
    switch (f) {
      case SQUARED_ERROR -> { // ½Σ(t − o)² per row; ∂/∂o = o − t
        for (int i = 0; i < n; i++) {
          double d = get(p, i) - get(t, i);
          sum += 0.5 * d * d;
          if (g != null) {
            gradient(g, i, d / rows);
          }
        }
        return sum / rows;
      }
      case MEAN_SQUARED_ERROR -> { // mean of (t − o)² over all N·C; ∂/∂o = 2(o − t)/(N·C)
        for (int i = 0; i < n; i++) {
          double d = get(p, i) - get(t, i);
          sum += d * d;
          if (g != null) {
            gradient(g, i, 2 * d / n);
          }
        }
        return sum / n;
      }
      case BINARY_CROSS_ENTROPY -> { // −[t log o + (1 − t) log(1 − o)]; ∂/∂o = (o − t)/(o(1 − o))
        for (int i = 0; i < n; i++) {
          double o = clamp(get(p, i), eps);
          double y = get(t, i);
          sum -= y * Math.log(o) + (1 - y) * Math.log(1 - o);
          if (g != null) {
            gradient(g, i, (o - y) / (o * (1 - o)) / rows);
          }
        }
        return sum / rows;
      }
      case CATEGORICAL_CROSS_ENTROPY -> { // −Σ t log o; ∂/∂o = −t/o
        for (int i = 0; i < n; i++) {
          double o = clamp(get(p, i), eps); // log o finite, so 0·log o = 0, unless o is NaN: then the loss is NaN
          double y = get(t, i);
          sum -= y * Math.log(o);
          if (g != null) {
            gradient(g, i, -y / o / rows);
          }
        }
        return sum / rows;
      }
      case SOFTMAX_CROSS_ENTROPY -> {
        // −Σ t·log softmax(z), with log softmax(z) = (z − m) − log Σ e^(z − m), m the row's maximum; ∂/∂z =
        // (Σt)·softmax(z) − t. Every term is taken from z − m: the same sum as (Σt)·logsumexp(z) − Σ t·z, whose two
        // terms cancel when |z| is large against the loss (logits of 1e30 round logsumexp to m and the loss to 0).
        // softmax(z) is e^(z − m) / Σ e^(z − m), each exponential kept from the sum: one e^x an element rather than
        // two (a batch of 128 × 10: 17 µs against 48). Each row is widened into double rows first, its gradient
        // written back from one: the loops between then read one type, not an element's type each time (float,
        // 128 × 10: 10 µs against 17, as double took).
        double[][] work = rows(cols);
        double[] z = work[0];
        double[] y = work[1];
        double[] e = work[2];
        for (int r = 0; r < rows; r++) {
          int o = r * cols;
          widen(p, o, z, cols);
          widen(t, o, y, cols);
          double max = Double.NEGATIVE_INFINITY;
          double mass = 0;
          for (int j = 0; j < cols; j++) {
            max = Math.max(max, z[j]);
            mass += y[j];
          }
          double total = 0;
          for (int j = 0; j < cols; j++) {
            double x = Math.exp(z[j] - max);
            e[j] = x;
            total += x;
          }
          double logSum = Math.log(total);
          for (int j = 0; j < cols; j++) {
            sum -= y[j] * (z[j] - max - logSum);
          }
          if (g != null) {
            for (int j = 0; j < cols; j++) {
              e[j] = (mass * (e[j] / total) - y[j]) / rows;
            }
            store(e, g, o, cols);
          }
        }
        return sum / rows;
      }
      case PERCEPTRON -> { // max(0, −t·a); subgradient −t where t·a ≤ 0 (a zero activation is a mistake)
        for (int i = 0; i < n; i++) {
          double margin = get(t, i) * get(p, i);
          sum += Math.max(0, -margin);
          if (g != null) {
            gradient(g, i, margin <= 0 ? -get(t, i) / rows : 0);
          }
        }
        return sum / rows;
      }
      default -> throw new AssertionError(f);
    }
  }

  /** This thread's three rows of {@link #ROWS}, at least {@code cols} long. */
  private static double[][] rows(int cols) {
    double[][] work = ROWS.get();
    if (work[0].length < cols) {
      work = new double[3][cols];
      ROWS.set(work);
    }
    return work;
  }

  /** out[j] ← a[o + j] for j &lt; n, a float[] (widened) or double[]. */
  private static void widen(Object a, int o, double[] out, int n) {
    if (a instanceof float[] f) {
      for (int j = 0; j < n; j++) {
        out[j] = f[o + j];
      }
    } else {
      System.arraycopy((double[]) a, o, out, 0, n);
    }
  }

  /** a[o + j] ← v[j] for j &lt; n, as {@link #gradient} stores each. */
  private static void store(double[] v, Object a, int o, int n) {
    if (a instanceof float[] f) {
      for (int j = 0; j < n; j++) {
        f[o + j] = Subnormals.flush((float) v[j]);
      }
    } else {
      double[] d = (double[]) a;
      for (int j = 0; j < n; j++) {
        d[o + j] = Subnormals.flush(v[j]);
      }
    }
  }

  /** Element i of a float[] or double[], widened. */
  private static double get(Object a, int i) {
    return a instanceof float[] f ? f[i] : ((double[]) a)[i];
  }

  /**
   * Element i of a gradient, float[] (rounded) or double[], set to v, or to 0 where v is below the type's smallest
   * normal number: a softmax's tail underflows there once a network fits its batches (e^(z − m) below 2⁻¹²⁶ in float
   * for logits 87 apart), and x86 multiplies subnormal numbers many times more slowly than others (on Intel a
   * microcode assist each), in every product of the backward pass they would reach. The difference is below 2⁻¹²⁶ (of
   * double, 2⁻¹⁰²²) an element, as with the CPU's flush-to-zero mode, which Java does not set.
   */
  private static void gradient(Object a, int i, double v) {
    if (a instanceof float[] f) {
      f[i] = Subnormals.flush((float) v);
    } else {
      ((double[]) a)[i] = Subnormals.flush(v);
    }
  }

  private static double clamp(double o, double eps) {
    return Math.min(Math.max(o, eps), 1 - eps);
  }
}
