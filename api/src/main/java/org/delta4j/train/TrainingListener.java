package org.delta4j.train;

import org.delta4j.nn.Network;

/**
 * Hooks into a training run, called on the training thread (progress bars, checkpoints, logs). Every method does
 * nothing by default. A listener that throws stops the run with its exception.
 */
public interface TrainingListener {
  /** Before the first epoch; epochs are numbered from {@code firstEpoch} to {@code lastEpoch}. */
  default void onTrainingStart(Network network, int firstEpoch, int lastEpoch, int batchesPerEpoch) {}

  default void onEpochStart(int epoch) {}

  /** After each update: the batch's number in the epoch (from 1), its loss, and samples seen in the epoch. */
  default void onBatchEnd(int epoch, int batch, double loss, long samplesSeen) {}

  /** After each epoch, validation included, and after early stopping's bookkeeping. */
  default void onEpochEnd(Network network, EpochResult result) {}

  default void onTrainingEnd(Network network, History history) {}
}
