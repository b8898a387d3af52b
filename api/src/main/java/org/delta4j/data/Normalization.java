package org.delta4j.data;

import java.util.Objects;

/**
 * How unsigned bytes (0–255) become features: x′ = (x / 255 − mean) / std. {@link #unitRange()} keeps [0, 1];
 * {@link #standardize(byte[])} centres and scales with the statistics of the training pixels (apply the same
 * normalisation to the test set). Immutable.
 */
public record Normalization(double mean, double std) {
  public Normalization {
    if (!Double.isFinite(mean) || !(std > 0) || Double.isInfinite(std)) {
      throw new IllegalArgumentException("normalisation needs a finite mean and a positive finite std, got mean "
          + mean + ", std " + std);
    }
    // batches hold floats: a finite double such as 1 / 1e-300 would become an infinite feature
    for (int v : new int[] {0, 255}) {
      double x = (v / 255.0 - mean) / std;
      if (!Float.isFinite((float) x)) {
        throw new IllegalArgumentException("normalisation with mean " + mean + " and std " + std + " takes byte " + v
            + " to " + x + ", beyond what a float holds (" + Float.MAX_VALUE + ")");
      }
    }
  }

  /** x / 255: features in [0, 1]. */
  public static Normalization unitRange() {
    return new Normalization(0, 1);
  }

  /** Mean 0 and standard deviation 1 over the given pixels (all of them pooled). */
  public static Normalization standardize(byte[] pixels) {
    Objects.requireNonNull(pixels, "pixels is null");
    if (pixels.length == 0) {
      throw new IllegalArgumentException("cannot standardise over no pixels");
    }
    long[] histogram = new long[256];
    for (byte b : pixels) {
      histogram[b & 0xff]++;
    }
    // The mean from the exact integer sum, then the variance as the mean squared deviation from it: E[x²] − E[x]²
    // left about 1e-21 for a constant set (bytes 1, 2, 3...), a std of 6e-11 in place of 1 that blew features to 1e10.
    long sum = 0;
    for (int v = 0; v < 256; v++) {
      sum += histogram[v] * v;
    }
    double mean = (double) sum / pixels.length / 255.0;
    double squares = 0;
    for (int v = 0; v < 256; v++) {
      double d = v / 255.0 - mean;
      squares += histogram[v] * d * d;
    }
    double variance = squares / pixels.length;
    return new Normalization(mean, variance > 0 ? Math.sqrt(variance) : 1);
  }

  /** The lookup table of all 256 byte values, so per-batch conversion is one array read per pixel. */
  float[] table() {
    float[] t = new float[256];
    for (int v = 0; v < 256; v++) {
      t[v] = (float) ((v / 255.0 - mean) / std);
    }
    return t;
  }
}
