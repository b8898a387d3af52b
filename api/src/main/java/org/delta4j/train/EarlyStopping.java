package org.delta4j.train;

/**
 * Stops training when {@code metric} has not improved by more than {@code minDelta} for {@code patience} epochs in a
 * row, and when {@code restoreBest} puts back the weights of the best epoch, with its buffers (batch norm's running
 * statistics). Immutable.
 */
public record EarlyStopping(Metric metric, int patience, double minDelta, boolean restoreBest) {
  public EarlyStopping {
    if (metric == null) {
      throw new IllegalArgumentException("early stopping needs a metric to monitor");
    }
    if (patience < 1) {
      throw new IllegalArgumentException("early stopping patience must be at least 1 epoch, got " + patience);
    }
    if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
      throw new IllegalArgumentException("early stopping minDelta must be ≥ 0 and finite, got " + minDelta);
    }
  }

  /** Patience as given, no minimum improvement, and the best weights restored. */
  public static EarlyStopping on(Metric metric, int patience) {
    return new EarlyStopping(metric, patience, 0, true);
  }

  /** Whether {@code value} improves on {@code best} by more than minDelta. */
  boolean improves(double value, double best) {
    if (Double.isNaN(best)) {
      return !Double.isNaN(value);
    }
    return metric.higherIsBetter() ? value > best + minDelta : value < best - minDelta;
  }
}
