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
 * Class probabilities from the MLP in FLOAT32: latency of one sample (batch 1, microseconds per call) and
 * throughput at batch 1000 (calls per second; multiply by 1000 for samples per second).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class InferenceBenchmark {
  @Param({"ref", "nd4j"})
  public String engine;

  private Network network;
  private Tensor one;
  private Tensor thousand;

  @Setup
  public void setUp() {
    Engine e = Engines.get(engine);
    network = Network.create(Mlp.spec(), e, DataType.FLOAT32);
    one = BenchmarkData.features(e, 1, Shape.of(784));
    thousand = BenchmarkData.features(e, 1000, Shape.of(784));
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
