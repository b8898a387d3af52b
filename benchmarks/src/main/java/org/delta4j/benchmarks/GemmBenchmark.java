package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
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
 * Matrix multiply through an engine's {@code Kernels.gemm}, C ← op(A)·op(B), and, as engine {@code nd4j-raw}, ND4J's
 * own gemm on INDArrays called directly (the native yardstick, under the nd4j engine's thread settings). JMH runs the
 * engines of one type one after the other, so the engine and its yardstick see the machine in the same state, and in two
 * forks each, since a fork's memory placement alone moves a large product's speed by some per cent. Operations per
 * second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class GemmBenchmark {
  /** The engine raw ND4J stands beside. */
  public static final String RAW_ND4J = "nd4j-raw";

  @Param({"ref", "nd4j", RAW_ND4J})
  public String engine;

  @Param({"FLOAT32", "FLOAT64"})
  public String dtype;

  // Square sizes, then every product of an MLP 784-256-128-10 training step at batch 128, layer by layer: Y = X·W,
  // dW = Xᵀ·dY (-TN) and dX = dY·Wᵀ (-NT). The full run measures these. The products of the CNN training step at
  // batch 128 taken whole-batch (3×3 convolutions by im2col, 1→32 channels on 28×28 and 32→64 on 14×14, then a
  // 3136-128 Dense) are measured on request, as they add a quarter to the run and Conv2DBenchmark measures the
  // convolutions themselves: -p shape=32x9x100352,32x100352x9-NT,64x288x25088,64x25088x288-NT,288x64x25088-TN,
  // 128x3136x128,3136x128x128-TN,128x128x3136-NT (conv1 forward W·col and its weight gradient dY·colᵀ, tiny M×N and
  // huge K; conv2 forward, weight gradient and input gradient Wᵀ·dY; the Dense layer's three).
  @Param({"128", "256", "512", "1024", "2048", "128x784x256", "784x128x256-TN", "128x256x784-NT", "128x256x128",
      "256x128x128-TN", "128x128x256-NT", "128x128x10", "128x128x10-TN", "128x10x128-NT"})
  public String shape;

  private Engine e;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private GemmShape s;
  private INDArray[] raw; // A, B, C for nd4j-raw, else null

  @Setup
  public void setUp() {
    boolean direct = RAW_ND4J.equals(engine);
    e = Engines.get(direct ? "nd4j" : engine);
    s = GemmShape.parse(shape);
    DataType type = DataType.valueOf(dtype);
    a = random(e, type, s.aDims(), 1);
    b = random(e, type, s.bDims(), 2);
    c = e.zeros(type, Shape.of(s.m(), s.n()));
    if (direct) {
      org.nd4j.linalg.api.buffer.DataType t = type == DataType.FLOAT32 ? org.nd4j.linalg.api.buffer.DataType.FLOAT
          : org.nd4j.linalg.api.buffer.DataType.DOUBLE;
      raw = new INDArray[] {Nd4j.create(a.toDoubleArray(), longs(s.aDims()), t),
          Nd4j.create(b.toDoubleArray(), longs(s.bDims()), t), Nd4j.zeros(t, s.m(), s.n())};
    }
  }

  private static long[] longs(int[] dims) {
    return java.util.Arrays.stream(dims).asLongStream().toArray();
  }

  static Tensor random(Engine engine, DataType type, int[] dims, long seed) {
    Shape shape = Shape.of(dims);
    double[] v = new double[shape.intSize()];
    SplitMix64 r = new SplitMix64(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextDouble() - 0.5;
    }
    return engine.tensor(type, shape, v);
  }

  @Benchmark
  public Object gemm() {
    if (raw != null) {
      return Nd4j.gemm(raw[0], raw[1], raw[2], s.transposeA(), s.transposeB(), 1.0, 0.0);
    }
    e.kernels().gemm(a, s.transposeA(), b, s.transposeB(), 1, 0, c);
    return c;
  }
}
