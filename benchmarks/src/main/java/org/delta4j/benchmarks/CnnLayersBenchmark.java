package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.nn.layers.ActivationLayer;
import org.delta4j.nn.layers.BatchNormLayer;
import org.delta4j.nn.layers.Pool2DLayer;
import org.delta4j.spec.ActivationFunction;
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

/**
 * The layers of {@link Cnn} between its convolutions, one training pass each (forward, then backward with the input
 * gradient) in FLOAT32 at batch 128, on the images they see there: {@code conv1} [32, 28, 28] and {@code conv2}
 * [64, 14, 14]. Milliseconds per pass, to find what each costs in the network's step.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CnnLayersBenchmark {
  @Param({"ref"})
  public String engine;

  @Param({"conv1", "conv2"})
  public String images;

  private Layer batchNorm;
  private Layer relu;
  private Layer maxPool;
  private Tensor x;
  private Tensor dy;
  private Tensor pooledDy;

  @Setup
  public void setUp() {
    Engine e = Engines.get(engine);
    DataType f = DataType.FLOAT32;
    int channels = images.equals("conv1") ? 32 : 64;
    int side = images.equals("conv1") ? 28 : 14;
    Shape image = Shape.of(channels, side, side);
    Shape c = Shape.of(channels);
    Parameter gamma = Parameter.zeros("gamma", c, e, f);
    gamma.value().copyFrom(filled(channels, 1));
    batchNorm = new BatchNormLayer("bn", image, 0.1, 1e-5, gamma, Parameter.zeros("beta", c, e, f),
        e.zeros(f, c), e.zeros(f, c), e, f);
    relu = new ActivationLayer("relu", ActivationFunction.RELU, 0, image, e, f);
    ConvGeometry g = new ConvGeometry(channels, side, side, 2, 2, 2, 2, 1, 1, 0, 0, side / 2, side / 2);
    maxPool = new Pool2DLayer("pool", true, g, Shape.of(channels, side / 2, side / 2), e, f);
    int batch = BenchmarkData.BATCH;
    x = random(e, image.withBatch(batch), 1);
    dy = random(e, image.withBatch(batch), 2);
    pooledDy = random(e, Shape.of(channels, side / 2, side / 2).withBatch(batch), 3);
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static Tensor random(Engine e, Shape s, long seed) {
    float[] v = new float[(int) s.size()];
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    Tensor t = e.zeros(DataType.FLOAT32, s);
    t.copyFrom(v);
    return t;
  }

  private static Tensor pass(Layer layer, Tensor input, Tensor gradient) {
    layer.forward(input, Mode.training(1));
    return layer.backward(gradient, true);
  }

  @Benchmark
  public Tensor batchNorm() {
    return pass(batchNorm, x, dy);
  }

  @Benchmark
  public Tensor relu() {
    return pass(relu, x, dy);
  }

  @Benchmark
  public Tensor maxPool() {
    return pass(maxPool, x, pooledDy);
  }
}
