package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Mode;
import org.delta4j.nn.layers.DenseLayer;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The first layer of the MLP, Dense 784 → 256 at batch 128: forward, and backward (dW, db and dX). */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class DenseBenchmark {
  @Param({"ref", "nd4j"})
  public String engine;

  @Param({"FLOAT32", "FLOAT64"})
  public String dtype;

  private DenseLayer layer;
  private Tensor input;
  private Tensor gradOutput;

  @Setup
  public void setUp() {
    Engine e = Engines.get(engine);
    DataType type = DataType.valueOf(dtype);
    layer = new DenseLayer("dense", Shape.of(784), 256, e, type);
    input = GemmBenchmark.random(e, type, new int[] {BenchmarkData.BATCH, 784}, 3);
    gradOutput = GemmBenchmark.random(e, type, new int[] {BenchmarkData.BATCH, 256}, 4);
    layer.forward(input, Mode.training(0));
  }

  @Benchmark
  public Tensor forward() {
    return layer.forward(input, Mode.training(0));
  }

  @Benchmark
  public Tensor backward() {
    return layer.backward(gradOutput, true);
  }
}
