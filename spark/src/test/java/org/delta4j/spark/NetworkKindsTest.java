package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.stream.Stream;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.Engines;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Network;
import org.delta4j.random.SplitMix64;
import org.delta4j.spark.SparkTrainer.Reduction;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.tensor.DataType;
import org.delta4j.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Networks beyond the MLP trained data-parallel on 4×4 one-channel images, whose 16 pixels a row holds as a vector: a
 * convolutional network (convolution, batch normalization, max pooling, dropout, dense) and a graph (a residual block
 * with batch normalization inside, from JSON). One block a batch ends within 1e-12 of the single-machine trainer,
 * weights and running statistics; blocks on two workers give the bits of one machine computing the same blocks.
 */
class NetworkKindsTest {
  private static final LocalSpark.Data DATA = images(150, 19);
  private static final int BATCH = 24;

  /** Three classes of 4×4 images: noise, and a bright row whose place says the class. */
  private static LocalSpark.Data images(int n, long seed) {
    SplitMix64 random = new SplitMix64(seed);
    double[][] x = new double[n][16];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = (int) (random.nextDouble() * 3);
      for (int p = 0; p < 16; p++) {
        x[i][p] = (float) (0.5 * random.nextGaussian() + (p / 4 == y[i] ? 1.5 : 0));
      }
    }
    return new LocalSpark.Data(x, y);
  }

  static Stream<Arguments> networks() {
    NetworkSpec convolutional = NetworkSpec.builder().input(1, 4, 4).conv2d(4, 3, Padding.SAME).batchNorm().relu()
        .maxPool(2).dropout(0.25).flatten().dense(3).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.Adam(0.01)).seed(7).build();
    NetworkSpec residual = NetworkSpecJson.read("""
        {"input": [16],
         "layers": [{"type": "dense", "name": "stem", "units": 8}, {"type": "relu"},
                    {"type": "block", "name": "res", "nodes": [
                      {"inputs": ["input"], "layer": {"type": "dense", "name": "fc", "units": 8}},
                      {"inputs": ["fc"], "layer": {"type": "batch_norm", "name": "bn"}},
                      {"inputs": ["bn"], "layer": {"type": "relu", "name": "r"}},
                      {"inputs": ["r", "input"], "merge": "add", "layer": {"type": "relu", "name": "out"}}]},
                    {"type": "dense", "name": "logits", "units": 3}],
         "loss": "softmax_cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}, "seed": 7}""");
    return Stream.of(Arguments.of("convolutional", convolutional), Arguments.of("residual", residual));
  }

  private static Network network(NetworkSpec spec) {
    return Network.create(spec, Engines.get("ref"), DataType.FLOAT64);
  }

  private static Network onSpark(NetworkSpec spec, int workers, int blocks) {
    Network n = network(spec);
    SparkTrainer.builder().epochs(2).batchSize(BATCH).workers(workers).blocks(blocks).seed(5)
        .reduction(Reduction.PEER_ALL_REDUCE).build().fit(n, DATA.frame(), "features", "label");
    return n;
  }


  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void oneBlockABatchEndsWithinOnePartIn1e12OfTheSingleMachineTrainer(String kind, NetworkSpec spec) {
    Network single = network(spec);
    Trainer.builder().epochs(2).batchSize(BATCH).seed(5).build()
        .fit(single, ArrayDataset.classification(DATA.floatFeatures(), DATA.labels(), 3));
    assertFalse(LocalSpark.buffers(single).length == 0, "the network has running statistics");
    Network spark = onSpark(spec, 2, 1);
    LocalSpark.assertWithin1e12(BlockGradients.weights(single), BlockGradients.weights(spark), "weights");
    LocalSpark.assertWithin1e12(LocalSpark.buffers(single), LocalSpark.buffers(spark), "running statistics");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void blocksOnTwoWorkersGiveTheBitsOfOneMachine(String kind, NetworkSpec spec) {
    Network one = network(spec);
    FixedOrderSgd.train(one, DATA.features(), DATA.labels(), new StepPlan(150, BATCH, 4, 1, 5, true), 2);
    Network spark = onSpark(spec, 2, 4);
    assertArrayEquals(BlockGradients.weights(one), BlockGradients.weights(spark));
    assertArrayEquals(LocalSpark.buffers(one), LocalSpark.buffers(spark));
  }

}
