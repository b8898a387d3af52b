package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.spark.SparkTrainer.Reduction;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * A network with buffers (batch normalization's running statistics) trained data-parallel: the buffers after every
 * step are those block 0 of the batch leaves, as one machine computing the blocks in order keeps them, whatever the
 * number of workers and the reduction, and with one block a batch those of the single-machine trainer. Blocks that
 * follow the cluster are warned of.
 */
class BatchNormBuffersTest {
  private static final LocalSpark.Data DATA = LocalSpark.data(203, 13);
  private static final int BATCH = 32;

  static NetworkSpec spec() {
    return NetworkSpec.builder().input(6).dense(8).batchNorm().relu().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(7).build();
  }


  private static Network oneMachine(int blocks) {
    Network n = Network.create(spec(), Engines.get("ref"), DataType.FLOAT64);
    FixedOrderSgd.train(n, DATA.features(), DATA.labels(), new StepPlan(203, BATCH, blocks, 1, 5, true), 2);
    return n;
  }

  private static Network onSpark(int workers, int blocks, Reduction reduction) {
    Network n = Network.create(spec(), Engines.get("ref"), DataType.FLOAT64);
    SparkTrainer.builder().epochs(2).batchSize(BATCH).workers(workers).blocks(blocks).seed(5).reduction(reduction)
        .build().fit(n, DATA.frame(), "features", "label");
    return n;
  }

  /** Before: under TREE_AGGREGATE the driver's network never ran a forward pass, and kept its initial statistics. */
  @Test
  void theRunningStatisticsAreThoseOfOneMachineWhateverTheWorkersAndReduction() {
    Network expected = oneMachine(4);
    double[] initial = LocalSpark.buffers(Network.create(spec(), Engines.get("ref"), DataType.FLOAT64));
    assertFalse(Arrays.equals(initial, LocalSpark.buffers(expected)), "training moved the running statistics");
    for (int workers : new int[] {1, 2, 4}) {
      assertSame(expected, onSpark(workers, 4, Reduction.PEER_ALL_REDUCE), "PEER_ALL_REDUCE, " + workers + " workers");
    }
    assertSame(expected, onSpark(2, 4, Reduction.TREE_AGGREGATE), "TREE_AGGREGATE, 2 workers");
    assertSame(expected, onSpark(2, 4, Reduction.BARRIER_ALL_GATHER), "BARRIER_ALL_GATHER, 2 workers");
  }

  /**
   * One block a batch normalizes each batch by its own statistics, as the single-machine trainer does: its weights and
   * running statistics within 1e-12 (its products sum in another order). With more blocks, each normalizes by its own.
   */
  @Test
  void oneBlockABatchTrainsAsTheSingleMachineTrainer() {
    Network single = Network.create(spec(), Engines.get("ref"), DataType.FLOAT64);
    Trainer.builder().epochs(2).batchSize(BATCH).seed(5).build()
        .fit(single, ArrayDataset.classification(DATA.floatFeatures(), DATA.labels(), 3));
    Network spark = onSpark(2, 1, Reduction.PEER_ALL_REDUCE);
    LocalSpark.assertWithin1e12(BlockGradients.weights(single), BlockGradients.weights(spark), "weights");
    LocalSpark.assertWithin1e12(LocalSpark.buffers(single), LocalSpark.buffers(spark), "running statistics");
  }

  /**
   * With batch normalization each block is normalized by its own statistics, so blocks that follow the cluster (one
   * per worker, the workers the context's default parallelism: 4 on the tests' local[4]) train another model on
   * another cluster: the fit warns, saying what to set. Blocks or workers set, or a network without buffers, train
   * the same model on any cluster, without a warning.
   */
  @Test
  void blocksThatFollowTheClusterAreWarnedOfUnderBatchNormalization() {
    Network normalized = Network.create(spec(), Engines.get("ref"), DataType.FLOAT64);
    String warning = SparkTrainer.builder().batchSize(BATCH).seed(5).build().blocksWarning(normalized, 4, false);
    assertTrue(warning.startsWith("the network has buffers (") && warning.contains("normalizes each of the 4 "
        + "blocks of a batch of 32 rows by the block's own statistics")
        && warning.contains("4 here from the Spark context's default parallelism")
        && warning.contains("set blocks(…) (1: the whole batch's statistics, as on one machine) to train the same "
            + "model on any cluster"), warning);
    assertNull(SparkTrainer.builder().batchSize(BATCH).blocks(2).build().blocksWarning(normalized, 2, false));
    assertNull(SparkTrainer.builder().batchSize(BATCH).workers(2).build().blocksWarning(normalized, 2, false));
    assertNull(SparkTrainer.builder().batchSize(BATCH).build().blocksWarning(normalized, 4, true), "resumed");
    assertNull(SparkTrainer.builder().batchSize(BATCH).build().blocksWarning(normalized, 1, false), "one block");
    assertNull(SparkTrainer.builder().batchSize(BATCH).build().blocksWarning(
        Network.create(LocalSpark.spec(), Engines.get("ref"), DataType.FLOAT64), 4, false), "no buffers");
    // and a fit on the tests' session says it, where the logging of the JVM lets it be read
    int blocks = Math.min(DATA.frame().sparkSession().sparkContext().defaultParallelism(), BATCH);
    List<String> warned = warnings(() -> SparkTrainer.builder().batchSize(BATCH).seed(5).build().fit(
        Network.create(spec(), Engines.get("ref"), DataType.FLOAT64), DATA.frame(), "features", "label"));
    assertTrue(warned.size() <= 1 && warned.stream().allMatch(w -> w.contains("each of the " + blocks + " blocks")),
        warned.toString());
  }

  /** What {@link SparkTrainer} logged at WARN while {@code run} ran. */
  private static List<String> warnings(Runnable run) {
    return LocalSpark.logged(SparkTrainer.class.getName(), Level.WARN, run);
  }

  private static void assertSame(Network expected, Network actual, String what) {
    assertArrayEquals(BlockGradients.weights(expected), BlockGradients.weights(actual), what + ": the weights");
    assertArrayEquals(LocalSpark.buffers(expected), LocalSpark.buffers(actual), what + ": the buffers");
  }

}
