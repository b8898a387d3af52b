package org.delta4j.tensor;

/** The element type of a {@link Tensor}. FLOAT32 is the default; FLOAT64 serves gradient checks and tight comparisons. */
public enum DataType {
  FLOAT32(4),
  FLOAT64(8);

  private final int bytes;

  DataType(int bytes) {
    this.bytes = bytes;
  }

  /**
   * The type of this name, in any case ({@code float32}, {@code FLOAT64}).
   *
   * @throws IllegalArgumentException for any other name, naming it and the types there are
   */
  public static DataType named(String name) {
    for (DataType t : values()) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no data type '" + name + "': the types are FLOAT32 and FLOAT64");
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }

  /**
   * The smallest probability a loss takes the logarithm of (or divides by) in this type: probabilities are clamped to
   * [ε, 1 − ε] so that log(0) never yields −∞. Every engine uses this one value.
   */
  public double probabilityEpsilon() {
    return this == FLOAT32 ? 1e-7 : 1e-15;
  }
}
