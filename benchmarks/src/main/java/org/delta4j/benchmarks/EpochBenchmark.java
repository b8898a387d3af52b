package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.data.Dataset;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.tensor.DataType;
import org.delta4j.train.History;
import org.delta4j.train.Trainer;
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
 * One epoch of the MLP over Fashion-MNIST's training set through {@link Trainer}: shuffling, batch conversion from
 * bytes, training steps, running accuracy. Seconds per epoch. {@code samples} can cut the set for a quick run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class EpochBenchmark {
  @Param({"ref", "nd4j"})
  public String engine;

  @Param({"60000"})
  public int samples;

  private Engine e;
  private Dataset data;
  private Network network;

  @Setup
  public void setUp() {
    e = Engines.get(engine);
    Dataset all = BenchmarkData.training();
    int[] first = new int[Math.min(samples, all.size())];
    for (int i = 0; i < first.length; i++) {
      first[i] = i;
    }
    data = first.length == all.size() ? all : all.subset(first);
  }

  @Setup(Level.Iteration)
  public void freshNetwork() {
    network = Network.create(Mlp.spec(), e, DataType.FLOAT32);
  }

  @Benchmark
  public History epoch() {
    return Trainer.builder().epochs(1).batchSize(BenchmarkData.BATCH).seed(1).build().fit(network, data);
  }
}
