package org.delta4j.benchmarks;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The DL4J peer of {@link CnnBenchmark}: {@code MultiLayerNetwork} on the same convolutional network ({@link
 * Dl4jNetworks#cnn}), batch, optimizer and data; a training step ({@code fit}), and class probabilities for one image
 * and for 1000. The run script measures it as it comes and with {@code OMP_WAIT_POLICY=PASSIVE}, as {@link
 * Dl4jBenchmark}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class Dl4jCnnBenchmark extends Dl4jPeerBenchmark {
  @Setup
  public void setUp() {
    network = Dl4jNetworks.cnn();
    float[][][] b = BenchmarkData.batches(CnnBenchmark.BATCHES, BenchmarkData.BATCH);
    batches = new DataSet[b.length];
    for (int i = 0; i < b.length; i++) {
      batches[i] = new DataSet(Nd4j.create(b[i][0], images(BenchmarkData.BATCH), 'c'),
          Nd4j.create(b[i][1], new long[] {BenchmarkData.BATCH, 10}, 'c'));
    }
    one = Nd4j.create(BenchmarkData.features(1), images(1), 'c');
    thousand = Nd4j.create(BenchmarkData.features(1000), images(1000), 'c');
  }

  private static long[] images(int n) {
    return new long[] {n, 1, Cnn.SIDE, Cnn.SIDE};
  }
}
