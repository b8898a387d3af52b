package org.delta4j.nn;

import java.util.Objects;

/**
 * Predictions from plain Java arrays: one row of features per sample, in, and probabilities or classes, out. Thread-safe:
 * it goes through the network's {@link Predictor}.
 */
public final class Inference {
  private Inference() {}

  private static Predictor predictor(Network network) {
    return Objects.requireNonNull(network, "network is null").predictor();
  }

  /** The class probabilities (or raw outputs, for losses without a softmax) of each sample, in inference mode. */
  public static float[][] probabilities(Network network, float[][] samples) {
    return predictor(network).probabilities(samples);
  }

  /** The raw output of each sample (the logits, for a loss that applies a softmax), in inference mode. */
  public static float[][] outputs(Network network, float[][] samples) {
    return predictor(network).outputs(samples);
  }

  /** The most probable class of each sample. */
  public static int[] classes(Network network, float[][] samples) {
    return predictor(network).classes(samples);
  }
}
