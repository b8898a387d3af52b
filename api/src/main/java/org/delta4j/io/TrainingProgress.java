package org.delta4j.io;

import java.util.List;
import java.util.Objects;
import org.delta4j.train.EpochResult;

/**
 * How far training had come when a model was saved: the epochs completed and their results, so that a resumed run
 * starts at the next epoch and its learning curves continue.
 */
public record TrainingProgress(int completedEpochs, List<EpochResult> history) {
  public TrainingProgress {
    Objects.requireNonNull(history, "history is null");
    if (completedEpochs < 0) {
      throw new IllegalArgumentException("completed epochs must be ≥ 0, got " + completedEpochs);
    }
    history = List.copyOf(history);
  }

  /** No training recorded. */
  public static TrainingProgress none() {
    return new TrainingProgress(0, List.of());
  }
}
