package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * What a DL4J peer measures of its {@code MultiLayerNetwork}, set up by the subclass: a training step ({@code fit}
 * on the next of its batches, in turn; steps per second), class probabilities for one sample (microseconds per
 * call) and for 1000 (calls per second).
 */
public abstract class Dl4jPeerBenchmark {
  protected MultiLayerNetwork network;
  protected DataSet[] batches;
  protected INDArray one;
  protected INDArray thousand;
  private int next;

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public MultiLayerNetwork trainStep() {
    int b = next;
    next = (b + 1) % batches.length;
    network.fit(batches[b]);
    return network;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public INDArray batch1Latency() {
    return network.output(one, false);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public INDArray batch1000Throughput() {
    return network.output(thousand, false);
  }
}
