package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
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
 * The convolutional network {@link Cnn} in FLOAT32 on Fashion-MNIST images [1, 28, 28] already in the engine's
 * tensors: one training step at batch 128 (forward, loss, backward, Adam; steps per second, ×128 for samples per
 * second), cycling through 8 batches as the peers' loops do; class probabilities for one image (microseconds per call)
 * and for 1000 (calls per second, ×1000 for samples per second).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class CnnBenchmark {
  static final int BATCHES = 8;

  @Param({"ref", "nd4j"})
  public String engine;

  private Network network;
  private Tensor[] inputs;
  private Tensor[] targets;
  private int next;
  private Tensor one;
  private Tensor thousand;

  @Setup
  public void setUp() {
    Engine e = Engines.get(engine);
    network = Network.create(Cnn.spec(), e, DataType.FLOAT32);
    Shape image = Shape.of(1, Cnn.SIDE, Cnn.SIDE);
    Tensor[][] data = BenchmarkData.onEngine(e, BATCHES, image);
    inputs = data[0];
    targets = data[1];
    one = BenchmarkData.features(e, 1, image);
    thousand = BenchmarkData.features(e, 1000, image);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public double trainStep() {
    int b = next;
    next = (b + 1) % BATCHES;
    return network.trainStep(inputs[b], targets[b]);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Tensor batch1Latency() {
    return network.probabilities(one);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Tensor batch1000Throughput() {
    return network.probabilities(thousand);
  }
}
