package org.delta4j.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.Conv2D;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.Padding;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The main job's CNN (conv 32 3×3, ReLU, max-pool 2, conv 64 3×3, ReLU, max-pool 2, dense 128, ReLU, dense 10) at
 * batch 128 in FLOAT32 on Fashion-MNIST batches already in the engine's tensors: one training step (forward, loss,
 * backward, Adam), and its second convolution (32 → 64 channels, 3×3, on 13×13) forward and backward alone.
 * Operations per second; a training step is 128 samples.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConvolutionBenchmark {
  static final int BATCHES = 8;

  @Param({"ref", "nd4j"})
  public String engine;

  private Network network;
  private Tensor[] inputs;
  private Tensor[] targets;
  private int next;
  private Layer conv;
  private Tensor convInput;
  private Tensor convGradient;

  /** The CNN of {@code train --preset cnn}. */
  static NetworkSpec cnn() {
    return NetworkSpec.builder().input(1, 28, 28).conv2d(32, 3, Padding.VALID).relu().maxPool(2)
        .conv2d(64, 3, Padding.VALID).relu().maxPool(2).flatten().dense(128, Initializer.heUniform()).relu()
        .dense(10, Initializer.heUniform()).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).seed(42).build();
  }

  @Setup
  public void setUp() {
    Engine e = Engines.get(engine);
    network = Network.create(cnn(), e, DataType.FLOAT32);
    Tensor[][] data = BenchmarkData.onEngine(e, BATCHES, Shape.of(1, 28, 28));
    inputs = data[0];
    targets = data[1];
    Conv2D spec = new Conv2D(64, 3, Padding.VALID).withName("conv");
    Shape in = Shape.of(32, 13, 13);
    conv = spec.build(LayerContext.of("conv", in, e, DataType.FLOAT32, 1, Map.of(
        "weight", Parameter.zeros("conv.weight", Shape.of(64, 32, 3, 3), e, DataType.FLOAT32),
        "bias", Parameter.zeros("conv.bias", Shape.of(64), e, DataType.FLOAT32)), Map.of()));
    convInput = e.zeros(DataType.FLOAT32, in.withBatch(BenchmarkData.BATCH));
    float[] activations = new float[(int) convInput.size()];
    for (int i = 0; i < activations.length; i++) {
      activations[i] = (i * 7919 % 1000) / 1000f; // values in [0, 1), as after a ReLU and pooling
    }
    convInput.copyFrom(activations);
    convGradient = e.zeros(DataType.FLOAT32, conv.outputShape().withBatch(BenchmarkData.BATCH));
    e.kernels().fill(convGradient, 0.01);
  }

  @Benchmark
  public double trainStep() {
    int b = next;
    next = (b + 1) % BATCHES;
    return network.trainStep(inputs[b], targets[b]);
  }

  @Benchmark
  public Tensor conv2dForward() {
    return conv.forward(convInput, org.delta4j.nn.Mode.inference());
  }

  /** A training forward pass and the backward pass it enables (weight, bias and input gradients). */
  @Benchmark
  public Tensor conv2dForwardAndBackward() {
    conv.forward(convInput, org.delta4j.nn.Mode.training(0));
    return conv.backward(convGradient, true);
  }
}
