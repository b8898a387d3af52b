package org.delta4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The training step of {@link TrainingStepBenchmark} (the {@link Mlp}, batch {@link BenchmarkData#BATCH}, FLOAT32,
 * Adam) by one network alone, and by two networks on two threads at once sharing one engine instance, as two tasks of
 * one executor JVM would. Each thread has its own network and batches; the score of a group is the steps per second
 * of all its threads together — multiply by the batch for aggregate samples per second. On two cores, the two
 * networks' total against the one network's says whether the engine lets them run side by side (about 1×, each
 * network getting one core where alone it had two) or makes them queue (well below 1×).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = ForkedJvm.VECTOR_API)
public class ConcurrentTrainingBenchmark {
  /** The engine the networks share: one instance for every thread of a run. */
  @State(Scope.Benchmark)
  public static class SharedEngine {
    @Param({"ref", "nd4j"})
    public String engine;

    Engine instance;

    @Setup
    public void setUp() {
      instance = Engines.get(engine);
    }
  }

  /** One thread's network and batches. */
  @State(Scope.Thread)
  public static class Trainer {
    private Network network;
    private Tensor[] inputs;
    private Tensor[] targets;
    private int next;

    @Setup
    public void setUp(SharedEngine shared) {
      network = Network.create(Mlp.spec(), shared.instance, DataType.FLOAT32);
      Tensor[][] data = BenchmarkData.onEngine(shared.instance, TrainingStepBenchmark.BATCHES, Shape.of(784));
      inputs = data[0];
      targets = data[1];
    }

    double step() {
      int b = next;
      next = (b + 1) % inputs.length;
      return network.trainStep(inputs[b], targets[b]);
    }
  }

  @Benchmark
  @Group("oneNetwork")
  @GroupThreads(1)
  public double oneNetwork(Trainer trainer) {
    return trainer.step();
  }

  @Benchmark
  @Group("twoNetworks")
  @GroupThreads(2)
  public double twoNetworks(Trainer trainer) {
    return trainer.step();
  }
}
