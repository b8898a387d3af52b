package org.delta4j.spec;

import java.util.Objects;
import org.delta4j.random.SplitMix64;

/**
 * How a parameter tensor is filled before training. Draws come from one {@link SplitMix64} stream in the network's
 * layer order, so the same seed gives the same initial weights on every engine.
 *
 * @param kind the distribution
 * @param scale its parameter: the value for CONSTANT, the half-width a of U(−a, a) for UNIFORM, the standard deviation
 *     for NORMAL, and a gain multiplying the fan-based scale for the Xavier and He kinds (1 is the textbook value)
 */
public record Initializer(Kind kind, double scale) {
  /** The distributions; fanIn and fanOut are the input and output sizes of the layer. */
  public enum Kind {
    ZEROS,
    CONSTANT,
    UNIFORM,
    NORMAL,
    /** U(−a, a) with a = gain·√(6 / (fanIn + fanOut)) (Glorot and Bengio, 2010). */
    XAVIER_UNIFORM,
    /** N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)). */
    XAVIER_NORMAL,
    /** U(−a, a) with a = gain·√(6 / fanIn) (He et al., 2015). */
    HE_UNIFORM,
    /** N(0, σ²) with σ = gain·√(2 / fanIn). */
    HE_NORMAL
  }

  public Initializer {
    if (kind == null) {
      throw new IllegalArgumentException("initializer kind must not be null");
    }
    if (kind == Kind.CONSTANT && !Double.isFinite(scale)) { // a constant's value may be negative
      throw new IllegalArgumentException("initializer CONSTANT needs a finite value, got " + scale);
    }
    if (kind != Kind.CONSTANT && (!Double.isFinite(scale) || scale < 0)) {
      throw new IllegalArgumentException("initializer " + kind + " needs a finite, non-negative scale, got " + scale);
    }
  }

  public static Initializer zeros() {
    return new Initializer(Kind.ZEROS, 0);
  }

  public static Initializer constant(double value) {
    return new Initializer(Kind.CONSTANT, value);
  }

  public static Initializer uniform(double halfWidth) {
    return new Initializer(Kind.UNIFORM, halfWidth);
  }

  public static Initializer normal(double standardDeviation) {
    return new Initializer(Kind.NORMAL, standardDeviation);
  }

  public static Initializer xavierUniform() {
    return new Initializer(Kind.XAVIER_UNIFORM, 1);
  }

  public static Initializer xavierNormal() {
    return new Initializer(Kind.XAVIER_NORMAL, 1);
  }

  public static Initializer heUniform() {
    return new Initializer(Kind.HE_UNIFORM, 1);
  }

  public static Initializer heNormal() {
    return new Initializer(Kind.HE_NORMAL, 1);
  }

  /** Fills {@code out} with draws from {@code random} for a layer with the given fan-in and fan-out. */
  public void fill(double[] out, int fanIn, int fanOut, SplitMix64 random) {
    Objects.requireNonNull(out, () -> "initializer " + this + ": out is null");
    Objects.requireNonNull(random, () -> "initializer " + this + ": random is null");
    if (fanIn < 1 || fanOut < 1) {
      throw new IllegalArgumentException("initializer " + this + ": fan-in and fan-out must be ≥ 1, got " + fanIn
          + " and " + fanOut);
    }
    double fans = (double) fanIn + fanOut; // in int, two fans past 2³⁰ would wrap to a negative sum
    switch (kind) {
      case ZEROS -> java.util.Arrays.fill(out, 0);
      case CONSTANT -> java.util.Arrays.fill(out, scale);
      case UNIFORM -> fillUniform(out, scale, random);
      case NORMAL -> fillNormal(out, scale, random);
      case XAVIER_UNIFORM -> fillUniform(out, scale * Math.sqrt(6.0 / fans), random);
      case XAVIER_NORMAL -> fillNormal(out, scale * Math.sqrt(2.0 / fans), random);
      case HE_UNIFORM -> fillUniform(out, scale * Math.sqrt(6.0 / fanIn), random);
      case HE_NORMAL -> fillNormal(out, scale * Math.sqrt(2.0 / fanIn), random);
      default -> throw new AssertionError(kind);
    }
  }

  private static void fillUniform(double[] out, double a, SplitMix64 random) {
    for (int i = 0; i < out.length; i++) {
      out[i] = (2 * random.nextDouble() - 1) * a;
    }
  }

  private static void fillNormal(double[] out, double sigma, SplitMix64 random) {
    for (int i = 0; i < out.length; i++) {
      out[i] = random.nextGaussian() * sigma;
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ZEROS, XAVIER_UNIFORM, XAVIER_NORMAL, HE_UNIFORM, HE_NORMAL ->
          scale == 1 || kind == Kind.ZEROS ? kind.name().toLowerCase(java.util.Locale.ROOT)
              : kind.name().toLowerCase(java.util.Locale.ROOT) + "(gain " + scale + ")";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + scale + ")";
    };
  }
}
