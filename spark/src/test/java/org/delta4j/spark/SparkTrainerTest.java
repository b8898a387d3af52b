package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.spark.SparkTrainer.Reduction;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.train.EpochResult;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training on Spark equals training on one machine: N workers on global batch B end with the weights
 * of one process training on batch B. 203 samples in batches of 16 (a short last batch), dropout and Adam, 3 epochs.
 */
class SparkTrainerTest {
  private static final LocalSpark.Data DATA = LocalSpark.data(203, 11);
  private static final int BATCH = 16;
  private static final int EPOCHS = 3;
  /** A network of 40,005 gradient values: 6 inputs, 4,000 hidden units, 3 classes. */
  private static final NetworkSpec WIDE = NetworkSpec.builder().input(6).dense(4000).relu().dense(3)
      .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(7).build();

  private static Network network(DataType type) {
    return Network.create(LocalSpark.spec(), Engines.get("ref"), type);
  }

  private static double[] spark(DataType type, int workers, int blocks, Reduction reduction) {
    return spark(type, workers, blocks, reduction, BATCH, EPOCHS);
  }

  private static double[] spark(DataType type, int workers, int blocks, Reduction reduction, int batch, int epochs) {
    Network n = network(type);
    SparkTrainer.builder().epochs(epochs).batchSize(batch).workers(workers).blocks(blocks).seed(5)
        .reduction(reduction).build().fit(n, DATA.frame(), "features", "label");
    return BlockGradients.weights(n);
  }

  private static double[] fixedOrder(DataType type, int blocks) {
    return fixedOrder(type, blocks, BATCH, EPOCHS);
  }

  private static double[] fixedOrder(DataType type, int blocks, int batch, int epochs) {
    Network n = network(type);
    FixedOrderSgd.train(n, DATA.features(), DATA.labels(), new StepPlan(203, batch, blocks, 1, 5, true), epochs);
    return BlockGradients.weights(n);
  }

  /**
   * Training that diverges stops as one machine's does, with the ArithmeticException naming the step, under every
   * reduction: the workers carry a non-finite loss through the sum and end together, where a task that threw made
   * Spark run the stage again and again before failing with its own exception.
   */
  @Test
  void divergenceEndsTheFitWithAnArithmeticExceptionNamingTheStep() {
    for (Reduction reduction : Reduction.values()) {
      Network n = Network.create(OVERFLOWING, Engines.get("ref"), DataType.FLOAT64);
      ArithmeticException e = assertThrows(ArithmeticException.class, () -> SparkTrainer.builder().epochs(2)
          .batchSize(BATCH).workers(2).seed(5).reduction(reduction).build().fit(n, DATA.frame(), "features", "label"),
          reduction.name());
      assertTrue(e.getMessage().contains("not finite") && e.getMessage().contains("step"),
          reduction + ": " + e.getMessage());
    }
  }

