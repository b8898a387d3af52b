package org.delta4j.train;

/** A per-epoch quantity that early stopping can monitor. Losses improve downwards, accuracies upwards. */
public enum Metric {
  TRAINING_LOSS,
  TRAINING_ACCURACY,
  VALIDATION_LOSS,
  VALIDATION_ACCURACY;

  public boolean higherIsBetter() {
    return this == TRAINING_ACCURACY || this == VALIDATION_ACCURACY;
  }

  public boolean needsValidation() {
    return this == VALIDATION_LOSS || this == VALIDATION_ACCURACY;
  }
}
