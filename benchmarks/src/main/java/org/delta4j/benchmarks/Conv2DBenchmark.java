package org.delta4j.benchmarks;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.nn.layers.Conv2DLayer;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One convolution of {@link Cnn} alone at batch 128 in FLOAT32 ({@code layer}: {@code conv1}, 1 → 32 channels on
 * 28×28, or {@code conv2}, 32 → 64 on 14×14; 3×3, stride 1, same padding, no bias), through an engine's {@link
 * Conv2DLayer} (the engine's {@link org.delta4j.engine.Convolution}: im2col, gemm, axis swap) and, as engine {@code nd4j-raw}, through ND4J's own native ops called directly
 * ({@code conv2d}, {@code conv2d_bp}, NCHW, weights [F, C, kh, kw] as Delta4j keeps them) under the nd4j engine's
 * thread settings. The forward pass, and the backward pass alone (weight and input gradients; the engines' training
 * forward pass that backward reads is redone before each call, outside the measurement). All in one JMH run, one
 * after the other, so the engines and their native yardstick see the machine in the same state. Calls per second.
 *
 * <p>It is also the measurement behind the nd4j engine's convolution staying im2col and gemm: on the loaded 2-core
 * development machine, native {@code conv2d} was about 2.2× faster forward on the second layer, but {@code
 * conv2d_bp}, which redoes the im2col the engine's backward pass reuses, about 3.7× slower, so a training pass
 * (forward then backward) took about 1.9× longer natively; the first layer was even. The report recomputes these
 * ratios from each full run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class Conv2DBenchmark {
  @Param({"ref", "nd4j", GemmBenchmark.RAW_ND4J})
  public String engine;

  @Param({"conv1", "conv2"})
  public String layer;

  private Conv2DLayer conv;
  private Tensor input;
  private Tensor gradient;
  private DynamicCustomOp nativeForward; // nd4j-raw only
  private DynamicCustomOp nativeBackward;

  @Setup
  public void setUp() {
    boolean direct = GemmBenchmark.RAW_ND4J.equals(engine);
    Engine e = Engines.get(direct ? "nd4j" : engine);
    int index = switch (layer) {
      case "conv1" -> 0;
      case "conv2" -> 1;
      default -> throw new IllegalArgumentException("layer must be conv1 or conv2, got " + layer);
    };
    conv = convolutions(Network.create(Cnn.spec(), e, DataType.FLOAT32))[index];
    input = e.zeros(DataType.FLOAT32, conv.inputShape().withBatch(BenchmarkData.BATCH));
    float[] x = new float[(int) input.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 7919 % 1000) / 1000f; // values in [0, 1), as pixels or after a ReLU and pooling
    }
    input.copyFrom(x);
    gradient = e.zeros(DataType.FLOAT32, conv.outputShape().withBatch(BenchmarkData.BATCH));
    float[] dy = new float[(int) gradient.size()];
    for (int i = 0; i < dy.length; i++) {
      dy[i] = ((i * 104729 % 2001) - 1000) / 1e5f; // small gradients of either sign
    }
    gradient.copyFrom(dy);
    if (direct) {
      INDArray in = Nd4j.create(x, longs(input), 'c');
      INDArray weights = Nd4j.create(conv.parameters().get(0).value().toFloatArray(),
          longs(conv.parameters().get(0).value()), 'c');
      INDArray dOut = Nd4j.create(dy, longs(gradient), 'c');
      INDArray out = Nd4j.createUninitialized(in.dataType(), dOut.shape());
      // kh, kw, sh, sw, ph, pw, dh, dw, same mode 0 (explicit padding), 0 = NCHW, weight format 1 = [F, C, kh, kw]
      int[] args = {Cnn.KERNEL, Cnn.KERNEL, 1, 1, Cnn.PADDING, Cnn.PADDING, 1, 1, 0, 0, 1};
      nativeForward = DynamicCustomOp.builder("conv2d").addInputs(in, weights).addOutputs(out)
          .addIntegerArguments(args).build();
      nativeBackward = DynamicCustomOp.builder("conv2d_bp").addInputs(in, weights, dOut)
          .addOutputs(Nd4j.createUninitialized(in.dataType(), in.shape()),
              Nd4j.createUninitialized(in.dataType(), weights.shape()))
          .addIntegerArguments(args).build();
    }
  }

  private static long[] longs(Tensor t) {
    return Arrays.stream(t.shape().dims()).asLongStream().toArray();
  }

  /** The network's convolution layers, in order. */
  static Conv2DLayer[] convolutions(Network network) {
    return network.layers().stream().filter(l -> l instanceof Conv2DLayer).map(l -> (Conv2DLayer) l)
        .toArray(Conv2DLayer[]::new);
  }

  /** The training forward pass whose saved columns the engines' backward pass reads, redone before every call. */
  @State(Scope.Benchmark)
  public static class ForwardDone {
    @Setup(Level.Invocation)
    public void forward(Conv2DBenchmark b) {
      if (b.nativeBackward == null) {
        b.conv.forward(b.input, org.delta4j.nn.Mode.training(0));
      }
    }
  }

  @Benchmark
  public Object forward() {
    if (nativeForward != null) {
      return Nd4j.exec(nativeForward);
    }
    return conv.forward(input, org.delta4j.nn.Mode.inference());
  }

  /** dW (and for a layer with one, db) and dX from dY. */
  @Benchmark
  public Object backward(ForwardDone done) {
    if (nativeBackward != null) {
      return Nd4j.exec(nativeBackward);
    }
    return conv.backward(gradient, true);
  }
}
