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
    NetworkSpec exploding = NetworkSpec.builder().input(6).dense(16).relu().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(1e200)).seed(7).build();
    for (Reduction reduction : Reduction.values()) {
      Network n = Network.create(exploding, Engines.get("ref"), DataType.FLOAT64);
      ArithmeticException e = assertThrows(ArithmeticException.class, () -> SparkTrainer.builder().epochs(2)
          .batchSize(BATCH).workers(2).seed(5).reduction(reduction).build().fit(n, DATA.frame(), "features", "label"),
          reduction.name());
      assertTrue(e.getMessage().contains("not finite") && e.getMessage().contains("step"),
          reduction + ": " + e.getMessage());
    }
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
    assertTrue(e.getMessage().contains("runs its 5 workers at once, but Spark has 4 task slots"), e.getMessage());
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
