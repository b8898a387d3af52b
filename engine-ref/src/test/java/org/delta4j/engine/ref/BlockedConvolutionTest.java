package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.engine.ColumnConvolution;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.WorkerPool;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference engine's convolution, by blocks of samples split over the cores, against the whole-batch im2col form
 * {@link ColumnConvolution} on the same kernels: forward, dW (overwritten and accumulated), dX, over odd geometries
 * (stride 2, dilation, padding, one and several channels, fewer tap rows than filters and more), batch 1, odd batches
 * and batches large enough to be split over the cores and into several blocks per core, and with blocks of one sample,
 * in both types.
 */
class BlockedConvolutionTest {
  private final RefEngine engine = new RefEngine();

  private static ConvGeometry geometry(int c, int h, int w, int k, int stride, int dilation, int pad) {
    int out = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
    int outW = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
    return new ConvGeometry(c, h, w, k, k, stride, stride, dilation, dilation, pad, pad, out, outW);
  }

  static List<Arguments> cases() {
    ConvGeometry[] geometries = {
        geometry(1, 6, 5, 3, 1, 1, 1), //     one channel, 9 tap rows under 16 filters: dW partials kept transposed
        geometry(3, 7, 6, 3, 2, 1, 1), //     stride 2, 27 tap rows over 4 filters
        geometry(2, 9, 8, 3, 1, 2, 2), //     dilation 2
        geometry(3, 40, 41, 3, 1, 1, 1), //   large images: several blocks per part
        geometry(1, 30, 30, 2, 2, 1, 0)}; //  stride 2, no padding, 4 tap rows under 16 filters
    int[] filters = {16, 4, 5, 6, 16};
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (int i = 0; i < geometries.length; i++) {
        for (int batch : new int[] {1, 3, 7, 37}) {
          cases.add(Arguments.of(type, geometries[i], filters[i], batch));
        }
      }
    }
    return cases;
  }

  private Tensor values(DataType type, Shape shape, int seed) {
    double[] v = new double[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((i * 7919L + seed * 104729L) % 1999 - 999) / 1000.0;
    }
    Tensor t = engine.zeros(type, shape);
    t.copyFrom(v);
    return t;
  }

  @ParameterizedTest(name = "{0} {1}, {2} filters, batch {3}")
  @MethodSource("cases")
  void equalsTheWholeBatchImToColForm(DataType type, ConvGeometry g, int filters, int batch) {
    Convolution blocked = engine.kernels().convolution(g, filters);
    assertInstanceOf(BlockedConvolution.class, blocked);
    Convolution plain = new ColumnConvolution(engine.kernels(), g, filters);
    Tensor x = values(type, g.image().withBatch(batch), 1);
    Tensor w = values(type, Shape.of(filters, g.columnRows()), 2);
    Shape out = Shape.of(batch, filters, g.outputHeight(), g.outputWidth());
    Tensor dy = values(type, out, 3);
    // dW sums up to 60,000 products of either sign, grouped by blocks differently: float keeps about 3 digits of them
    double tolerance = type == DataType.FLOAT32 ? 1e-3 : 1e-12;

    // the engine's own blocks, and blocks of one sample each (as many blocks as samples)
    Convolution[] both = {plain, blocked, new BlockedConvolution(engine, g, filters, 1, WorkerPool.shared())};
    Tensor[] y = new Tensor[3];
    Tensor[] dw = new Tensor[3];
    Tensor[] dx = new Tensor[3];
    for (int i = 0; i < 3; i++) {
      y[i] = values(type, out, 4); // stale contents, to be overwritten
      dw[i] = values(type, w.shape(), 5);
      dx[i] = values(type, x.shape(), 6);
      both[i].forward(x, w, y[i], true);
      both[i].backward(dy, w, 1, dw[i], null); // dW accumulated onto what it held
    }
    for (int i = 1; i < 3; i++) {
      assertClose(y[0], y[i], tolerance, "y");
      assertClose(dw[0], dw[i], tolerance, "dW += dY·col(X)ᵀ");
    }
    for (int i = 0; i < 3; i++) {
      both[i].backward(dy, w, 0, dw[i], dx[i]); // repeated over the same forward pass; dW overwritten
    }
    for (int i = 1; i < 3; i++) {
      assertClose(dw[0], dw[i], tolerance, "dW = dY·col(X)ᵀ");
      assertClose(dx[0], dx[i], tolerance, "dX");
    }
  }

  /**
   * dW is the same to the last bit on any number of cores: a resume on another machine, or under another container's
   * CPU limit, computes what the run would have. (Split by the cores, the partials were grouped by them, and the
   * weights of a convolutional network differed after one step on 1, 2 and 3 cores.)
   */
  @ParameterizedTest(name = "{0}, batch {1}")
  @MethodSource("batchesOnAnyCores")
  void dwIsTheSameBitsOnAnyNumberOfCores(DataType type, int batch) {
    ConvGeometry g = geometry(3, 40, 41, 3, 1, 1, 1);
    int filters = 6;
    Tensor x = values(type, g.image().withBatch(batch), 1);
    Tensor w = values(type, Shape.of(filters, g.columnRows()), 2);
    Shape out = Shape.of(batch, filters, g.outputHeight(), g.outputWidth());
    Tensor dy = values(type, out, 3);
    double[] expected = null;
    for (int cores : new int[] {1, 2, 3, 5, 16}) {
      Convolution c = new BlockedConvolution(engine, g, filters, 1 << 13, new WorkerPool(cores));
      c.forward(x, w, engine.zeros(type, out), true);
      Tensor dw = engine.zeros(type, w.shape());
      c.backward(dy, w, 0, dw, null);
      if (expected == null) {
        expected = dw.toDoubleArray();
      } else {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, dw.toDoubleArray(), cores + " cores");
      }
    }
  }

  static List<Arguments> batchesOnAnyCores() {
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (int batch : new int[] {1, 7, 37, 128}) {
        cases.add(Arguments.of(type, batch));
      }
    }
    return cases;
  }

  private static void assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], tolerance * (1 + Math.abs(e[i])), what + ", element " + i);
    }
  }

  @Test
  void backwardNeedsATrainingForwardPassAndItsBatch() {
    ConvGeometry g = geometry(2, 5, 5, 3, 1, 1, 1);
    Convolution c = engine.kernels().convolution(g, 3);
    Tensor w = values(DataType.FLOAT64, Shape.of(3, 18), 1);
    Tensor dy = values(DataType.FLOAT64, Shape.of(2, 3, 5, 5), 2);
    Tensor dw = engine.zeros(DataType.FLOAT64, w.shape());
    assertThrows(IllegalStateException.class, () -> c.backward(dy, w, 0, dw, null));
    c.forward(values(DataType.FLOAT64, Shape.of(2, 2, 5, 5), 3), w, engine.zeros(DataType.FLOAT64, dy.shape()),
        false);
    assertThrows(IllegalStateException.class, () -> c.backward(dy, w, 0, dw, null), "an inference pass keeps nothing");
    c.forward(values(DataType.FLOAT64, Shape.of(3, 2, 5, 5), 3), w,
        engine.zeros(DataType.FLOAT64, Shape.of(3, 3, 5, 5)), true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.backward(dy, w, 0, dw, null));
    assertEquals("convolution: dy is [2, 3, 5, 5] but the forward pass had 3 images", e.getMessage());
  }

  @Test
  void theWholeBatchFormRefusesAColumnMatrixTheHeapCannotGiveNamingItsWindow() {
    // 10⁶ taps at each of 28 × 28 positions (padded to keep the image's size): 2,990 MiB of float an image, past the
    // tests' heap (-Xmx2g in the build); the reference engine's own form is held to this by the conformance suite
    assumeTrue(Runtime.getRuntime().maxMemory() < 2_900L << 20, "a heap that cannot hold the column matrix");
    ConvGeometry g = new ConvGeometry(1, 28, 28, 1_000, 1_000, 1, 1, 1, 1, 499, 499, 28, 28);
    Convolution plain = new ColumnConvolution(engine.kernels(), g, 1);
    Tensor x = engine.zeros(DataType.FLOAT32, g.image().withBatch(1));
    Tensor w = engine.zeros(DataType.FLOAT32, Shape.of(1, g.columnRows()));
    Tensor y = engine.zeros(DataType.FLOAT32, Shape.of(1, 1, 28, 28));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> plain.forward(x, w, y, true));
    assertTrue(e.getMessage().startsWith("convolution: the column matrices of 1 image under a 1000×1000 window at "
        + "28×28 positions: the reference engine: the values of a tensor [1, 784000000] in FLOAT32, need about "
        + String.format(java.util.Locale.ROOT, "%,d MiB", 784_000_000L * Float.BYTES >> 20)), e.getMessage());
  }
}