  /** SGD at 3e38, near the largest float: training diverges within a few steps. */
  private static final NetworkSpec OVERFLOWING = NetworkSpec.builder().input(6).dense(16).relu().dense(3)
      .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(3e38)).seed(7).build();

  /**
   * {@link #DATA} with features 100 times as large (floats still): their gradients times {@link #OVERFLOWING}'s rate
   * pass the largest float, so the first update makes a FLOAT32 network's weights infinite.
   */
  private static final LocalSpark.Data LARGE = new LocalSpark.Data(java.util.Arrays.stream(DATA.features())
      .map(x -> java.util.Arrays.stream(x).map(v -> (float) (100 * v)).toArray()).toArray(double[][]::new),
      DATA.labels());

  /**
   * A FLOAT32 network whose update makes its weights infinite ends the fit as on one machine, under every reduction:
   * promptly, with the ArithmeticException of the next step's loss, in the single-machine trainer's words (which
   * weight is not finite after which update) after the step and epoch, and with the network the trainer leaves.
   * A worker used to fail sending that network (a model file holds finite numbers only), and Spark ran the stage four
   * times before failing with its own exception.
   */
  @Test
  void weightsMadeInfiniteByAnUpdateEndTheFitInTheSingleMachineTrainersWords() {
    Network single = Network.create(OVERFLOWING, Engines.get("ref"), DataType.FLOAT32);
    ArithmeticException expected = assertThrows(ArithmeticException.class, () -> Trainer.builder().epochs(2)
        .batchSize(BATCH).seed(5).build().fit(single, ArrayDataset.classification(LARGE.floatFeatures(),
            LARGE.labels(), 3)));
    assertTrue(expected.getMessage().contains("the weights are not finite after update 1"), expected.getMessage());
    for (Reduction reduction : Reduction.values()) {
      Network n = Network.create(OVERFLOWING, Engines.get("ref"), DataType.FLOAT32);
      long start = System.nanoTime();
      ArithmeticException e = assertThrows(ArithmeticException.class, () -> SparkTrainer.builder().epochs(2)
          .batchSize(BATCH).workers(2).blocks(1).seed(5).reduction(reduction).build()
          .fit(n, LARGE.frame(), "features", "label"), reduction.name());
      assertEquals("the loss is not finite at step 1 of epoch 1 (update 2): " + expected.getMessage(), e.getMessage(),
          reduction.name());
      assertTrue(System.nanoTime() - start < 10_000_000_000L, reduction + " took "
          + (System.nanoTime() - start) / 1e9 + " s");
      assertArrayEquals(BlockGradients.weights(single), BlockGradients.weights(n), reduction.name());
    }
  }

  /**
   * An update that makes the weights infinite at the end of an epoch (here its only step) ends the fit there, naming
   * the update, step and epoch and the first value that is not finite, under every reduction: a model that is not
   * finite could be neither sent to the workers for the next epoch nor saved as a checkpoint (under TREE_AGGREGATE
   * the next epoch failed naming a temporary file).
   */
  @Test
  void weightsMadeInfiniteAtAnEpochsEndEndTheFitNamingTheUpdate() {
    for (Reduction reduction : Reduction.values()) {
      Network n = Network.create(OVERFLOWING, Engines.get("ref"), DataType.FLOAT32);
      ArithmeticException e = assertThrows(ArithmeticException.class, () -> SparkTrainer.builder().epochs(2)
          .batchSize(203).workers(2).seed(5).reduction(reduction).build().fit(n, LARGE.frame(), "features", "label"),
          reduction.name());
      assertTrue(e.getMessage().startsWith("the weights are not finite after update 1 (step 0 of epoch 1) of the "
          + "sgd optimizer: tensor 'dense1.weight' holds "), reduction + ": " + e.getMessage());
      assertEquals(1, n.optimizer().iterations(), "the network the update left");
    }
  }

  /**
   * A fit that fails on the driver between stages (here its listener) leaves none of its workers' networks and rows
   * kept in the executors for stages that will never come.
   */
  @Test
  void aFitThatFailsBetweenStagesLeavesNothingKept() {
    for (Reduction reduction : List.of(Reduction.PEER_ALL_REDUCE, Reduction.TREE_AGGREGATE)) {
      int before = SparkTrainer.kept();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparkTrainer.builder().epochs(3)
          .batchSize(BATCH).workers(2).seed(5).reduction(reduction).reportsPerEpoch(2).listener(r -> {
            throw new IllegalStateException("the listener's own failure");
          }).build().fit(network(DataType.FLOAT64), DATA.frame(), "features", "label"));
      assertEquals("the listener's own failure", e.getMessage());
      assertEquals(before, SparkTrainer.kept(), reduction.name());
    }
  }

  /** More blocks than a batch has rows are refused when the trainer is built, naming both. */
  @Test
  void moreBlocksThanRowsInABatchAreRefusedWhenBuilt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkTrainer.builder().batchSize(4).blocks(7).build());
    assertEquals("blocks 7 for batches of 4 rows: a batch is cut into at most as many blocks as it has rows",
        e.getMessage());
  }

  @Test
  void twoWorkersEqualTheSingleMachineTrainerWithin1e12() {
    Network single = network(DataType.FLOAT64);
    Trainer.builder().epochs(EPOCHS).batchSize(BATCH).seed(5).build()
        .fit(single, ArrayDataset.classification(DATA.floatFeatures(), DATA.labels(), 3));
    double[] expected = BlockGradients.weights(single);
    double[] actual = spark(DataType.FLOAT64, 2, 2, Reduction.PEER_ALL_REDUCE);
    LocalSpark.assertWithin1e12(expected, actual, "weights");
  }

  @Test
  void peerAllReduceTrainingEqualsFixedOrderTrainingBitForBit() {
    assertArrayEquals(fixedOrder(DataType.FLOAT64, 4), spark(DataType.FLOAT64, 2, 4, Reduction.PEER_ALL_REDUCE));
  }

  @Test
  void treeAggregateTrainingEqualsFixedOrderTrainingBitForBit() {
    assertArrayEquals(fixedOrder(DataType.FLOAT64, 4), spark(DataType.FLOAT64, 2, 4, Reduction.TREE_AGGREGATE));
  }

  @Test
  void barrierTrainingEqualsFixedOrderTrainingBitForBit() {
    // each barrier step lasts about a second (allGather polls once a second): 4 steps of 64
    assertArrayEquals(fixedOrder(DataType.FLOAT64, 4, 64, 1),
        spark(DataType.FLOAT64, 2, 4, Reduction.BARRIER_ALL_GATHER, 64, 1));
  }

  @Test
  void epochsCutIntoPartsTrainTheSameBitsAndReportEachPart() {
    Network n = network(DataType.FLOAT64);
    List<SparkTrainer.Progress> told = new java.util.ArrayList<>();
    List<EpochResult> history = SparkTrainer.builder().epochs(2).batchSize(BATCH).workers(2).blocks(4).seed(5)
        .reportsPerEpoch(3).progress(told::add).build().fit(n, DATA.frame(), "features", "label");
    Network single = network(DataType.FLOAT64);
    List<EpochResult> expected = FixedOrderSgd.train(single, DATA.features(), DATA.labels(),
        new StepPlan(203, BATCH, 4, 1, 5, true), 2);
    assertArrayEquals(BlockGradients.weights(single), BlockGradients.weights(n));
    for (int e = 0; e < 2; e++) {
      assertEquals(expected.get(e).trainingLoss(), history.get(e).trainingLoss());
      assertEquals(expected.get(e).trainingAccuracy(), history.get(e).trainingAccuracy());
    }
    // 203 samples in batches of 16: 13 steps an epoch, cut at 4, 8 and 13
    assertEquals(List.of(new SparkTrainer.Progress(1, 4, 13), new SparkTrainer.Progress(1, 8, 13),
        new SparkTrainer.Progress(1, 13, 13), new SparkTrainer.Progress(2, 4, 13), new SparkTrainer.Progress(2, 8, 13),
        new SparkTrainer.Progress(2, 13, 13)), told);
  }

  @Test
  void rowsCopiedToEveryWorkerTrainTheSameBitsAcrossEpochsAndParts() {
    // the workers keep their copies of the network and their rows from one stage to the next
    for (Reduction reduction : List.of(Reduction.PEER_ALL_REDUCE, Reduction.TREE_AGGREGATE)) {
      Network n = network(DataType.FLOAT64);
      SparkTrainer.builder().epochs(EPOCHS).batchSize(BATCH).workers(2).blocks(4).seed(5).reduction(reduction)
          .placement(SparkTrainer.Placement.COPY_TO_EVERY_WORKER).reportsPerEpoch(2).build()
          .fit(n, DATA.frame(), "features", "label");
      assertArrayEquals(fixedOrder(DataType.FLOAT64, 4), BlockGradients.weights(n), reduction.toString());
    }
  }

  @Test
  void treeAggregateEpochsCutIntoPartsTrainTheSameBits() {
    Network n = network(DataType.FLOAT64);
    SparkTrainer.builder().epochs(EPOCHS).batchSize(BATCH).workers(2).blocks(4).seed(5)
        .reduction(Reduction.TREE_AGGREGATE).reportsPerEpoch(2).build().fit(n, DATA.frame(), "features", "label");
    assertArrayEquals(fixedOrder(DataType.FLOAT64, 4), BlockGradients.weights(n));
  }

  @Test
  void aBatchLargerThanTheDataIsOneStepOfAllRowsEvenAtTheIntRange() {
    // ⌈B / K⌉ in int arithmetic wrapped to a negative block size for B near 2³¹, and the job died
    assertArrayEquals(fixedOrder(DataType.FLOAT64, 2, Integer.MAX_VALUE, 1),
        spark(DataType.FLOAT64, 2, 2, Reduction.PEER_ALL_REDUCE, Integer.MAX_VALUE, 1));
  }

  @Test
  void theBitsDependOnTheBlocksNotOnTheWorkers() {
    double[] expected = fixedOrder(DataType.FLOAT64, 3);
    assertArrayEquals(expected, spark(DataType.FLOAT64, 1, 3, Reduction.PEER_ALL_REDUCE));
    assertArrayEquals(expected, spark(DataType.FLOAT64, 2, 3, Reduction.PEER_ALL_REDUCE));
    assertArrayEquals(expected, spark(DataType.FLOAT64, 3, 3, Reduction.TREE_AGGREGATE));
  }

  @Test
  void treeAggregateEqualsFixedOrderTrainingBitForBitInFloat32() {
    assertArrayEquals(fixedOrder(DataType.FLOAT32, 4), spark(DataType.FLOAT32, 2, 4, Reduction.TREE_AGGREGATE));
  }

  @Test
  void peerAllReduceSendsFloat32VectorsAsFloatsAndEqualsFixedOrderTrainingBitForBit() {
    double[] expected = fixedOrder(DataType.FLOAT32, 4);
    assertArrayEquals(expected, spark(DataType.FLOAT32, 2, 4, Reduction.PEER_ALL_REDUCE));
    assertArrayEquals(expected, spark(DataType.FLOAT32, 1, 4, Reduction.PEER_ALL_REDUCE));
  }

  /**
   * Three and four workers cut the vector into one slice each (reduce-scatter, then all-gather) instead of swapping it
   * whole as two do, and still end with the bits of one machine, in either precision: the network's 163 values split
   * unevenly over three and four, and a network of 40,005 values, several chunks a slice.
   */
  @Test
  void moreThanTwoWorkersSumTheirSlicesIntoTheBitsOfOneMachine() {
    for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
      double[] expected = fixedOrder(type, 4);
      assertArrayEquals(expected, spark(type, 3, 4, Reduction.PEER_ALL_REDUCE), "3 workers, " + type);
      assertArrayEquals(expected, spark(type, 4, 4, Reduction.PEER_ALL_REDUCE), "4 workers, " + type);
    }
    wideNetworkTrainsTheBitsOfOneMachine(3);
  }

  /**
   * A network of 40,005 gradient values, more than two of the exchange's chunks and not a whole number of them, crosses
   * between the workers whole: every value arrives, in either precision.
   */
  @Test
  void vectorsOfSeveralChunksCrossBetweenPeersWhole() {
    int length = new BlockGradients(Network.create(WIDE, Engines.get("ref"))).vectorLength();
    assertTrue(length > 2 * PeerExchange.CHUNK && length % PeerExchange.CHUNK != 0, length + " values");
    wideNetworkTrainsTheBitsOfOneMachine(2);
  }

  /** {@link #WIDE} on {@code workers} workers, one block each, ends with one machine's weights in both precisions. */
  private static void wideNetworkTrainsTheBitsOfOneMachine(int workers) {
    for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
      Network oneMachine = Network.create(WIDE, Engines.get("ref"), type);
      FixedOrderSgd.train(oneMachine, DATA.features(), DATA.labels(), new StepPlan(203, 64, workers, 1, 5, true), 1);
      Network onSpark = Network.create(WIDE, Engines.get("ref"), type);
      SparkTrainer.builder().epochs(1).batchSize(64).workers(workers).blocks(workers).seed(5)
          .reduction(Reduction.PEER_ALL_REDUCE).build().fit(onSpark, DATA.frame(), "features", "label");
      assertArrayEquals(BlockGradients.weights(oneMachine), BlockGradients.weights(onSpark),
          workers + " workers, " + type);
    }
  }

  @Test
  void onTheNd4jEngineToo() {
    Engine nd4j = LocalSpark.nd4j();
    Network single = Network.create(LocalSpark.spec(), nd4j, DataType.FLOAT64);
    FixedOrderSgd.train(single, DATA.features(), DATA.labels(), new StepPlan(203, 64, 2, 1, 5, true), 1);
    Network spark = Network.create(LocalSpark.spec(), nd4j, DataType.FLOAT64);
    SparkTrainer.builder().batchSize(64).workers(2).seed(5).build().fit(spark, DATA.frame(), "features", "label");
    assertArrayEquals(BlockGradients.weights(single), BlockGradients.weights(spark));
  }

  @Test
  void barrierReductionsRefuseMoreWorkersThanTaskSlots() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> spark(DataType.FLOAT64, 5, 5, Reduction.PEER_ALL_REDUCE));
    assertEquals("reduction PEER_ALL_REDUCE runs its 5 workers at once, but Spark has 4 task slots: use at most that "
        + "many workers (workers(4)), or reduction(TREE_AGGREGATE), whose tasks need not run at once", e.getMessage());
  }

  @Test
  void reportsEachEpochsLossAndAccuracy() {
    Network n = network(DataType.FLOAT64);
    List<EpochResult> history = SparkTrainer.builder().epochs(EPOCHS).batchSize(BATCH).workers(2).seed(5).build()
        .fit(n, DATA.frame(), "features", "label");
    List<EpochResult> single = FixedOrderSgd.train(network(DataType.FLOAT64), DATA.features(), DATA.labels(),
        new StepPlan(203, BATCH, 2, 1, 5, true), EPOCHS);
    assertEquals(EPOCHS, history.size());
    for (int e = 0; e < EPOCHS; e++) {
      assertEquals(single.get(e).trainingLoss(), history.get(e).trainingLoss());
      assertEquals(single.get(e).trainingAccuracy(), history.get(e).trainingAccuracy());
    }
    assertTrue(history.get(EPOCHS - 1).trainingAccuracy() > 0.6, "accuracy " + history.get(EPOCHS - 1));
  }
}
