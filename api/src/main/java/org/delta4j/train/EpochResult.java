package org.delta4j.train;

import java.util.Objects;

/**
 * What one epoch of training measured. Losses are means over the epoch's samples; accuracies are fractions in [0, 1]
 * and NaN when the data is not a classification set; validation values are NaN without validation data.
 *
 * @param epoch the epoch's number, from 1
 * @param trainingLoss the mean over the epoch's samples of the loss each batch had as it was trained on, in training
 *     mode (dropout on) and before its update: each batch's mean weighted by its rows, so that a short last batch
 *     counts for its samples only
 * @param trainingAccuracy the fraction of the epoch's samples classified correctly by those same passes
 * @param validationLoss the mean loss over the validation samples after the epoch, in inference mode
 * @param learningRate the rate of the epoch's first update (a schedule may lower it at every update after)
 * @param seconds wall time of the epoch, validation included
 */
public record EpochResult(
    int epoch, double trainingLoss, double trainingAccuracy, double validationLoss, double validationAccuracy,
    double learningRate, double seconds) {

  /** The value of a monitored metric. */
  public double value(Metric metric) {
    Objects.requireNonNull(metric, "metric is null");
    return switch (metric) {
      case TRAINING_LOSS -> trainingLoss;
      case TRAINING_ACCURACY -> trainingAccuracy;
      case VALIDATION_LOSS -> validationLoss;
      case VALIDATION_ACCURACY -> validationAccuracy;
    };
  }
}
