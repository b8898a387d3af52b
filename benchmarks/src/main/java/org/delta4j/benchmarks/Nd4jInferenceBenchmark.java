package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engines;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The native yardsticks for inference at batch 1, under the nd4j engine's thread settings: the MLP's forward pass
 * written directly in ND4J, one call per step (per layer a gemm into a preallocated output, an in-place bias add and an
 * in-place activation; then an in-place softmax), and the cost of a single trivial native call (adding a row of ten),
 * the floor under every call: even a forward pass fused into ND4J's layer ops needs four calls (two ReLU layers, an
 * affine layer, a softmax). What the engine cannot beat here is ND4J's own cost per call, not the engine's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class Nd4jInferenceBenchmark {
  private static final int[] SIZES = {784, 256, 128, 10};

  private final INDArray[] weights = new INDArray[3];
  private final INDArray[] biases = new INDArray[3];
  private final INDArray[] outputs = new INDArray[3];
  private INDArray input;

  @Setup
  public void setUp() {
    Engines.get("nd4j"); // the engine's thread settings, as for the engine's own measurement
    Nd4j.getRandom().setSeed(1);
    for (int l = 0; l < 3; l++) {
      double limit = Math.sqrt(6.0 / (SIZES[l] + SIZES[l + 1])); // Xavier-uniform, as the engine initialises
      weights[l] = Nd4j.rand(DataType.FLOAT, SIZES[l], SIZES[l + 1]).subi(0.5).muli(2 * limit);
      biases[l] = Nd4j.zeros(DataType.FLOAT, 1, SIZES[l + 1]);
      outputs[l] = Nd4j.zeros(DataType.FLOAT, 1, SIZES[l + 1]);
    }
    input = Nd4j.create(BenchmarkData.features(1), new long[] {1, 784}, DataType.FLOAT);
  }

  @Benchmark
  public INDArray oneCall() {
    return outputs[2].addi(biases[2]);
  }

  @Benchmark
  public INDArray batch1Latency() {
    INDArray x = input;
    for (int l = 0; l < 3; l++) {
      INDArray y = outputs[l];
      Nd4j.gemm(x, weights[l], y, false, false, 1.0, 0.0);
      y.addiRowVector(biases[l]);
      if (l < 2) {
        Nd4j.exec(new RectifiedLinear(y, y, 0.0));
      }
      x = y;
    }
    Nd4j.exec(new SoftMax(x, x, 1));
    return x;
  }
}
