package org.delta4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.gradcheck.GradientCheckResult;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.BatchNorm;
import org.delta4j.spec.Conv2D;
import org.delta4j.spec.Flatten;
import org.delta4j.spec.GlobalAveragePool2D;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.Pool2D;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conv2D, pooling, global average pooling, flatten and batch normalisation: values worked out by hand on a tiny image,
 * gradients against finite differences over a grid of geometries, wrong inputs named, running statistics used at
 * inference.
 */
class ConvolutionLayersTest {
  private static final Engine ENGINE = new RefEngine();

  /** The layer a spec builds for one input shape, with parameters drawn from {@code seed} in [−0.5, 0.5). */
  static Layer build(LayerSpec spec, Shape input, DataType type, long seed) {
    return build(spec, input, type, seed, new LinkedHashMap<>());
  }

  /** As {@link #build(LayerSpec, Shape, DataType, long)}, putting the buffers it declares into {@code buffers}. */
  static Layer build(LayerSpec spec, Shape input, DataType type, long seed, Map<String, Tensor> buffers) {
    Map<String, Parameter> params = new LinkedHashMap<>();
    SplitMix64 r = new SplitMix64(seed);
    for (ParameterSpec p : spec.parameters(input)) {
      Parameter parameter = Parameter.zeros(spec.name() + "." + p.role(), p.shape(), ENGINE, type);
      double[] v = new double[p.shape().intSize()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextDouble() - 0.5;
      }
      parameter.value().copyFrom(v);
      params.put(p.role(), parameter);
    }
    for (ParameterSpec b : spec.buffers(input)) {
      double[] v = new double[b.shape().intSize()];
      b.initializer().fill(v, b.fanIn(), b.fanOut(), r);
      buffers.put(b.role(), ENGINE.tensor(type, b.shape(), v));
    }
    return spec.build(LayerContext.of(spec.name(), input, ENGINE, type, seed, params, buffers));
  }

  private static Tensor random(Shape shape, long seed) {
    double[] v = new double[shape.intSize()];
    SplitMix64 r = new SplitMix64(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = 4 * r.nextDouble() - 2;
    }
    return ENGINE.tensor(DataType.FLOAT64, shape, v);
  }

  /** The image 1..16 in rows: x[i, j] = 4i + j + 1. */
  private static Tensor image4x4() {
    double[] v = new double[16];
    for (int i = 0; i < 16; i++) {
      v[i] = i + 1;
    }
    return ENGINE.tensor(DataType.FLOAT64, Shape.of(1, 1, 4, 4), v);
  }

  @Test
  void aTwoByTwoConvolutionOfAFourByFourImageByHand() {
    Layer conv = build(new Conv2D("conv", 1, Window2D.square(2, Padding.VALID), Initializer.zeros(), true,
        Initializer.zeros()), Shape.of(1, 4, 4), DataType.FLOAT64, 1);
    conv.parameters().get(0).value().copyFrom(new double[] {1, 2, 3, 4});
    conv.parameters().get(1).value().copyFrom(new double[] {0.5});
    // y[i, j] = x[i, j] + 2x[i, j+1] + 3x[i+1, j] + 4x[i+1, j+1] + 0.5 = 10(4i + j + 1) + 34.5
    Tensor y = conv.forward(image4x4(), Mode.training(0));
    assertEquals(Shape.of(1, 1, 3, 3), y.shape());
    assertArrayEquals(new double[] {44.5, 54.5, 64.5, 84.5, 94.5, 104.5, 124.5, 134.5, 144.5}, y.toDoubleArray());
    Tensor dx = conv.backward(ENGINE.tensor(DataType.FLOAT64, y.shape(), 1, 1, 1, 1, 1, 1, 1, 1, 1), true);
    // dW[a, b] = Σ_{i,j<3} x[i+a, j+b]; db = 9 ones; dX[r, c] = Σ of the kernel taps that cover (r, c)
    assertArrayEquals(new double[] {54, 63, 90, 99}, conv.parameters().get(0).gradient().toDoubleArray());
    assertArrayEquals(new double[] {9}, conv.parameters().get(1).gradient().toDoubleArray());
    assertArrayEquals(new double[] {1, 3, 3, 2, 4, 10, 10, 6, 4, 10, 10, 6, 3, 7, 7, 4}, dx.toDoubleArray());
  }

