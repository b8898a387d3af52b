package org.delta4j.train;

import java.util.List;
import java.util.Objects;

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
    if (metric != null && metric.higherIsBetter() && minDelta >= 1) {
      // an accuracy is at most 1: no epoch could improve on another by 1 or more, and the run would stop unseen
      throw new IllegalArgumentException("early stopping minDelta on " + metric + " must be below 1, an accuracy "
          + "being a fraction, got " + minDelta);
    }
  }

  /** Patience as given, no minimum improvement, and the best weights restored. */
  public static EarlyStopping on(Metric metric, int patience) {
    return new EarlyStopping(metric, patience, 0, true);
  }

  /**
   * The epoch whose weights early stopping judges best after {@code results} (epochs 1, 2, … in order): the last that
   * improved on every one before it by more than minDelta; 0 when none did (every value NaN). A listener that saves
   * the model when its epoch is this one keeps what a resumed run needs ({@link Trainer.Builder#bestModel}).
   */
  public int bestEpoch(List<EpochResult> results) {
    Objects.requireNonNull(results, "results is null");
    for (int i = 0; i < results.size(); i++) {
      Objects.requireNonNull(results.get(i), "result " + i + " of " + results.size() + " is null");
    }
    return progress(results).bestEpoch;
  }

  /** Early stopping's state after {@code results}, epochs 1, 2, … in order. */
  Progress progress(List<EpochResult> results) {
    Progress p = new Progress();
    for (EpochResult r : results) {
      p.record(r);
    }
    return p;
  }

  /** Where a run stands: the best value and its epoch, and the epochs since. One per run; not thread-safe. */
  final class Progress {
    double best = Double.NaN;
    int bestEpoch;
    int sinceBest;

    /** Takes one epoch's result; returns whether it is the new best. */
    boolean record(EpochResult r) {
      double v = r.value(metric);
      if (improves(v, best)) {
        best = v;
        bestEpoch = r.epoch();
        sinceBest = 0;
        return true;
      }
      sinceBest++;
      return false;
    }

    /** Whether the epochs since the best have used up the patience. */
    boolean exhausted() {
      return sinceBest >= patience;
    }
  }

  /** Whether {@code value} improves on {@code best} by more than minDelta. */
  boolean improves(double value, double best) {
    if (Double.isNaN(best)) {
      return !Double.isNaN(value);
    }
    return metric.higherIsBetter() ? value > best + minDelta : value < best - minDelta;
  }
}
