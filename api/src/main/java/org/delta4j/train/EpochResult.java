package org.delta4j.train;

import java.util.Objects;

/**
 * What one epoch of training measured. Losses are means over the epoch's samples; accuracies are fractions in [0, 1]
 * and NaN when the data is not a classification set; validation values are NaN without validation data.
 *
 * @param epoch the epoch's number, from 1
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
