package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Network;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several networks trained at once on one engine instance, each on its own thread (as tasks in one executor JVM do),
 * end bit-identical to the same network trained alone: an engine keeps no state that two networks' kernels share
 * unsafely. Dense networks with products large enough to be split over the cores and a convolutional one, in FLOAT32
 * and FLOAT64, two and four at once. An engine module runs it by extending this class and returning its engine.
 */
public abstract class ConcurrentTrainingConformance {
  static final int STEPS = 12;
  static final int BATCH = 128;

  /** The engine under test; one instance shared by every network of a test. */
  protected abstract Engine engine();

  /** Network {@code i} of a test: dense and convolutional kinds in turn, each with its own seed. */
  static NetworkSpec spec(int i) {
    NetworkSpec.Builder b = i % 2 == 0
        // 128 × 128 × 256 products: 8 M operations, above the reference engine's threshold for splitting them.
        ? NetworkSpec.builder().input(128).dense(256).relu().dense(64).tanh().dense(10)
        : NetworkSpec.builder().input(1, 8, 8).conv2d(4, 3, Padding.SAME).relu().maxPool(2).flatten().dense(10);
    return b.loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(1e-3)).seed(100 + i).build();
  }

  static Stream<Arguments> cases() {
    return Stream.of(Arguments.of(2, DataType.FLOAT32), Arguments.of(2, DataType.FLOAT64),
        Arguments.of(4, DataType.FLOAT32), Arguments.of(4, DataType.FLOAT64));
  }

  @ParameterizedTest(name = "{0} networks, {1}")
  @MethodSource("cases")
  void networksTrainedAtOnceEndAsEachTrainedAlone(int networks, DataType type) throws Exception {
    List<double[]> alone = new ArrayList<>();
    for (int i = 0; i < networks; i++) {
      alone.add(train(i, type, null));
    }
    CyclicBarrier start = new CyclicBarrier(networks);
    ExecutorService threads = Executors.newFixedThreadPool(networks);
    try {
      List<Future<double[]>> together = new ArrayList<>();
      for (int i = 0; i < networks; i++) {
        int index = i;
        together.add(threads.submit(() -> train(index, type, start)));
      }
      for (int i = 0; i < networks; i++) {
        assertArrayEquals(alone.get(i), together.get(i).get(),
            "network " + i + " of " + networks + " trained at once with the others, " + type);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Network {@code i} trained {@link #STEPS} steps on its own random data (after all trainers meet at {@code start},
   * when given, so that they run together), then its losses and every parameter's values, in order.
   */
  private double[] train(int i, DataType type, CyclicBarrier start) throws Exception {
    Engine engine = engine();
    Network network = Network.create(spec(i), engine, type);
    Shape input = network.inputShape().withBatch(BATCH);
    int classes = Math.toIntExact(network.outputShape().size());
    SplitMix64 random = new SplitMix64(7 + i);
    double[] x = new double[Math.toIntExact(input.size())];
    for (int j = 0; j < x.length; j++) {
      x[j] = 2 * random.nextDouble() - 1;
    }
    double[] t = new double[BATCH * classes];
    for (int r = 0; r < BATCH; r++) {
      t[r * classes + random.nextInt(classes)] = 1;
    }
    Tensor inputs = engine.tensor(type, input, x);
    Tensor targets = engine.tensor(type, Shape.of(BATCH, classes), t);
    if (start != null) {
      start.await();
    }
    List<Double> out = new ArrayList<>();
    for (int s = 0; s < STEPS; s++) {
      out.add(network.trainStep(inputs, targets));
    }
    for (var p : network.parameters()) {
      for (double v : p.value().toDoubleArray()) {
        out.add(v);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
