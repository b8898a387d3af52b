package org.delta4j.train;

import java.util.List;
import java.util.Objects;

/**
 * The record of a training run: one {@link EpochResult} per epoch run, and how it ended.
 *
 * @param epochs the epochs run, in order
 * @param stoppedEarly whether early stopping ended the run
 * @param bestEpoch the epoch early stopping judged best (whose weights were restored when asked), or the last epoch
 */
public record History(List<EpochResult> epochs, boolean stoppedEarly, int bestEpoch) {
  public History {
    Objects.requireNonNull(epochs, "epochs is null");
    for (int i = 0; i < epochs.size(); i++) {
      Objects.requireNonNull(epochs.get(i), "the result of epoch " + i + " of " + epochs.size() + " is null");
    }
    epochs = List.copyOf(epochs);
  }

  /** The last epoch's results. */
  public EpochResult last() {
    if (epochs.isEmpty()) {
      throw new IllegalStateException("no epoch was run");
    }
    return epochs.get(epochs.size() - 1);
  }
}
