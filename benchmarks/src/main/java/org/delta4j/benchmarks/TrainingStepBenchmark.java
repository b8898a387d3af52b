package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.spec.NetworkSpec;
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
 * One full training step of the MLP (forward, loss, backward, Adam update) at batch 128 in FLOAT32, cycling through
 * 16 batches of Fashion-MNIST already in the engine's tensors, as the peers' loops have theirs. Steps per second;
 * multiply by 128 for samples per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class TrainingStepBenchmark {
  static final int BATCHES = 16;

  @Param({"ref", "nd4j"})
  public String engine;

  private Network network;
  private Tensor[] inputs;
  private Tensor[] targets;
  private int next;

  @Setup
  public void setUp() {
    Engine e = Engines.get(engine);
    network = Network.create(spec(), e, DataType.FLOAT32);
    Tensor[][] data = BenchmarkData.onEngine(e, BATCHES, Shape.of(784));
    inputs = data[0];
    targets = data[1];
  }

  /** The network stepped: {@link Mlp#spec()}. */
  NetworkSpec spec() {
    return Mlp.spec();
  }

  @Benchmark
  public double trainStep() {
    int b = next;
    next = (b + 1) % BATCHES;
    return network.trainStep(inputs[b], targets[b]);
  }
}
