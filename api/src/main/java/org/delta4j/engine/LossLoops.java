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
  /** Each thread's e^(z − m) of a row of logits (softmax cross-entropy's gradient); grows to the widest row seen. */
  private static final ThreadLocal<double[]> EXPONENTIALS = ThreadLocal.withInitial(() -> new double[16]);

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
        // two (a batch of 128 × 10: 17 µs against 48).
        double[] e = g == null ? null : EXPONENTIALS.get();
        if (e != null && e.length < cols) {
          e = new double[cols];
          EXPONENTIALS.set(e);
        }
        for (int r = 0; r < rows; r++) {
          int o = r * cols;
          double max = Double.NEGATIVE_INFINITY;
          double mass = 0;
          for (int j = 0; j < cols; j++) {
            max = Math.max(max, get(p, o + j));
            mass += get(t, o + j);
          }
          double z = 0;
          for (int j = 0; j < cols; j++) {
            double x = Math.exp(get(p, o + j) - max);
            if (e != null) {
              e[j] = x;
            }
            z += x;
          }
          double logSum = Math.log(z);
          for (int j = 0; j < cols; j++) {
            sum -= get(t, o + j) * (get(p, o + j) - max - logSum);
            if (g != null) {
              gradient(g, o + j, (mass * (e[j] / z) - get(t, o + j)) / rows);
            }
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
