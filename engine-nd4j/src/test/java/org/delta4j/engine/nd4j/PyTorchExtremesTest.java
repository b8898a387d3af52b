package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.delta4j.conformance.PyTorch;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The losses and activations at the ends of the number range compute, on both engines and in FLOAT32 and FLOAT64,
 * what PyTorch computes for them ({@code torch_extremes.py}, in float64 on the same values): logits of ±1e4, ±1e30
 * and ±the largest float, all equal or of one class; probabilities of exactly 0 and 1; targets soft, not one-hot or
 * not summing to 1; saturated sigmoids and tanhs; every activation at NaN, rectifiers at 0 and ±∞, softmax rows
 * holding ±∞ or NaN. Where Delta4j documents a convention of its own the script follows it and says so
 * (probabilities clamped to [ε, 1 − ε], the perceptron's subgradient at 0).
 * NaN and ∞ in predictions or targets must give the non-finite loss PyTorch gives, which a network refuses, never a
 * finite one. Each result agrees to a few units of the type's round-off, relative to the largest of its array.
 */
class PyTorchExtremesTest {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(JsonGenerator.Feature.QUOTE_NON_NUMERIC_NUMBERS, false); // NaN and Infinity as Python reads them
  private static final double M = Float.MAX_VALUE;
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double ALPHA = -0.5; // a leaky ReLU slope the spec allows: any finite one

  @Test
  void lossesAndActivationsAtTheExtremesComputeWhatPyTorchComputes(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    List<String> cases = new ArrayList<>();
    for (Engine engine : List.of(new RefEngine(), Engines.get(Nd4jEngine.NAME))) {
      for (DataType type : DataType.values()) {
        for (LossFunction f : LossFunction.values()) {
          List<double[][]> blocks = lossBlocks(f, type);
          for (int i = 0; i < blocks.size(); i++) {
            cases.add(lossCase(engine.name() + "/" + type + "/" + f + "/" + i, engine, type, f, blocks.get(i)));
          }
        }
        for (ActivationFunction f : ActivationFunction.values()) {
          double[] alphas = f == ActivationFunction.LEAKY_RELU ? new double[] {0.01, 0.3, ALPHA} : new double[] {0};
          for (double alpha : alphas) {
            cases.add(activationCase(engine.name() + "/" + type + "/" + f + "/" + alpha, engine, type, f, alpha));
          }
        }
        for (int[] pool : POOLS) {
          for (boolean max : new boolean[] {true, false}) {
            cases.add(poolCase(engine.name() + "/" + type + "/" + (max ? "max" : "avg") + Arrays.toString(pool),
                engine, type, max, pool));
          }
        }
      }
    }
    List<String> verdicts = PyTorch.verdicts(PyTorchExtremesTest.class, "torch_extremes.py", dir, cases);
    List<String> differing = verdicts.stream().filter(v -> !v.endsWith(" agrees")).toList();
    assertTrue(differing.isEmpty(), differing.size() + " of " + cases.size() + " differ from PyTorch:\n"
        + String.join("\n", differing));
  }

  /**
   * Past {@link SmallArrays#MAX_ELEMENTS} the nd4j engine computes the losses and activations with ND4J's own ops, not
   * the loops checked against PyTorch above: on the same extreme blocks, repeated into tensors of more elements than
   * that, it computes what the reference engine computes, NaN where it gives NaN.
   */
  @Test
  void pastTheSmallArraysTheNd4jEngineComputesWhatTheReferenceEngineComputes() {
    Engine reference = new RefEngine();
    Engine nd4j = Engines.get(Nd4jEngine.NAME);
    List<String> differing = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (LossFunction f : LossFunction.values()) {
        for (double[][] block : lossBlocks(f, type)) {
          double[] p = repeated(block[0]);
          double[] t = repeated(block[1]);
          Shape shape = Shape.of(p.length / 4, 4);
          double[][] on = new double[2][];
          double[] loss = new double[2];
          for (int e = 0; e < 2; e++) {
            Engine engine = e == 0 ? reference : nd4j;
            Tensor g = engine.zeros(type, shape);
            loss[e] = engine.kernels().loss(f, engine.tensor(type, shape, p), engine.tensor(type, shape, t), g);
            on[e] = g.toDoubleArray();
          }
          String where = type + " " + f + " " + Arrays.toString(block[0]) + ": ";
          check(where + "loss", new double[] {loss[1]}, new double[] {loss[0]}, type, differing);
          check(where + "gradient", on[1], on[0], type, differing);
        }
      }
      for (ActivationFunction f : ActivationFunction.values()) {
        double[] x = repeated(activationInputs(type));
        Random random = new Random(1);
        double[] dy = new double[x.length];
        for (int i = 0; i < dy.length; i++) {
          dy[i] = random.nextGaussian();
        }
        Shape shape = Shape.of(x.length / 8, 8);
        double[][] out = new double[2][];
        double[][] in = new double[2][];
        for (int e = 0; e < 2; e++) {
          Engine engine = e == 0 ? reference : nd4j;
          Tensor xs = engine.tensor(type, shape, x);
          Tensor y = engine.zeros(type, shape);
          Tensor dx = engine.zeros(type, shape);
          engine.kernels().activation(f, ALPHA, xs, y);
          engine.kernels().activationBackward(f, ALPHA, xs, y, engine.tensor(type, shape, dy), dx);
          out[e] = y.toDoubleArray();
          in[e] = dx.toDoubleArray();
        }
        check(type + " " + f + " output", out[1], out[0], type, differing);
        check(type + " " + f + " input gradient", in[1], in[0], type, differing);
      }
    }
    assertTrue(differing.isEmpty(), String.join("\n", differing));
  }

  /** values repeated to more than {@link SmallArrays#MAX_ELEMENTS} elements. */
  private static double[] repeated(double[] values) {
    int copies = (int) (SmallArrays.MAX_ELEMENTS / values.length) + 1;
    double[] all = new double[copies * values.length];
    for (int i = 0; i < copies; i++) {
      System.arraycopy(values, 0, all, i * values.length, values.length);
    }
    return all;
  }

  /**
   * Adds to {@code differing} where {@code got} leaves {@code expected} by more than a few units of the type's
   * round-off relative to the largest finite |expected| (as torch_extremes.py judges), or NaN and ∞ do not match.
   */
  private static void check(String what, double[] got, double[] expected, DataType type, List<String> differing) {
    double tolerance = type == DataType.FLOAT32 ? 1e-6 : 1e-12;
    double scale = 0;
    for (double e : expected) {
      scale = Double.isFinite(e) ? Math.max(scale, Math.abs(e)) : scale;
    }
    for (int i = 0; i < got.length; i++) {
      double a = got[i];
      double b = expected[i];
      boolean ok = Double.isFinite(b)
          ? Double.isFinite(a) && Math.abs(a - b) <= tolerance * Math.max(Math.abs(b), scale)
          : Double.compare(a, b) == 0 || (Double.isNaN(a) && Double.isNaN(b));
      if (!ok) {
        differing.add(what + " [" + i + "]: nd4j " + a + ", reference " + b);
        return;
      }
    }
  }

  /**
   * Blocks of {predictions, targets}, each a [rows, 4] matrix row-major: a loss is a mean over rows, so values that
   * make it NaN or infinite have blocks of their own and do not hide the others.
   */
  static List<double[][]> lossBlocks(LossFunction f, DataType type) {
    boolean wide = type == DataType.FLOAT64;
    return switch (f) {
      case SOFTMAX_CROSS_ENTROPY -> Stream.of(
          new double[][] {
              {1e4, -1e4, 0, 1, -1e4, 1e4, 0, 1, 1e30, 1e30, 1e30, 1e30, -1e30, 1e30, 1e30, -1e30, M, -M, M, 0,
                  5, 5, 5, 5, 0.5, -1, 2, 0, 0.5, -1, 2, 0, 1e8 + 1, 1e8, 1e8 - 2, 1e8},
              {1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0.5, 0.5, 0, 0, 1, 0, 0, // one-hot, soft
                  0.5, 0.2, 0, 0, 0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4, 0, 1, 0, 0}}, // not summing to 1, no mass
          wide ? new double[][] {{Double.MAX_VALUE, -Double.MAX_VALUE, 0, 1}, {0, 1, 0, 0}} : null, // FLOAT64 only
          new double[][] {{NAN, 0, 1, 2}, {1, 0, 0, 0}},
          new double[][] {{0, 1, 2, 3}, {NAN, 0, 1, 0}},
          new double[][] {{INF, 0, 1, 2}, {1, 0, 0, 0}},
          new double[][] {{-INF, 0, 1, 2}, {0, 1, 0, 0}},
          new double[][] {{0, 1, 2, 3}, {0, INF, 0, 0}},
          new double[][] {{INF, INF, 0, 1}, {0, 0, 1, 0}},
          new double[][] {{-INF, -INF, -INF, -INF}, {1, 0, 0, 0}}).filter(Objects::nonNull).toList();
      case CATEGORICAL_CROSS_ENTROPY -> List.of(
          new double[][] {
              {1, 0, 0, 0, 0, 1, 0, 0, 0.25, 0.25, 0.25, 0.25, 0.7, 0.3, 0, 0, 1e-30, 0.5, 0.5, 0, 0.5, 0.5, 0, 0},
              {1, 0, 0, 0, 1, 0, 0, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}},
          new double[][] {{NAN, 0.5, 0.5, 0}, {0, 1, 0, 0}}, // NaN where the target is 0
          new double[][] {{NAN, NAN, NAN, NAN}, {0, 0, 0, 0}},
          new double[][] {{0.5, 0.5, 0, 0}, {NAN, 1, 0, 0}});
      case BINARY_CROSS_ENTROPY -> List.of(
          new double[][] {
              {0, 1, 0, 1, 0.5, 1e-30, 1 - 1e-10, 1e-10, 0, 1, 0.5, 0.5},
              {0, 1, 1, 0, 0.3, 0, 1, 1, 0.3, 0.7, 0, 1}},
          new double[][] {{NAN, 0.5, 0.5, 0.5}, {0, 0, 1, 0}},
          new double[][] {{0.5, 0.5, 0.5, 0.5}, {NAN, 0, 1, 0}},
          new double[][] {{0.5, 0.5, 0.5, 0.5}, {INF, 0, 1, 0}});
      case SQUARED_ERROR, MEAN_SQUARED_ERROR -> Stream.of(
          new double[][] {
              {1e15, -1e15, 0, 1, 1e4, -1e4, 1e-30, -1e-30},
              {-1e15, 1e15, 0, 1, 1e4 + 1, 1e4, -1e-30, 1e-30}},
          wide ? new double[][] {{1e150, -1e150, 0, M}, {-1e150, 1e150, 0, -M}} : null, // FLOAT64 only
          new double[][] {{NAN, 0, 0, 0}, {0, 0, 0, 0}},
          new double[][] {{0, 0, 0, 0}, {INF, 0, 0, 0}},
          new double[][] {{INF, 0, 0, 0}, {INF, 0, 0, 0}}).filter(Objects::nonNull).toList();
      case PERCEPTRON -> List.of(
          new double[][] {
              {0, -0.0, 1e30, -1e30, M, -M, 1e-45, 0},
              {1, -1, 1, 1, -1, 1, 1, -1}},
          new double[][] {{NAN, 1, 1, 1}, {1, 1, 1, 1}},
          new double[][] {{1, 1, 1, 1}, {NAN, 1, 1, 1}});
    };
  }

  /** One case as a line of JSON: the loss, its inputs as the engine stores them, and the engine's loss and gradient. */
  private static String lossCase(String name, Engine engine, DataType type, LossFunction f, double[][] block)
      throws IOException {
    Shape shape = Shape.of(block[0].length / 4, 4);
    Tensor p = engine.tensor(type, shape, block[0]);
    Tensor t = engine.tensor(type, shape, block[1]);
    Tensor g = engine.zeros(type, shape);
    double loss = engine.kernels().loss(f, p, t, g);
    Map<String, Object> json = header(name, "loss", f.type(), type, shape);
    json.put("eps", type.probabilityEpsilon());
    json.put("p", p.toDoubleArray());
    json.put("t", t.toDoubleArray());
    json.put("loss", loss);
    json.put("gradient", g.toDoubleArray());
    return JSON.writeValueAsString(json);
  }

  /**
   * One case as a line of JSON: x of {@link #activationInputs}, output gradients drawn at random, and the engine's
   * output and input gradient.
   */
  private static String activationCase(String name, Engine engine, DataType type, ActivationFunction f,
      double alpha) throws IOException {
    double[] x = activationInputs(type);
    Shape shape = Shape.of(x.length / 8, 8);
    Random random = new Random(name.hashCode());
    double[] dy = new double[x.length];
    for (int i = 0; i < dy.length; i++) {
      dy[i] = random.nextGaussian();
    }
    Tensor in = engine.tensor(type, shape, x);
    Tensor out = engine.zeros(type, shape);
    Tensor outGradient = engine.tensor(type, shape, dy);
    Tensor inGradient = engine.zeros(type, shape);
    engine.kernels().activation(f, alpha, in, out);
    engine.kernels().activationBackward(f, alpha, in, out, outGradient, inGradient);
    Map<String, Object> json = header(name, "activation", f.label(), type, shape);
    json.put("alpha", alpha);
    json.put("x", in.toDoubleArray());
    json.put("dy", outGradient.toDoubleArray());
    json.put("y", out.toDoubleArray());
    json.put("dx", inGradient.toDoubleArray());
    return JSON.writeValueAsString(json);
  }

  /**
   * Rows of 8: x at 0 and −0, around the sigmoid's and tanh's saturation, at ±1e4, ±1e30, ±the largest float and ±∞,
   * subnormal, NaN, and softmax rows of equal, huge and mixed values, with −∞ among finite ones, all −∞, and NaN.
   */
  private static double[] activationInputs(DataType type) {
    double tiny = type == DataType.FLOAT32 ? 1e-45 : 1e-320; // subnormal
    return new double[] {
        0, -0.0, 1, -1, 20, -20, 100, -100,
        1e4, -1e4, 1e30, -1e30, M, -M, INF, -INF,
        tiny, -tiny, 0.5, -0.5, 1e-8, -1e-8, 40, -40,
        1e30, 1e30, 1e30, 1e30, 1e30, 1e30, 1e30, 1e30,
        M, M, -M, -M, 0, 0, M, M,
        1e4, 1e4 + 1, 1e4 - 1, -1e4, 0, 1e4, 1e4, 1e4,
        -INF, 0, 1, 2, -INF, -1, 0.5, 3,
        -INF, -INF, -INF, -INF, -INF, -INF, -INF, -INF,
        NAN, 1, -1, 0, -0.0, 2, INF, -INF}; // last, in the vector loops' tail where 16 lanes leave one
  }

  /** Pooling images [N, C, H, W] of {@link #poolInputs}: 12 rows, 20 columns, past a vector of 2×2 windows. */
  private static final int[] IMAGES = {2, 2, 12, 20};

  /**
   * Pooling windows {height, width, stride, padding}: tiling 2×2 (the engines' own loops), overlapping, padded, and
   * one over the whole image (global average pooling).
   */
  private static final int[][] POOLS = {{2, 2, 2, 0}, {2, 2, 1, 0}, {3, 3, 2, 1}, {3, 3, 1, 1}, {12, 20, 1, 0}};

  /**
   * Values of halves from −2 to 2, so that windows tie, with −0 beside +0, and NaN, ±∞ sprinkled: windows holding
   * one NaN, two or three (which of them takes the gradient), NaN beside +∞, windows of −∞ alone, padded or not.
   */
  private static double[] poolInputs() {
    Random random = new Random(7);
    int w = IMAGES[3];
    double[] x = new double[IMAGES[0] * IMAGES[1] * IMAGES[2] * w];
    for (int i = 0; i < x.length; i++) {
      double r = random.nextDouble();
      double half = Math.round(4 * random.nextGaussian()) / 2.0;
      x[i] = r < 0.04 ? NAN : r < 0.08 ? INF : r < 0.14 ? -INF : r < 0.2 ? -0.0 : half;
    }
    for (int i : new int[] {0, 1, w, w + 1, 4 * w + 6, 4 * w + 7, 5 * w + 6, 5 * w + 7}) {
      x[i] = -INF; // the first plane's corner window, padded windows there, and a tile of −∞ alone
    }
    for (int i : new int[] {2, 3, w + 3, 8 * w + 2, 9 * w + 3, 8 * w + 10, 8 * w + 11, 9 * w + 10}) {
      x[x.length / 2 + i] = NAN; // several NaN in one window, tiled and not
    }
    x[x.length / 2 + 2 * w + 4] = INF;
    x[x.length / 2 + 2 * w + 5] = NAN;
    return x;
  }

  /** One pooling case as a line of JSON: x of {@link #poolInputs}, dy drawn at random, the engine's y and dx. */
  private static String poolCase(String name, Engine engine, DataType type, boolean max, int[] pool)
      throws IOException {
    int h = IMAGES[2];
    int w = IMAGES[3];
    int kh = pool[0];
    int kw = pool[1];
    int stride = pool[2];
    int pad = pool[3];
    int oh = (h + 2 * pad - kh) / stride + 1;
    int ow = (w + 2 * pad - kw) / stride + 1;
    ConvGeometry g = new ConvGeometry(IMAGES[1], h, w, kh, kw, stride, stride, 1, 1, pad, pad, oh, ow);
    Shape images = Shape.of(IMAGES);
    Shape pooled = Shape.of(IMAGES[0], IMAGES[1], oh, ow);
    Random random = new Random(name.hashCode());
    double[] dy = new double[pooled.intSize()];
    for (int i = 0; i < dy.length; i++) {
      dy[i] = random.nextGaussian();
    }
    Tensor x = engine.tensor(type, images, poolInputs());
    Tensor y = engine.zeros(type, pooled);
    Tensor outGradient = engine.tensor(type, pooled, dy);
    Tensor dx = engine.zeros(type, images);
    if (max) {
      engine.kernels().maxPool(x, g, y);
      engine.kernels().maxPoolBackward(x, outGradient, g, dx);
    } else {
      engine.kernels().avgPool(x, g, y);
      engine.kernels().avgPoolBackward(outGradient, g, dx);
    }
    Map<String, Object> json = header(name, "pool", max ? "max" : "avg", type, images);
    json.put("shape", images.dims());
    json.put("window", new int[] {kh, kw});
    json.put("stride", stride);
    json.put("padding", pad);
    json.put("x", x.toDoubleArray());
    json.put("dy", outGradient.toDoubleArray());
    json.put("y", y.toDoubleArray());
    json.put("dx", dx.toDoubleArray());
    return JSON.writeValueAsString(json);
  }

  private static Map<String, Object> header(String name, String kind, String function, DataType type, Shape shape) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("kind", kind);
    json.put("function", function);
    json.put("type", type.name());
    json.put("rows", shape.dim(0));
    json.put("cols", shape.dim(1));
    return json;
  }
}
