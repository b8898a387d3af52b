package org.delta4j.nn;

import org.delta4j.tensor.Tensor;

/** Predictions from plain Java arrays: one row of features per sample, in, and probabilities or classes, out. */
public final class Inference {
  private Inference() {}

  /** The class probabilities (or raw outputs, for losses without a softmax) of each sample, in inference mode. */
  public static float[][] probabilities(Network network, float[][] samples) {
    int width = (int) network.outputShape().size();
    float[] flat = network.probabilities(input(network, samples)).toFloatArray();
    float[][] out = new float[samples.length][width];
    for (int i = 0; i < samples.length; i++) {
      System.arraycopy(flat, i * width, out[i], 0, width);
    }
    return out;
  }

  /** The most probable class of each sample. */
  public static int[] classes(Network network, float[][] samples) {
    int[] out = new int[samples.length];
    network.predictClasses(input(network, samples), out);
    return out;
  }

  private static Tensor input(Network network, float[][] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples to predict");
    }
    int size = (int) network.inputShape().size();
    float[] flat = new float[samples.length * size];
    for (int i = 0; i < samples.length; i++) {
      if (samples[i] == null || samples[i].length != size) {
        throw new IllegalArgumentException("sample " + i + " has " + (samples[i] == null ? 0 : samples[i].length)
            + " features but the network takes " + size + " (input shape " + network.inputShape() + ")");
      }
      System.arraycopy(samples[i], 0, flat, i * size, size);
    }
    Tensor t = network.engine().zeros(network.dataType(), network.inputShape().withBatch(samples.length));
    t.copyFrom(flat);
    return t;
  }
}
