package org.delta4j.gradcheck;

import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a gradient check.
 *
 * @param worstError the largest error found over every checked entry
 * @param worstEntry where it was, with both values, for the failure message
 * @param worstByTensor the largest error per checked tensor (parameters by name, then "input")
 */
public record GradientCheckResult(double worstError, String worstEntry, Map<String, Double> worstByTensor) {
  public GradientCheckResult {
    worstByTensor = Map.copyOf(Objects.requireNonNull(worstByTensor, "the worst error per tensor is null"));
  }

  /** Whether every checked entry is within {@code tolerance}. */
  public boolean passes(double tolerance) {
    return worstError <= tolerance;
  }

  @Override
  public String toString() {
    return "worst error " + worstError + " at " + worstEntry + "; per tensor " + worstByTensor;
  }
}
