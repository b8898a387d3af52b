package org.delta4j.random;

import java.util.Objects;

/**
 * Steele, Lea and Flood's SplitMix64 generator, owned here so that a seed means the same numbers on every engine, JDK
 * and platform: initial weights, shuffling and dropout masks all come from it. Instances are not thread-safe; the
 * static {@link #uniform(long, long)} is a pure function of a seed and a counter, for masks drawn in any order.
 */
public final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private long state;
  private double spareGaussian = Double.NaN;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** A generator for an independent stream, derived from a seed and a stream number (an epoch, a layer). */
  public static SplitMix64 forStream(long seed, long stream) {
    return new SplitMix64(mix(seed ^ mix(stream + GOLDEN_GAMMA)));
  }

  /** The SplitMix64 finalizer: a bijective scramble of 64 bits. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform double in [0, 1) that depends only on (seed, counter). */
  public static double uniform(long seed, long counter) {
    return (mix(seed + counter * GOLDEN_GAMMA) >>> 11) * TWO_POW_MINUS_53;
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in [0, 1), 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * TWO_POW_MINUS_53;
  }

  /** Uniform in [0, bound), without modulo bias (Lemire's method with rejection). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, was " + bound);
    }
    long m = (nextLong() >>> 32) * bound;
    long low = m & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        m = (nextLong() >>> 32) * bound;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  /** Standard normal, by the Box–Muller transform (pairs are used in turn). */
  public double nextGaussian() {
    if (!Double.isNaN(spareGaussian)) {
      double g = spareGaussian;
      spareGaussian = Double.NaN;
      return g;
    }
    double u1 = 1.0 - nextDouble(); // (0, 1]: log(u1) is finite
    double u2 = nextDouble();
    double r = Math.sqrt(-2.0 * Math.log(u1));
    spareGaussian = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher–Yates shuffle of {@code a} in place. */
  public void shuffle(int[] a) {
    Objects.requireNonNull(a, "shuffle: array is null");
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
