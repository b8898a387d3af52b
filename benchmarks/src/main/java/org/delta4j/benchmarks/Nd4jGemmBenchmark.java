package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engines;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * The native yardstick: ND4J's own gemm on INDArrays, called directly, with the thread settings the nd4j engine
 * chose (the engine is created first so that raw and engine measurements run under the same settings).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class Nd4jGemmBenchmark {
  @Param({"FLOAT32", "FLOAT64"})
  public String dtype;

  @Param({"128", "256", "512", "1024", "2048", "128x784x256", "784x128x256-TN", "128x256x784-NT"})
  public String shape;

  private INDArray a;
  private INDArray b;
  private INDArray c;
  private GemmShape s;

  @Setup
  public void setUp() {
    Engines.get("nd4j");
    s = GemmShape.parse(shape);
    DataType type = "FLOAT32".equals(dtype) ? DataType.FLOAT : DataType.DOUBLE;
    Nd4j.getRandom().setSeed(1);
    a = Nd4j.rand(type, s.aDims()).subi(0.5);
    b = Nd4j.rand(type, s.bDims()).subi(0.5);
    c = Nd4j.zeros(type, s.m(), s.n());
  }

  @Benchmark
  public INDArray gemm() {
    return Nd4j.gemm(a, b, c, s.transposeA(), s.transposeB(), 1.0, 0.0);
  }
}