  @Test
  void aTwoByTwoMaxPoolOfAFourByFourImageByHand() {
    Layer pool = build(new Pool2D(Pool2D.Kind.MAX, 2).withName("pool"), Shape.of(1, 4, 4), DataType.FLOAT64, 1);
    Tensor y = pool.forward(image4x4(), Mode.training(0));
    assertArrayEquals(new double[] {6, 8, 14, 16}, y.toDoubleArray());
    Tensor dx = pool.backward(ENGINE.tensor(DataType.FLOAT64, y.shape(), 1, 2, 3, 4), true);
    assertArrayEquals(new double[] {0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4}, dx.toDoubleArray());
    Layer avg = build(new Pool2D(Pool2D.Kind.AVERAGE, 2).withName("avg"), Shape.of(1, 4, 4), DataType.FLOAT64, 1);
    assertArrayEquals(new double[] {3.5, 5.5, 11.5, 13.5}, avg.forward(image4x4(), Mode.inference()).toDoubleArray());
  }

  static Stream<Arguments> grid() {
    List<Arguments> cases = new ArrayList<>();
    // channels in, filters, height, width, window
    Object[][] conv = {
        {1, 1, 4, 4, Window2D.square(2, Padding.VALID)},
        {3, 2, 5, 7, Window2D.square(3, Padding.SAME)},
        {2, 3, 7, 5, Window2D.square(3, Padding.SAME).withStride(2)},
        {2, 2, 6, 5, new Window2D(3, 2, 2, 2, 1, 1, Padding.VALID)},
        {2, 3, 5, 5, Window2D.square(1, Padding.VALID)},
        {3, 2, 5, 5, Window2D.square(1, Padding.VALID).withStride(2)},
        {1, 2, 7, 7, Window2D.square(3, Padding.VALID).withDilation(2)},
        {2, 2, 6, 7, Window2D.square(3, Padding.SAME).withDilation(2)},
        {3, 2, 5, 6, new Window2D(3, 3, 2, 2, 1, 1, Padding.explicit(2, 1))},
        {2, 2, 4, 4, Window2D.square(2, Padding.SAME)},
    };
    for (Object[] c : conv) {
      Window2D w = (Window2D) c[4];
      Shape in = Shape.of((int) c[0], (int) c[2], (int) c[3]);
      cases.add(Arguments.of("conv2d " + c[1] + " " + w + " on " + in,
          new Conv2D("conv", (int) c[1], w, Initializer.zeros(), true, Initializer.zeros()), in));
    }
    cases.add(Arguments.of("conv2d without bias", new Conv2D("conv", 3, Window2D.square(3, Padding.SAME),
        Initializer.zeros(), false, Initializer.zeros()), Shape.of(2, 5, 5)));
    Window2D[] pools = {
        new Window2D(2, 2, 2, 2, 1, 1, Padding.VALID),
        new Window2D(3, 3, 2, 2, 1, 1, Padding.SAME),
        new Window2D(3, 3, 1, 1, 1, 1, Padding.explicit(1, 1)),
        new Window2D(2, 2, 1, 1, 2, 2, Padding.VALID),
        new Window2D(1, 1, 2, 2, 1, 1, Padding.VALID),
    };
    for (Pool2D.Kind k : Pool2D.Kind.values()) {
      for (Window2D w : pools) {
        for (int channels : new int[] {1, 3}) {
          Shape in = Shape.of(channels, 5, 6);
          cases.add(Arguments.of(k.type() + " " + w + " on " + in, new Pool2D("pool", k, w), in));
        }
      }
    }
    cases.add(Arguments.of("global average pool", new GlobalAveragePool2D("gap"), Shape.of(3, 5, 4)));
    cases.add(Arguments.of("flatten", new Flatten("flat"), Shape.of(2, 3, 5)));
    cases.add(Arguments.of("batch norm per channel", new BatchNorm("bn", 0.1, 1e-5), Shape.of(3, 4, 5)));
    cases.add(Arguments.of("batch norm per channel, one channel", new BatchNorm("bn", 0.1, 1e-5), Shape.of(1, 3, 3)));
    cases.add(Arguments.of("batch norm per feature", new BatchNorm("bn", 0.1, 1e-5), Shape.of(7)));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("grid")
  void gradientsMatchFiniteDifferences(String label, LayerSpec spec, Shape input) {
    Layer layer = build(spec, input, DataType.FLOAT64, 3);
    // ε = 1e-5: these layers are linear (or piecewise so) in what is varied, so a larger step costs no truncation
    // error and divides the loss's rounding error (a sum of a few hundred terms) by a smaller 2ε.
    GradientCheckResult r = new GradientChecker(1e-5, 64, 1).checkLayer(layer, random(input.withBatch(3), 4));
    assertTrue(r.passes(1e-6), label + ": " + r);
  }

  @Test
  void aSmallConvolutionalNetworkWithBatchNormHasExactGradients() {
    NetworkSpec spec = NetworkSpec.builder().input(2, 6, 5).conv2d(3, 3, Padding.SAME).batchNorm().relu()
        .maxPool(2).conv2d(4, 2, Padding.VALID).layer(new Pool2D(Pool2D.Kind.AVERAGE, 1)).flatten().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.1)).seed(6).build();
    Network net = Network.create(spec, ENGINE, DataType.FLOAT64);
    Tensor x = random(Shape.of(4, 2, 6, 5), 9);
    Tensor t = ENGINE.tensor(DataType.FLOAT64, Shape.of(4, 3), 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0);
    GradientCheckResult r = new GradientChecker().check(net, x, t);
    // The first convolution's bias shifts each channel batch norm centres: its gradient is 0, and its difference
    // quotient is the loss's round-off over 2ε, a few ulps / 2e-6 ≈ 1e-10, which only the checker's floor (1e-8) bounds
    r.worstByTensor().forEach((tensor, error) -> assertTrue(error <= (tensor.equals("conv2d1.bias") ? 0.1 : 1e-6),
        tensor + ": " + r));
  }

  @Test
  void batchNormUsesBatchStatisticsInTrainingAndRunningOnesAtInference() {
    Map<String, Tensor> running = new LinkedHashMap<>();
    Layer bn = build(new BatchNorm("bn", 0.5, 1e-5), Shape.of(1), DataType.FLOAT64, 1, running);
    bn.parameters().get(0).value().copyFrom(new double[] {1});
    bn.parameters().get(1).value().copyFrom(new double[] {0});
    Tensor x = ENGINE.tensor(DataType.FLOAT64, Shape.of(4, 1), 1, 2, 3, 6);
    // μ = 3, σ² = (4 + 1 + 0 + 9) / 4 = 3.5; unbiased 14/3
    double[] y = bn.forward(x, Mode.training(0)).toDoubleArray();
    assertEquals(-2 / Math.sqrt(3.5 + 1e-5), y[0], 1e-12);
    assertEquals(3 / Math.sqrt(3.5 + 1e-5), y[3], 1e-12);
    assertArrayEquals(new double[] {1.5}, running.get("running_mean").toDoubleArray(), 1e-12);
    assertArrayEquals(new double[] {0.5 + 0.5 * 14 / 3.0}, running.get("running_var").toDoubleArray(), 1e-12);
    double[] inference = bn.forward(x, Mode.inference()).toDoubleArray();
    assertEquals((1 - 1.5) / Math.sqrt(0.5 + 7 / 3.0 + 1e-5), inference[0], 1e-12);
  }

  /**
   * A batch of one value a channel (M = 1) normalises to β and passes back no input gradient, as x − μ = 0 (to the
   * round-off of the map y = γ/√ε·x + β − μ·γ/√ε); its variance, 0/0 unbiased, leaves the running variance as it was,
   * while the running mean moves.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void aBatchOfOneValueAChannelGivesBetaAndLeavesTheRunningVariance(DataType type) {
    Map<String, Tensor> running = new LinkedHashMap<>();
    Layer bn = build(new BatchNorm("bn", 0.5, 1e-5), Shape.of(2), type, 1, running);
    bn.parameters().get(0).value().copyFrom(new double[] {0.5, 0.25});
    bn.parameters().get(1).value().copyFrom(new double[] {0.25, -1});
    double[] before = running.get("running_var").toDoubleArray();
    double[] y = bn.forward(ENGINE.tensor(type, Shape.of(1, 2), 0.75, -1), Mode.training(0)).toDoubleArray();
    assertArrayEquals(new double[] {0.25, -1}, y, 1e-4);
    double[] dx = bn.backward(ENGINE.tensor(type, Shape.of(1, 2), 1, -2), true).toDoubleArray();
    assertArrayEquals(new double[2], dx, 1e-4);
    assertArrayEquals(before, running.get("running_var").toDoubleArray(), 0);
    assertArrayEquals(new double[] {0.5 * 0.75, 0.5 * -1}, running.get("running_mean").toDoubleArray(), 0);
  }

  @Test
  void theFloat32KernelsAgreeWithFloat64() {
    for (Object[] c : grid().map(Arguments::get).toList()) {
      LayerSpec spec = (LayerSpec) c[1];
      Shape input = ((Shape) c[2]).withBatch(5);
      Layer d = build(spec, (Shape) c[2], DataType.FLOAT64, 3);
      Layer f = build(spec, (Shape) c[2], DataType.FLOAT32, 3);
      double[] x = random(input, 8).toDoubleArray();
      double[] yd = d.forward(ENGINE.tensor(DataType.FLOAT64, input, x), Mode.training(0)).toDoubleArray();
      double[] yf = f.forward(ENGINE.tensor(DataType.FLOAT32, input, x), Mode.training(0)).toDoubleArray();
      assertArrayEquals(yd, yf, 1e-4, c[0] + " forward");
      double[] dy = random(Shape.of(yd.length), 12).toDoubleArray();
      Shape ys = d.outputShape().withBatch(5);
      double[] dxd = d.backward(ENGINE.tensor(DataType.FLOAT64, ys, dy), true).toDoubleArray();
      double[] dxf = f.backward(ENGINE.tensor(DataType.FLOAT32, ys, dy), true).toDoubleArray();
      assertArrayEquals(dxd, dxf, 1e-3, c[0] + " input gradient");
    }
  }

  @Test
  void anImageOfTheWrongChannelsOrSizeIsNamed() {
    Layer conv = build(new Conv2D(4, 3, Padding.SAME).withName("conv1"), Shape.of(3, 8, 8), DataType.FLOAT32, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> conv.forward(ENGINE.zeros(DataType.FLOAT32, Shape.of(2, 1, 8, 8)), Mode.inference()));
    assertTrue(e.getMessage().contains("conv1") && e.getMessage().contains("[2, 1, 8, 8]")
        && e.getMessage().contains("[N, 3, 8, 8]"), e.getMessage());
    Layer pool = build(new Pool2D(Pool2D.Kind.MAX, 2).withName("pool1"), Shape.of(3, 8, 8), DataType.FLOAT32, 1);
    e = assertThrows(IllegalArgumentException.class,
        () -> pool.forward(ENGINE.zeros(DataType.FLOAT32, Shape.of(2, 3, 9, 8)), Mode.inference()));
    assertTrue(e.getMessage().contains("pool1") && e.getMessage().contains("[2, 3, 9, 8]"), e.getMessage());
    Network net = Network.create(NetworkSpec.builder().input(1, 28, 28).conv2d(2, 3, Padding.VALID).flatten()
        .dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), ENGINE);
    e = assertThrows(IllegalArgumentException.class,
        () -> net.forward(ENGINE.zeros(DataType.FLOAT32, Shape.of(2, 3, 28, 28)), Mode.inference()));
    assertTrue(e.getMessage().contains("[2, 3, 28, 28]") && e.getMessage().contains("[1, 28, 28]"), e.getMessage());
  }

  /**
   * The backward pass of a convolution, pooling or batch norm is refused, naming the layer, when its output gradient
   * is of another data type than its forward pass, where the kernels read it as the forward pass's type.
   */
  @Test
  void anOutputGradientOfAnotherDataTypeIsNamed() {
    for (LayerSpec spec : List.of(new Conv2D(2, 3, Padding.SAME).withName("conv1"),
        new Pool2D(Pool2D.Kind.MAX, 2).withName("pool1"), new Pool2D(Pool2D.Kind.AVERAGE, 2).withName("pool2"),
        new GlobalAveragePool2D().withName("gap1"), new BatchNorm().withName("bn1"))) {
      Layer layer = build(spec, Shape.of(3, 4, 4), DataType.FLOAT32, 1);
      layer.forward(ENGINE.zeros(DataType.FLOAT32, Shape.of(2, 3, 4, 4)), Mode.training(1));
      Tensor dy = ENGINE.zeros(DataType.FLOAT64, layer.outputShape().withBatch(2));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.backward(dy, true));
      assertTrue(e.getMessage().startsWith(spec.name() + ": the output gradient is a FLOAT64 tensor")
          && e.getMessage().contains("FLOAT32"), e.getMessage());
    }
  }
}
