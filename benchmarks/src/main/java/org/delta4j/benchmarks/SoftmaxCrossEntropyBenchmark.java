package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.spec.LossFunction;
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

/** The fused softmax cross-entropy, value and gradient, on logits [128, 10]. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class SoftmaxCrossEntropyBenchmark {
  @Param({"ref", "nd4j"})
  public String engine;

  @Param({"FLOAT32", "FLOAT64"})
  public String dtype;

  private Engine e;
  private Tensor logits;
  private Tensor targets;
  private Tensor gradient;

  @Setup
  public void setUp() {
    e = Engines.get(engine);
    DataType type = DataType.valueOf(dtype);
    logits = GemmBenchmark.random(e, type, new int[] {BenchmarkData.BATCH, 10}, 5);
    float[][][] batch = BenchmarkData.batches(1, BenchmarkData.BATCH);
    targets = e.zeros(type, Shape.of(BenchmarkData.BATCH, 10));
    targets.copyFrom(batch[0][1]);
    gradient = e.zeros(type, Shape.of(BenchmarkData.BATCH, 10));
  }

  @Benchmark
  public double lossAndGradient() {
    return e.kernels().loss(LossFunction.SOFTMAX_CROSS_ENTROPY, logits, targets, gradient);
  }
}
