package org.delta4j.spec;

/**
 * How a window's input is padded: {@code valid} (none: every window lies inside the image), {@code same} (enough
 * zeros, split evenly with any odd one below and to the right, that the output has ⌈input / stride⌉ rows and columns)
 * or {@code explicit} ({@code height} rows above and below, {@code width} columns left and right). Immutable.
 */
public record Padding(Mode mode, int height, int width) {
  /** The padding modes, named in JSON in lower case. */
  public enum Mode { VALID, SAME, EXPLICIT }

  public static final Padding VALID = new Padding(Mode.VALID, 0, 0);
  public static final Padding SAME = new Padding(Mode.SAME, 0, 0);

  public Padding {
    if (mode == null) {
      throw new IllegalArgumentException("padding mode must be valid, same or explicit, got null");
    }
    if (height < 0 || width < 0) {
      // "pad" first, the JSON field of these sizes, so that a tool points at them and not at the mode
      throw new IllegalArgumentException("pad must be ≥ 0 on every side, got " + height + "×" + width);
    }
    if (mode != Mode.EXPLICIT && (height != 0 || width != 0)) {
      throw new IllegalArgumentException("padding " + height + "×" + width + " is given only with mode explicit, not "
          + mode.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** {@code height} rows above and below, {@code width} columns on either side. */
  public static Padding explicit(int height, int width) {
    return new Padding(Mode.EXPLICIT, height, width);
  }

  /** "valid", "same", or "pad H×W" for explicit padding (its JSON field), as summaries and messages show it. */
  @Override
  public String toString() {
    return mode == Mode.EXPLICIT ? "pad " + height + "×" + width : mode.name().toLowerCase(java.util.Locale.ROOT);
  }
}
