package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.function.IntFunction;
import org.delta4j.conformance.Agreement;
import org.delta4j.conformance.Tolerances;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReluGate;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The engine's image path — the convolution a sample at a time, the portable im2col and col2im on the heap around
 * one BLAS product ({@link Nd4jConvolution}), the per-channel kernels as single Vector API passes on FLOAT32
 * ({@link ChannelLoops}) —
 * agrees with the reference engine, on sizes that leave a remainder after the vector loop, on padding, strides and
 * dilation, and on a batch whose backward follows an inference pass of another batch.
 */
class ImagePathTest {
  private final Engine nd4j = Engines.get(Nd4jEngine.NAME);
  private final Engine ref = Engines.get("ref");

  private static Tensor random(Engine e, DataType type, long seed, int... dims) {
    SplitMix64 r = new SplitMix64(seed);
    double[] v = new double[Shape.of(dims).intSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextDouble() - 0.5;
    }
    return e.tensor(type, Shape.of(dims), v);
  }

  @Test
  void theConvolutionAgreesWithTheReferenceAcrossAnInferencePassBeforeBackward() {
    ConvGeometry[] geometries = {
        new ConvGeometry(3, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 7, 6), //  same padding
        new ConvGeometry(3, 9, 7, 3, 3, 1, 1, 1, 1, 1, 2, 9, 8), //  padded 2 on the left, 1 on the right
        new ConvGeometry(3, 7, 6, 3, 2, 2, 2, 2, 1, 1, 0, 3, 3)}; // stride 2, dilated rows
    for (ConvGeometry g : geometries) {
      for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
        convolutionAgrees(g, type);
      }
    }
  }

  private void convolutionAgrees(ConvGeometry g, DataType type) {
    int filters = 5;
    int rows = g.columnRows();
    assertInstanceOf(Nd4jConvolution.class, nd4j.kernels().convolution(g, filters));
    String[] names = {"y", "dw", "dx"};
    agreeOnBothEngines(type, i -> "convolution " + g + " " + type + " " + names[i], engine -> {
      Convolution conv = engine.kernels().convolution(g, filters);
      Tensor x = random(engine, type, 1, 4, 3, g.height(), g.width());
      Tensor w = random(engine, type, 2, filters, rows);
      Tensor y = engine.zeros(type, Shape.of(4, filters, g.outputHeight(), g.outputWidth()));
      conv.forward(x, w, y, true);
      conv.forward(random(engine, type, 3, 2, 3, g.height(), g.width()), w,
          engine.zeros(type, Shape.of(2, filters, g.outputHeight(), g.outputWidth())), false);
      Tensor dy = random(engine, type, 4, 4, filters, g.outputHeight(), g.outputWidth());
      Tensor dw = random(engine, type, 5, filters, rows);
      Tensor dx = random(engine, type, 6, 4, 3, g.height(), g.width()); // overwritten
      conv.backward(dy, w, 0.5, dw, dx);
      return new Tensor[] {y, dw, dx};
    });
  }

  /**
   * Over batches of one sample, of one block ({@link Nd4jConvolution#BLOCK}), of one more and of two blocks and a part,
   * on images large enough that each block's samples are shared among the cores, and on larger ones that take fewer
   * samples a block ({@link Nd4jConvolution#BLOCK_ELEMENTS}), with one filter and with six: the convolution agrees
   * with the reference engine whether its products run on OpenBLAS's threads or on the cores, and y and dW have the
   * same bits either way, being the same products (dW summed in sample order); dX, one product a block on OpenBLAS's
   * threads and one a sample on the cores, agrees.
   */
  @Test
  void theConvolutionAgreesOverBlocksWhereverItsProductsRun() {
    boolean turns = BlasGemm.turns();
    try {
      agreesOverBlocks(new ConvGeometry(4, 12, 11, 3, 3, 1, 1, 1, 1, 1, 1, 12, 11)); //   5,148 column entries a sample
      agreesOverBlocks(new ConvGeometry(10, 30, 30, 3, 3, 1, 1, 1, 1, 1, 1, 30, 30)); // 81,000: blocks of 12
    } finally {
      BlasGemm.setTurns(turns ? 2 : 1);
    }
  }

  private void agreesOverBlocks(ConvGeometry g) {
    int block = Nd4jConvolution.BLOCK;
    for (int filters : new int[] {1, 6}) {
      for (int batch : new int[] {1, block, block + 1, 2 * block + 5}) {
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
          BlasGemm.setTurns(2);
          Tensor[] threaded = convolve(nd4j, g, filters, type, batch);
          BlasGemm.setTurns(1);
          Tensor[] onTheCores = convolve(nd4j, g, filters, type, batch);
          Tensor[] expected = convolve(ref, g, filters, type, batch);
          String[] names = {"y", "dw", "dx", "y of an inference pass"};
          for (int i = 0; i < names.length; i++) {
            String name = names[i] + " under " + g + ", " + filters + " filters, batch " + batch + ", " + type;
            Agreement.assertAgree(name + ", products on OpenBLAS's threads", expected[i], threaded[i],
                Tolerances.of(type));
            Agreement.assertAgree(name + ", products on the cores", expected[i], onTheCores[i], Tolerances.of(type));
            if (i != 2) {
              assertArrayEquals(threaded[i].toDoubleArray(), onTheCores[i].toDoubleArray(), name);
            }
          }
        }
      }
    }
  }

  /** y, dW and dX of a training pass and its backward, then y of an inference pass, on one engine. */
  private static Tensor[] convolve(Engine engine, ConvGeometry g, int filters, DataType type, int batch) {
    Convolution conv = engine.kernels().convolution(g, filters);
    Shape out = Shape.of(batch, filters, g.outputHeight(), g.outputWidth());
    Tensor x = random(engine, type, 31, batch, g.channels(), g.height(), g.width());
    Tensor w = random(engine, type, 32, filters, g.columnRows());
    Tensor y = engine.zeros(type, out);
    conv.forward(x, w, y, true);
    Tensor dy = random(engine, type, 33, batch, filters, g.outputHeight(), g.outputWidth());
    Tensor dw = random(engine, type, 34, filters, g.columnRows());
    Tensor dx = random(engine, type, 35, batch, g.channels(), g.height(), g.width()); // overwritten
    conv.backward(dy, w, 0.5, dw, dx);
    Tensor inferred = engine.zeros(type, out);
    conv.forward(random(engine, type, 36, batch, g.channels(), g.height(), g.width()), w, inferred, false);
    return new Tensor[] {y, dw, dx, inferred};
  }

  @Test
  void backwardBeforeATrainingPassFails() {
    ConvGeometry g = new ConvGeometry(1, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5);
    Convolution conv = nd4j.kernels().convolution(g, 2);
    Tensor w = nd4j.zeros(DataType.FLOAT32, Shape.of(2, 9));
    Tensor dy = nd4j.zeros(DataType.FLOAT32, Shape.of(1, 2, 5, 5));
    assertThrows(IllegalStateException.class, () -> conv.backward(dy, w, 0, null, null));
  }

  @Test
  void thePerChannelKernelsAgreeWithTheReferenceInFloat32() {
    perChannelKernelsAgree(3, 4, 5, 7); // S = 35: a remainder after any vector length
  }

  /** 58,608 elements: rows split between the cores, each part's sums added after. */
  @Test
  void thePerChannelKernelsAgreeWithTheReferenceWhenTheirRowsAreSplitBetweenTheCores() {
    perChannelKernelsAgree(6, 8, 33, 37);
  }

  private void perChannelKernelsAgree(int... dims) {
    DataType f = DataType.FLOAT32;
    int channels = dims[1];
    agreeOnBothEngines(f, i -> "per-channel result " + i + " of " + Shape.of(dims), engine -> {
      Kernels k = engine.kernels();
      Tensor x = random(engine, f, 1, dims);
      Tensor z = random(engine, f, 2, dims);
      Tensor a = random(engine, f, 3, channels);
      Tensor b = random(engine, f, 4, channels);
      Tensor shift = random(engine, f, 5, channels);
      Tensor affine = engine.zeros(f, Shape.of(dims));
      k.channelAffine(x, a, shift, affine);
      Tensor scaled = engine.zeros(f, Shape.of(dims));
      k.channelAffine(x, a, null, scaled);
      Tensor shifted = engine.zeros(f, Shape.of(dims));
      k.channelAffine(x, null, shift, shifted);
      Tensor centre = random(engine, f, 8, channels);
      Tensor centred = engine.zeros(f, Shape.of(dims));
      k.channelAffine(x, centre, a, shift, centred);
      Tensor combined = engine.zeros(f, Shape.of(dims));
      k.channelCombine(x, a, z, b, shift, combined, engine.zeros(f, Shape.of(dims)));
      Tensor centredCombined = engine.zeros(f, Shape.of(dims));
      k.channelCombine(x, a, z, centre, b, shift, null, centredCombined, engine.zeros(f, Shape.of(dims)));
      Tensor sums = random(engine, f, 6, channels);
      k.channelSums(x, null, 0.5, sums);
      Tensor products = random(engine, f, 7, channels);
      k.channelSums(x, z, 0, products);
      Tensor both = engine.zeros(f, Shape.of(channels));
      Tensor bothProducts = engine.zeros(f, Shape.of(channels));
      k.channelSumsAndProducts(x, z, both, bothProducts);
      Tensor moved = engine.zeros(f, Shape.of(dims));
      Tensor squares = engine.zeros(f, Shape.of(channels));
      k.channelShiftAndSquares(x, shift, moved, squares);
      return new Tensor[] {affine, scaled, shifted, centred, combined, centredCombined, sums, products, both,
          bothProducts, moved, squares};
    });
  }

  /**
   * Runs {@code compute} on the reference engine and on this one, and asserts that each tensor it returns agrees
   * between the two within {@code type}'s tolerance; the i-th is called {@code name.apply(i)}.
   */
  private void agreeOnBothEngines(DataType type, IntFunction<String> name, Function<Engine, Tensor[]> compute) {
    Tensor[] expected = compute.apply(ref);
    Tensor[] actual = compute.apply(nd4j);
    for (int i = 0; i < expected.length; i++) {
      Agreement.assertAgree(name.apply(i), expected[i], actual[i], Tolerances.of(type));
    }
  }

  /**
   * The kernels of a batch normalisation fused with its ReLU — channelAffineRelu and the gated channelCombine, each
   * one pass on FLOAT32 — agree with the reference engine; and the gate opens exactly where the engine's own
   * channelAffineRelu is positive: the gated combination equals, bit for bit, the plain one of x with the places where
   * the forward pass's ReLU gave 0 zeroed.
   */
  @Test
  void theReluFusedKernelsAgreeWithTheReferenceAndOpenWhereTheForwardPassPassed() {
    reluFusedKernelsAgree(3, 4, 5, 7); // S = 35: a remainder after any vector length
    reluFusedKernelsAgree(6, 8, 33, 37); // rows split between the cores
  }

  private void reluFusedKernelsAgree(int... dims) {
    DataType f = DataType.FLOAT32;
    int channels = dims[1];
    Shape shape = Shape.of(dims);
    agreeOnBothEngines(f, i -> "ReLU-fused result " + i + " of " + shape, engine -> {
      Kernels k = engine.kernels();
      Tensor x = random(engine, f, 21, dims);
      Tensor z = random(engine, f, 22, dims);
      Tensor a = random(engine, f, 23, channels);
      Tensor b = random(engine, f, 24, channels);
      Tensor shift = random(engine, f, 25, channels);
      Tensor centre = random(engine, f, 28, channels);
      ReluGate gate = new ReluGate(centre, random(engine, f, 26, channels), random(engine, f, 27, channels));
      Tensor relu = engine.zeros(f, shape);
      k.channelAffineRelu(z, gate.centre(), gate.scale(), gate.shift(), relu);
      Tensor gated = engine.zeros(f, shape);
      k.channelCombine(x, a, z, centre, b, shift, gate, gated, engine.zeros(f, shape));
      if (engine == nd4j) {
        double[] passed = relu.toDoubleArray();
        double[] masked = x.toDoubleArray();
        int open = 0;
        for (int i = 0; i < masked.length; i++) {
          if (passed[i] > 0) {
            open++;
          } else {
            masked[i] = 0;
          }
        }
        assertTrue(open > masked.length / 4 && open < masked.length * 3 / 4, open + " of " + masked.length
            + " open: the case must exercise both sides of the gate");
        Tensor plain = engine.zeros(f, shape);
        k.channelCombine(engine.tensor(f, shape, masked), a, z, centre, b, shift, null, plain, engine.zeros(f, shape));
        assertArrayEquals(plain.toDoubleArray(), gated.toDoubleArray());
      }
      Tensor sums = engine.zeros(f, Shape.of(channels));
      Tensor products = engine.zeros(f, Shape.of(channels));
      k.channelSumsAndProducts(x, z, shift, gate, sums, products, engine.zeros(f, shape));
      return new Tensor[] {relu, gated, sums, products};
    });
  }

  /**
   * Σg·dy and Σg·dy·(x − μ) with x around 1000 and a spread of 1: formed inside the pass, not as Σg·dy·x − μ·Σg·dy,
   * which in float would lose about 3 of the 7 digits. The gate is open where the engine's own channelAffine gives
   * a positive value, as the forward pass's ReLU saw it.
   */
  @Test
  void gatedCentredSumsStayAccurateWhenTheMeanDwarfsTheSpread() {
    DataType f = DataType.FLOAT32;
    int[] dims = {3, 4, 5, 7};
    int channels = dims[1];
    int size = dims[2] * dims[3];
    Kernels k = nd4j.kernels();
    double[] xs = random(nd4j, f, 11, dims).toDoubleArray();
    for (int i = 0; i < xs.length; i++) {
      xs[i] = 1000 + 2 * xs[i];
    }
    Tensor x = nd4j.tensor(f, Shape.of(dims), xs);
    Tensor dy = random(nd4j, f, 12, dims);
    double[] mean = new double[channels];
    double[] gateScale = random(nd4j, f, 13, channels).toDoubleArray();
    double[] gateShift = new double[channels];
    double[] xv = x.toDoubleArray();
    for (int i = 0; i < xv.length; i++) {
      mean[i / size % channels] += xv[i] / (xv.length / channels);
    }
    for (int c = 0; c < channels; c++) {
      gateShift[c] = -gateScale[c] * mean[c]; // open for about half of each channel
    }
    Tensor origin = nd4j.tensor(f, Shape.of(channels), mean);
    ReluGate gate = new ReluGate(nd4j.tensor(f, Shape.of(channels), gateScale),
        nd4j.tensor(f, Shape.of(channels), gateShift));
    Tensor z = nd4j.zeros(f, Shape.of(dims));
    k.channelAffine(x, gate.scale(), gate.shift(), z);
    double[] open = z.toDoubleArray();
    double[] o = origin.toDoubleArray();
    double[] g = dy.toDoubleArray();
    for (ReluGate used : new ReluGate[] {null, gate}) {
      double[] sums = new double[channels];
      double[] products = new double[channels];
      double[] scale = new double[channels];
      for (int i = 0; i < xv.length; i++) {
        int c = i / size % channels;
        if (used == null || open[i] > 0) {
          sums[c] += g[i];
          products[c] += g[i] * (xv[i] - o[c]);
          scale[c] += Math.abs(g[i] * (xv[i] - o[c]));
        }
      }
      Tensor s = nd4j.zeros(f, Shape.of(channels));
      Tensor p = nd4j.zeros(f, Shape.of(channels));
      k.channelSumsAndProducts(dy, x, origin, used, s, p, nd4j.zeros(f, Shape.of(dims)));
      double[] actualSums = s.toDoubleArray();
      double[] actualProducts = p.toDoubleArray();
      for (int c = 0; c < channels; c++) {
        String what = (used == null ? "ungated" : "gated") + " channel " + c;
        assertEquals(sums[c], actualSums[c], 1e-5 * (1 + Math.abs(sums[c])), what);
        assertEquals(products[c], actualProducts[c], 1e-5 * scale[c], what);
      }
    }
  }
}
