package org.delta4j.engine;

import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Where a 2-D window (a convolution's kernel or a pooling window) reads in an NCHW image, for the convolution kernels
 * of {@link Kernels}: images of {@code channels × height × width}, a window of {@code kernelHeight × kernelWidth}
 * taps {@code dilation} apart, moved {@code stride} at a time over the image padded with {@code padTop} rows above
 * and {@code padLeft} columns to the left (and as many below and to the right as the output size needs), giving
 * {@code outputHeight × outputWidth} positions. Output position (y, x) reads tap (i, j) at image row
 * y·strideHeight − padTop + i·dilationHeight and column x·strideWidth − padLeft + j·dilationWidth; taps outside the
 * image read padding. Immutable. One image's plane and its column matrix (C·kh·kw × oh·ow values) must each fit one
 * array, so that every size given here is an int.
 */
public record ConvGeometry(int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight,
    int strideWidth, int dilationHeight, int dilationWidth, int padTop, int padLeft, int outputHeight,
    int outputWidth) {

  public ConvGeometry {
    if (channels < 1 || height < 1 || width < 1 || kernelHeight < 1 || kernelWidth < 1 || strideHeight < 1
        || strideWidth < 1 || dilationHeight < 1 || dilationWidth < 1 || padTop < 0 || padLeft < 0
        || outputHeight < 1 || outputWidth < 1) {
      // the parameters, not this: a compact constructor assigns the fields only after its body, so this reads zeros
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "invalid window geometry "
          + "[channels=%d, height=%d, width=%d, kernelHeight=%d, kernelWidth=%d, strideHeight=%d, strideWidth=%d, "
          + "dilationHeight=%d, dilationWidth=%d, padTop=%d, padLeft=%d, outputHeight=%d, outputWidth=%d]: sizes, "
          + "strides and dilations must be ≥ 1, paddings ≥ 0", channels, height, width, kernelHeight, kernelWidth,
          strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft, outputHeight, outputWidth));
    }
    // Its sizes are given in int. The largest is one image's column matrix, C·kh·kw × oh·ow, from which a convolution
    // is computed (the tap table is kh·kw × oh·ow of it): it must fit one array, as must the image's plane.
    long plane = (long) height * width;
    long perImage = product(channels, kernelHeight, kernelWidth, outputHeight, outputWidth);
    if (plane > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "an image plane of %d×%d, %,d values, is "
          + "more than one array holds (%,d)", height, width, plane, Integer.MAX_VALUE));
    }
    if (perImage > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "a %d×%d window at %d×%d positions "
          + "over %d channel%s of %d×%d makes %s values an image (C·kh·kw·oh·ow, the column matrix a convolution is "
          + "computed from), more than one array holds (%,d)", kernelHeight, kernelWidth, outputHeight, outputWidth,
          channels, channels == 1 ? "" : "s", height, width, perImage == Long.MAX_VALUE ? "over 9.2·10¹⁸"
              : String.format(java.util.Locale.ROOT, "%,d", perImage), Integer.MAX_VALUE));
    }
  }

  /** The product of sizes of at least 1, or Long.MAX_VALUE where it would pass it. */
  private static long product(int... sizes) {
    long p = 1;
    for (int size : sizes) {
      p = p > Long.MAX_VALUE / size ? Long.MAX_VALUE : p * size;
    }
    return p;
  }

  /** The window and where it reads, for messages: "3×3 window at 28×28 positions". */
  public String window() {
    return kernelHeight + "×" + kernelWidth + " window at " + outputHeight + "×" + outputWidth + " positions";
  }

  /** Taps per channel, kh·kw. */
  public int taps() {
    return kernelHeight * kernelWidth;
  }

  /** Rows of the column matrix, C·kh·kw: one per (channel, tap). */
  public int columnRows() {
    return channels * taps();
  }

  /** Output positions per image and channel, oh·ow. */
  public int positions() {
    return outputHeight * outputWidth;
  }

  /** Elements of one image channel, H·W. */
  public int plane() {
    return height * width;
  }

  /**
   * Whether the windows are 2×2 with stride 2, undilated and unpadded, and inside the image: they tile it, so each
   * element lies under at most one window. The usual pooling, for which the engines have loops of their own.
   */
  public boolean tilesBy2x2() {
    return kernelHeight == 2 && kernelWidth == 2 && strideHeight == 2 && strideWidth == 2 && dilationHeight == 1
        && dilationWidth == 1 && padTop == 0 && padLeft == 0 && 2 * outputHeight <= height && 2 * outputWidth <= width;
  }

  /** The per-sample input shape [C, H, W]. */
  public Shape image() {
    return Shape.of(channels, height, width);
  }

  /**
   * Where in one H×W channel plane each tap of each output position reads: entry q·P + p (tap q = i·kw + j, position
   * p = y·ow + x, P = {@link #positions()}) is the plane's flat index, or −1 for padding. The table every engine's
   * im2col, col2im and pooling kernels gather and scatter by.
   */
  public int[] tapIndices() {
    int p = positions();
    int[] index = new int[taps() * p];
    for (int i = 0; i < kernelHeight; i++) {
      for (int j = 0; j < kernelWidth; j++) {
        int q = i * kernelWidth + j;
        for (int y = 0; y < outputHeight; y++) {
          int row = y * strideHeight - padTop + i * dilationHeight;
          for (int x = 0; x < outputWidth; x++) {
            int column = x * strideWidth - padLeft + j * dilationWidth;
            boolean inside = row >= 0 && row < height && column >= 0 && column < width;
            index[q * p + y * outputWidth + x] = inside ? row * width + column : -1;
          }
        }
      }
    }
    return index;
  }

  /**
   * The copy that gathers tap (i, j) of one image channel into one row of the column matrix, for engines that build
   * im2col from strided copies: {window in the image, window in the column matrix}, covering the output positions
   * whose tap lies inside the image (a rectangle: the condition splits by axis), or null when there are none.
   * {@code image} is the channel plane's flat offset, {@code row} the flat offset of the row's part for this sample.
   */
  public Window[] tapWindows(int i, int j, long image, long row) {
    int[] ys = inside(i * dilationHeight - padTop, strideHeight, height, outputHeight);
    int[] xs = inside(j * dilationWidth - padLeft, strideWidth, width, outputWidth);
    if (ys[1] == 0 || xs[1] == 0) {
      return null;
    }
    long from = image + (long) (ys[0] * strideHeight + i * dilationHeight - padTop) * width
        + (xs[0] * strideWidth + j * dilationWidth - padLeft);
    return new Window[] {new Window(from, ys[1], xs[1], (long) strideHeight * width, strideWidth),
        new Window(row + (long) ys[0] * outputWidth + xs[0], ys[1], xs[1], outputWidth, 1)};
  }

  /** {first, count} of the positions y in [0, out) with 0 ≤ y·stride + shift &lt; size. */
  private static int[] inside(int shift, int stride, int size, int out) {
    int first = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    int last = Math.min(out - 1, Math.floorDiv(size - 1 - shift, stride));
    return new int[] {first, Math.max(0, last - first + 1)};
  }

  /** Fails unless {@code t} is a batch [N, C, H, W] of this geometry's images; returns N. */
  public int checkImages(String kernel, String what, Tensor t) {
    return checkBatch(kernel, what, t, channels, height, width);
  }

  /** Fails unless {@code t} is a batch [N, channels, oh, ow] of outputs; returns N. */
  public int checkOutputs(String kernel, String what, Tensor t, int outputChannels) {
    return checkBatch(kernel, what, t, outputChannels, outputHeight, outputWidth);
  }

  /** Fails unless {@code col} is the column matrix [C·kh·kw, N·oh·ow] of a batch of {@code n} images. */
  public void checkColumns(String kernel, Tensor col, int n) {
    if (!KernelArguments.present(kernel, "the column matrix", col).shape().isMatrix(columnRows(), n * positions())) {
      throw new IllegalArgumentException(kernel + ": the column matrix is " + col.shape() + " but " + n
          + " images of " + image() + " under a " + kernelHeight + "×" + kernelWidth + " window at " + positions()
          + " positions need [" + columnRows() + ", " + n * positions() + "]");
    }
  }

  private int checkBatch(String kernel, String what, Tensor t, int c, int h, int w) {
    Shape s = KernelArguments.present(kernel, what, t).shape();
    if (s.rank() != 4 || s.dim(1) != c || s.dim(2) != h || s.dim(3) != w) {
      throw new IllegalArgumentException(kernel + ": " + what + " is " + s + " but must be [N, " + c + ", " + h + ", "
          + w + "]");
    }
    return s.dim(0);
  }
}
