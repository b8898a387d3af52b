package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run-by-run im2col and col2im of {@link ImageLoops} against their definition by the tap table of {@link
 * ConvGeometry#tapIndices()}, over odd geometries: strides, dilations, paddings that leave whole rows and columns of
 * padding, one and several channels, windows wider than the image, and column matrices of part of a larger batch.
 */
class ImageLoopsTest {
  /** A geometry padded by {@code pad} on every side, sized as such a convolution's output. */
  private static ConvGeometry geometry(int c, int h, int w, int kh, int kw, int stride, int dilation, int pad) {
    int oh = (h + 2 * pad - dilation * (kh - 1) - 1) / stride + 1;
    int ow = (w + 2 * pad - dilation * (kw - 1) - 1) / stride + 1;
    return new ConvGeometry(c, h, w, kh, kw, stride, stride, dilation, dilation, pad, pad, oh, ow);
  }

  static Stream<ConvGeometry> geometries() {
    return Stream.of(
        geometry(1, 5, 5, 3, 3, 1, 1, 1), //   same padding, one channel
        geometry(3, 7, 6, 3, 3, 1, 1, 1), //   several channels, non-square
        geometry(2, 7, 5, 3, 2, 2, 1, 0), //   stride 2, valid
        geometry(2, 9, 7, 3, 3, 1, 2, 2), //   dilation 2
        geometry(3, 6, 7, 2, 2, 2, 1, 1), //   stride 2 with padding
        geometry(1, 4, 3, 3, 3, 3, 2, 3), //   stride 3, dilation 2, padding wider than the kernel: whole padding rows
        geometry(2, 5, 4, 1, 1, 1, 1, 0), //   1×1
        geometry(1, 2, 3, 5, 5, 1, 1, 2), //   same padding, window larger than the image: taps with no row inside
        geometry(2, 3, 1, 3, 3, 1, 1, 1), //   same padding on one column: taps with no column inside
        new ConvGeometry(2, 6, 5, 3, 2, 1, 2, 1, 1, 2, 0, 5, 2)); // uneven strides and paddings, explicit output
  }

  private static float[] values(int n, int seed) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((i * 7919 + seed * 104729) % 1999 - 999) / 1000f;
    }
    return v;
  }

  /** col[c·kh·kw + q, s·P + p] ← x[first + s, c, index[q·P + p]], 0 where the index is −1 (padding). */
  private static float[] im2colByTable(float[] x, ConvGeometry g, int n, int first) {
    int[] index = g.tapIndices();
    int p = g.positions();
    float[] col = new float[g.columnRows() * n * p];
    for (int c = 0; c < g.channels(); c++) {
      for (int q = 0; q < g.taps(); q++) {
        for (int s = 0; s < n; s++) {
          for (int k = 0; k < p; k++) {
            int i = index[q * p + k];
            col[(c * g.taps() + q) * n * p + s * p + k] = i < 0 ? 0 : x[((first + s) * g.channels() + c) * g.plane() + i];
          }
        }
      }
    }
    return col;
  }

  @ParameterizedTest
  @MethodSource("geometries")
  void im2colGathersWhatTheTapTableNames(ConvGeometry g) {
    int batch = 5;
    float[] x = values(batch * g.channels() * g.plane(), 1);
    int n = 3; // samples 1, 2, 3 of the batch, in two calls as two threads would split them
    float[] col = values(g.columnRows() * n * g.positions(), 2); // stale values, all to be overwritten
    ImageLoops.im2col(x, col, g, n, 0, 1, 1);
    ImageLoops.im2col(x, col, g, n, 1, 3, 1);
    assertArrayEquals(im2colByTable(x, g, n, 1), col, g.toString());
    double[] xd = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      xd[i] = x[i];
    }
    double[] cold = new double[col.length];
    ImageLoops.im2col(xd, cold, g, n, 0, n, 1);
    for (int i = 0; i < col.length; i++) {
      assertEquals(col[i], cold[i], 0, "double, element " + i);
    }
  }

  @ParameterizedTest
  @MethodSource("geometries")
  void col2imIsTheAdjointOfIm2col(ConvGeometry g) {
    // ⟨col, im2col(x)⟩ = ⟨col2im(col), x⟩ for every x: col2im adds each element of col where im2col read it
    int batch = 4;
    int n = 2;
    int first = 1;
    double[] x = new double[batch * g.channels() * g.plane()];
    float[] xf = values(x.length, 3);
    for (int i = 0; i < x.length; i++) {
      x[i] = xf[i];
    }
    float[] cf = values(g.columnRows() * n * g.positions(), 4);
    double[] col = new double[cf.length];
    for (int i = 0; i < col.length; i++) {
      col[i] = cf[i];
    }
    double[] gathered = new double[col.length];
    ImageLoops.im2col(x, gathered, g, n, 0, n, first);
    double[] scattered = new double[x.length];
    java.util.Arrays.fill(scattered, 7); // outside the samples [first, first + n): left alone
    ImageLoops.col2im(col, scattered, g, n, 0, 1, first);
    ImageLoops.col2im(col, scattered, g, n, 1, n, first);
    double left = 0;
    for (int i = 0; i < col.length; i++) {
      left += col[i] * gathered[i];
    }
    double right = 0;
    int size = g.channels() * g.plane();
    for (int i = first * size; i < (first + n) * size; i++) {
      right += scattered[i] * x[i];
    }
    assertEquals(left, right, 1e-9 * (1 + Math.abs(left)), g.toString());
    for (int i = 0; i < x.length; i++) {
      if (i < first * size || i >= (first + n) * size) {
        assertEquals(7, scattered[i], 0, "element " + i + " of a sample outside the column matrix");
      }
    }
    float[] scatteredFloat = new float[x.length];
    ImageLoops.col2im(cf, scatteredFloat, g, n, 0, n, first);
    for (int i = first * size; i < (first + n) * size; i++) {
      assertEquals(scattered[i], scatteredFloat[i], 1e-5, "float, element " + i);
    }
  }

  @ParameterizedTest
  @MethodSource("geometries")
  void col2imOfAScratchColumnMatrixGivesThePlainBits(ConvGeometry g) {
    int batch = 4;
    int n = 2;
    int first = 1;
    float[] col = values(g.columnRows() * n * g.positions(), 5);
    for (int i = 0; i < col.length; i += 5) {
      col[i] = -0f; // a −0 term leaves the +0 a sum starts from as it is, either way
    }
    float[] expected = new float[batch * g.channels() * g.plane()];
    java.util.Arrays.fill(expected, 7);
    float[] actual = expected.clone();
    ImageLoops.col2im(col.clone(), expected, g, n, 0, n, first);
    float[] scratch = col.clone();
    ImageLoops.col2im(scratch, actual, g, n, 0, 1, first, true); // in two calls as two threads would split them
    ImageLoops.col2im(scratch, actual, g, n, 1, n, first, true);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), g + ", element " + i);
    }
  }
}
