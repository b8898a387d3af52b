package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
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
 * The DL4J peer: {@code MultiLayerNetwork} on the same network, batch, optimizer and data as {@link
 * TrainingStepBenchmark}, {@link InferenceBenchmark} and {@link EpochBenchmark}. The run script measures it twice:
 * as it comes, and with {@code OMP_WAIT_POLICY=PASSIVE}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class Dl4jBenchmark extends Dl4jPeerBenchmark {
  @Setup
  public void setUp() {
    network = Dl4jNetworks.mlp();
    float[][][] b = BenchmarkData.batches(TrainingStepBenchmark.BATCHES, BenchmarkData.BATCH);
    batches = new DataSet[b.length];
    for (int i = 0; i < b.length; i++) {
      batches[i] = new DataSet(Nd4j.create(b[i][0], new long[] {BenchmarkData.BATCH, 784}, 'c'),
          Nd4j.create(b[i][1], new long[] {BenchmarkData.BATCH, 10}, 'c'));
    }
    one = Nd4j.create(BenchmarkData.features(1), new long[] {1, 784}, 'c');
    thousand = Nd4j.create(BenchmarkData.features(1000), new long[] {1000, 784}, 'c');
  }

  /** The epoch's batches as arrays, and a fresh network per measurement, as in {@link EpochBenchmark}. */
  @State(Scope.Benchmark)
  public static class EpochState {
    @Param({"60000"})
    public int samples;

    MultiLayerNetwork network;
    float[][][] batches;

    @Setup
    public void load() {
      batches = BenchmarkData.batches(Math.min(samples, BenchmarkData.training().size()) / BenchmarkData.BATCH,
          BenchmarkData.BATCH);
    }

    @Setup(Level.Iteration)
    public void fresh() {
      network = Dl4jNetworks.mlp();
    }
  }

  /** One epoch: every batch converted from arrays to a DataSet and fitted, in order. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public MultiLayerNetwork epoch(EpochState state) {
    for (float[][] b : state.batches) {
      state.network.fit(new DataSet(Nd4j.create(b[0], new long[] {BenchmarkData.BATCH, 784}, 'c'),
          Nd4j.create(b[1], new long[] {BenchmarkData.BATCH, 10}, 'c')));
    }
    return state.network;
  }
}
