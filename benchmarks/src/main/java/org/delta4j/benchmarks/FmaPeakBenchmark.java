package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's peak: fused multiply-adds on the widest vectors the JVM uses here, on every core at once (one JMH
 * thread per available processor), with nothing but registers involved — twelve independent accumulators, enough to
 * keep two FMA pipes of four cycles' latency busy, and few enough to fit sixteen vector registers (AVX2) with the two
 * constants. Every operation is {@value #FLOPS_PER_OP} floating-point operations whatever the vector width, so JMH's
 * operations per second (summed over the threads) times that is the peak in FLOP/s; the report reads every kernel's and
 * the training step's figures also as a percentage of it. The {@code OneCore} twins run the same loops on one thread:
 * all cores against as many times one core is how far this machine itself scales code that only computes, the ceiling
 * of any parallel speed-up measured on it (cores of a virtual machine may share physical ones).
 *
 * <p>Each accumulator is the addend of its own multiply-add, a ← m·k + a, as in a gemm kernel: x86's FMA writes its
 * result over one operand, and C2 gives it the addend's register. Written a ← m·a + k, as this benchmark first was,
 * every step copied k into a fresh register for the result; with sixteen registers (AVX2) that spilled the
 * accumulators to the stack and measured 98–102 GFLOP/s on a core that does 117 (Zen 4, the same as its AVX-512
 * figure), so every AVX2 figure read as a percentage of it was a sixth too high. The two types are written out twice
 * on purpose: written once over {@code Vector<E>}, C2 keeps the vectors as heap objects and the loop runs a hundred
 * times slower. For the same reason an accumulator is never the receiver of a call until it is cast to its species'
 * class, since a vector carried around a loop is only a FloatVector to C2's parser (see the reference engine's
 * DoubleVectorKernel).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
@Threads(Threads.MAX)
public class FmaPeakBenchmark {
  /** Accumulators per thread: independent FMA chains. */
  static final int CHAINS = 12;
  /** Floating-point operations of one benchmark operation: 2 (multiply and add) × 12 chains × 16 lanes × 4096. */
  public static final long FLOPS_PER_OP = 2L * CHAINS * 16 * 4096;

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  /**
   * a ← m·k + a grows by about 1e-6 (FLOAT32) or 1e-9 (FLOAT64) a step from 1, to at most 1.02 in one operation:
   * the values stay normal, never subnormal or infinite, and the sum returned depends on every step.
   */
  public float m32 = 0.999_999f;
  public float k32 = 1e-6f;
  public double m64 = 0.999_999_999;
  public double k64 = 1e-9;

  @Benchmark
  public float float32() {
    FloatVector m = FloatVector.broadcast(F, m32);
    FloatVector k = FloatVector.broadcast(F, k32);
    FloatVector a0 = FloatVector.broadcast(F, 1f);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector a8 = a0;
    FloatVector a9 = a0;
    FloatVector a10 = a0;
    FloatVector a11 = a0;
    for (long i = FLOPS_PER_OP / (2L * CHAINS * F.length()); i > 0; i--) {
      a0 = m.fma(k, a0);
      a1 = m.fma(k, a1);
      a2 = m.fma(k, a2);
      a3 = m.fma(k, a3);
      a4 = m.fma(k, a4);
      a5 = m.fma(k, a5);
      a6 = m.fma(k, a6);
      a7 = m.fma(k, a7);
      a8 = m.fma(k, a8);
      a9 = m.fma(k, a9);
      a10 = m.fma(k, a10);
      a11 = m.fma(k, a11);
    }
    return ((FloatVector) F.vectorType().cast(a0))
        .add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD);
  }

  @Benchmark
  public double float64() {
    DoubleVector m = DoubleVector.broadcast(D, m64);
    DoubleVector k = DoubleVector.broadcast(D, k64);
    DoubleVector a0 = DoubleVector.broadcast(D, 1.0);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    DoubleVector a4 = a0;
    DoubleVector a5 = a0;
    DoubleVector a6 = a0;
    DoubleVector a7 = a0;
    DoubleVector a8 = a0;
    DoubleVector a9 = a0;
    DoubleVector a10 = a0;
    DoubleVector a11 = a0;
    for (long i = FLOPS_PER_OP / (2L * CHAINS * D.length()); i > 0; i--) {
      a0 = m.fma(k, a0);
      a1 = m.fma(k, a1);
      a2 = m.fma(k, a2);
      a3 = m.fma(k, a3);
      a4 = m.fma(k, a4);
      a5 = m.fma(k, a5);
      a6 = m.fma(k, a6);
      a7 = m.fma(k, a7);
      a8 = m.fma(k, a8);
      a9 = m.fma(k, a9);
      a10 = m.fma(k, a10);
      a11 = m.fma(k, a11);
    }
    return ((DoubleVector) D.vectorType().cast(a0))
        .add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD);
  }

  /** {@link #float32} on one thread. */
  @Benchmark
  @Threads(1)
  public float float32OneCore() {
    return float32();
  }

  /** {@link #float64} on one thread. */
  @Benchmark
  @Threads(1)
  public double float64OneCore() {
    return float64();
  }
}
