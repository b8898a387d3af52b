package org.delta4j.engine;

/**
 * Flush-to-zero for the engines' loops: a number below its type's smallest normal number (2⁻¹²⁶ in float, 2⁻¹⁰²² in
 * double) becomes 0, as the CPU's flush-to-zero mode would make it, which Java does not set. x86 computes with
 * subnormal numbers many times more slowly than with others (on Intel a microcode assist for each instruction that
 * meets one), and training makes them where values decay or underflow: an optimizer's state where a gradient stays 0,
 * a softmax's tail once a network fits its data, and every product fed either. Each flush changes a value by less than
 * the smallest normal number. Stateless; the vector loops do the same with a compare and a blend.
 */
public final class Subnormals {
  private Subnormals() {}

  /** x, or 0 where |x| is below {@link Float#MIN_NORMAL}. */
  public static float flush(float x) {
    return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
  }

  /** x, or 0 where |x| is below {@link Double#MIN_NORMAL}. */
  public static double flush(double x) {
    return Math.abs(x) < Double.MIN_NORMAL ? 0 : x;
  }
}
