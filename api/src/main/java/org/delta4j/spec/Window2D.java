package org.delta4j.spec;

import java.util.Locale;
import java.util.Objects;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.tensor.Shape;

/**
 * The window a convolution or pooling layer slides over images [C, H, W]: kernel kh×kw, stride, dilation (taps
 * dilation apart, spanning d·(k − 1) + 1) and {@link Padding}. Along each axis the output has
 * ⌊(in + padding − d·(k − 1) − 1) / stride⌋ + 1 positions, where padding is both sides' total. Immutable.
 */
public record Window2D(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int dilationHeight,
    int dilationWidth, Padding padding) {

  public Window2D {
    if (kernelHeight < 1 || kernelWidth < 1) {
      throw new IllegalArgumentException("kernel must be at least 1×1, got " + kernelHeight + "×" + kernelWidth);
    }
    if (strideHeight < 1 || strideWidth < 1) {
      throw new IllegalArgumentException("stride must be at least 1×1, got " + strideHeight + "×" + strideWidth);
    }
    if (dilationHeight < 1 || dilationWidth < 1) {
      throw new IllegalArgumentException("dilation must be at least 1×1, got " + dilationHeight + "×"
          + dilationWidth);
    }
    if (padding == null) {
      throw new IllegalArgumentException("padding must not be null");
    }
  }

  /** A k×k window of stride 1, no dilation. */
  public static Window2D square(int k, Padding padding) {
    return new Window2D(k, k, 1, 1, 1, 1, padding);
  }

  /** This window with stride s×s. */
  public Window2D withStride(int s) {
    return new Window2D(kernelHeight, kernelWidth, s, s, dilationHeight, dilationWidth, padding);
  }

  /** This window with dilation d×d. */
  public Window2D withDilation(int d) {
    return new Window2D(kernelHeight, kernelWidth, strideHeight, strideWidth, d, d, padding);
  }

  /**
   * Where the window reads in images of shape {@code input}; throws {@link IllegalArgumentException} naming the
   * shapes when the input is not an image [C, H, W] or the window does not fit it.
   */
  public ConvGeometry geometry(Shape input) {
    Objects.requireNonNull(input, "input shape is null");
    if (input.rank() != 3) {
      throw new IllegalArgumentException("it takes images of shape [channels, height, width], not " + input);
    }
    int[] rows = axis(input.dim(1), kernelHeight, strideHeight, dilationHeight, padding.height(), "height", input);
    int[] columns = axis(input.dim(2), kernelWidth, strideWidth, dilationWidth, padding.width(), "width", input);
    return new ConvGeometry(input.dim(0), input.dim(1), input.dim(2), kernelHeight, kernelWidth, strideHeight,
        strideWidth, dilationHeight, dilationWidth, rows[1], columns[1], rows[0], columns[0]);
  }

  /**
   * {output size, padding before} along one axis. Computed in long: a dilation, stride or padding near the largest int
   * would otherwise wrap around and give a window that fits, with an output of the wrong size.
   */
  private int[] axis(int in, int k, int stride, int dilation, int pad, String name, Shape input) {
    long span = (long) dilation * (k - 1) + 1;
    if (span > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "the %s×%s window dilated by %s spans %s along the %s of the input %s, more than an image can have "
              + "(%s)", kernelHeight, kernelWidth, dilation, span, name, input, Integer.MAX_VALUE));
    }
    long out;
    long before;
    switch (padding.mode()) {
      case SAME -> {
        out = ((long) in + stride - 1) / stride;
        before = Math.max((out - 1) * stride + span - in, 0) / 2;
      }
      default -> {
        long padded = (long) in + 2L * pad;
        if (padded < span) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "the %s×%s window%s is larger than the %s of the input %s%s", kernelHeight, kernelWidth,
              dilation > 1 ? " (dilated to span " + span + ")" : "", name, input,
              pad > 0 ? " padded by " + pad + " on either side" : ""));
        }
        out = (padded - span) / stride + 1;
        before = pad;
      }
    }
    if (out > Integer.MAX_VALUE || before > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "the %s×%s window over the input %s, padded by %s before, would give %s positions along the %s, more "
              + "than one tensor holds (%s)", kernelHeight, kernelWidth, input, before, out, name, Integer.MAX_VALUE));
    }
    // The kernels index a tap as position·stride − padding + tap·dilation in int: the last tap of the last position
    // must lie within the int range, as it does for any window that fits an image of int size unpadded
    long reach = (out - 1) * stride + span;
    if (reach > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "the %s×%s window%s, moved %s at a time over the %s of the input %s (padding %s before), reaches %s "
              + "places along it, past %s", kernelHeight, kernelWidth,
          dilation > 1 ? " (dilated to span " + span + ")" : "", stride, name, input, before, reach,
          Integer.MAX_VALUE));
    }
    return new int[] {(int) out, (int) before};
  }

  static Window2D read(FieldReader f, int[] defaultStride) {
    int[] kernel = pair(f, "kernel", null);
    int[] stride = pair(f, "stride", defaultStride == null ? kernel : defaultStride);
    int[] dilation = pair(f, "dilation", new int[] {1, 1});
    Padding.Mode mode = f.enumValue("padding", Padding.Mode.class, Padding.Mode.VALID);
    int[] pad = pair(f, "pad", new int[] {0, 0});
    return new Window2D(kernel[0], kernel[1], stride[0], stride[1], dilation[0], dilation[1],
        new Padding(mode, pad[0], pad[1]));
  }

  /** [h, w] from a field of two whole numbers, or of one (a square). */
  private static int[] pair(FieldReader f, String name, int[] fallback) {
    int[] v = f.integers(name, fallback);
    if (v.length == 1) {
      return new int[] {v[0], v[0]};
    }
    if (v.length != 2) {
      throw new IllegalArgumentException(f.where() + "." + name + " must be [height, width], got "
          + java.util.Arrays.toString(v));
    }
    return v;
  }

  void write(FieldWriter out) {
    out.put("kernel", new int[] {kernelHeight, kernelWidth}).put("stride", new int[] {strideHeight, strideWidth})
        .put("dilation", new int[] {dilationHeight, dilationWidth}).put("padding", padding.mode())
        .put("pad", new int[] {padding.height(), padding.width()});
  }

  @Override
  public String toString() {
    return kernelHeight + "×" + kernelWidth + (strideHeight * strideWidth > 1 ? " /" + strideHeight
        + (strideWidth != strideHeight ? "×" + strideWidth : "") : "")
        + (dilationHeight * dilationWidth > 1 ? " dilation " + dilationHeight + "×" + dilationWidth : "")
        + (padding.mode() == Padding.Mode.VALID ? "" : " " + padding);
  }
}
