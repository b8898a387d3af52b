package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.sql.SparkSession;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.spark.SparkTrainer.Placement;
import org.delta4j.spark.SparkTrainer.Reduction;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On Spark's {@code local-cluster[2,1,1024]} — a standalone master and two workers, each running its executor in a
 * JVM of its own that receives the tasks serialized, loads Delta4j's classes and builds its own engine — training gives
 * the weights of one machine bit for bit, on both engines, and still does when an executor JVM dies mid-epoch. One
 * cluster serves the whole class; the data is small (203 samples, 4 steps an epoch) so that the class stays near a
 * minute.
 */
class LocalClusterTest {
  private static final LocalSpark.Data DATA = LocalSpark.data(203, 11);
  private static final int BATCH = 64;
  private static final int BLOCKS = 4;
  private static final long SEED = 5;
  private static final int EXECUTORS = 2;
  private static SparkSession cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    LocalSpark.stop();
    // local-cluster launches executors from a Spark home (the build's target/spark-home); the class path is the test's.
    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    cluster = SparkSession.builder().master("local-cluster[" + EXECUTORS + ",1,1024]")
        .appName("delta4j-local-cluster")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executor.extraJavaOptions", System.getProperty("delta4j.executor.options"))
        .getOrCreate();
    awaitExecutors();
  }

  /** Waits until every executor has registered, so that a barrier stage finds its task slots at once. */
  private static void awaitExecutors() throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    // the status tracker lists the driver too
    while (cluster.sparkContext().statusTracker().getExecutorInfos().length < EXECUTORS + 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the executors of local-cluster did not register within 2 minutes");
      }
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stopCluster() {
    cluster.stop();
  }

  private static double[] oneMachine(Engine engine, int epochs) {
    Network n = Network.create(LocalSpark.spec(), engine, DataType.FLOAT64);
    FixedOrderSgd.train(n, DATA.features(), DATA.labels(), new StepPlan(203, BATCH, BLOCKS, 1, SEED, true), epochs);
    return BlockGradients.weights(n);
  }

  private static double[] onTheCluster(Engine engine, int epochs, Reduction reduction) {
    return onTheCluster(engine, epochs, reduction, Placement.SHUFFLE_EACH_EPOCH, 1);
  }

  private static double[] onTheCluster(Engine engine, int epochs, Reduction reduction, Placement placement,
      int reportsPerEpoch) {
    Network n = Network.create(LocalSpark.spec(), engine, DataType.FLOAT64);
    SparkTrainer.builder().epochs(epochs).batchSize(BATCH).workers(EXECUTORS).blocks(BLOCKS).seed(SEED)
        .reduction(reduction).placement(placement).reportsPerEpoch(reportsPerEpoch).build()
        .fit(n, DATA.frame(cluster), "features", "label");
    return BlockGradients.weights(n);
  }

  @Test
  void twoExecutorJvmsTrainTheWeightsOfOneMachine() {
    Engine ref = Engines.get("ref");
    assertArrayEquals(oneMachine(ref, 1), onTheCluster(ref, 1, Reduction.PEER_ALL_REDUCE));
    assertArrayEquals(oneMachine(ref, 1), onTheCluster(ref, 1, Reduction.TREE_AGGREGATE));
  }

  /** The rows copied to both executors once, and each executor's network kept from one stage to the next. */
  @Test
  void twoExecutorJvmsKeepingTheirRowsAndNetworksTrainTheWeightsOfOneMachine() {
    Engine ref = Engines.get("ref");
    assertArrayEquals(oneMachine(ref, 2),
        onTheCluster(ref, 2, Reduction.PEER_ALL_REDUCE, Placement.COPY_TO_EVERY_WORKER, 2));
  }

  @Test
  void twoExecutorJvmsTrainTheWeightsOfOneMachineOnTheNd4jEngine() {
    Engine nd4j = LocalSpark.nd4j();
    assertArrayEquals(oneMachine(nd4j, 1), onTheCluster(nd4j, 1, Reduction.PEER_ALL_REDUCE));
  }

  /**
   * Worker 1's executor JVM halts after step 1 of epoch 2's 4 steps; the standalone worker starts another executor,
   * Spark runs the barrier stage again, and the retried epoch starts from the weights broadcast at its start, not from
   * the surviving worker's copy, which had moved on.
   */
  @Test
  void anExecutorLostMidEpochIsReplacedAndTrainingEndsWithTheUninterruptedWeights() throws InterruptedException {
    loseAnExecutorMidEpoch(Reduction.PEER_ALL_REDUCE, Placement.SHUFFLE_EACH_EPOCH, 1);
  }

  /** The same when the tasks exchange their nodes through Spark's {@code allGather}. */
  @Test
  void anExecutorLostMidEpochOfAllGatherIsReplacedAndTrainingEndsWithTheUninterruptedWeights()
      throws InterruptedException {
    loseAnExecutorMidEpoch(Reduction.BARRIER_ALL_GATHER, Placement.SHUFFLE_EACH_EPOCH, 1);
  }

  /**
   * With a job a step, the lost worker's task runs again on an executor without its copy of the network, built anew
   * from the state sent at the epoch's start: two steps behind (halted after step 2), it is stale, so the driver sends
   * its current weights and the step is done again, and the epoch goes on with the uninterrupted run's bits.
   */
  @Test
  void anExecutorLostMidStepOfTreeAggregateIsRecomputedAndTrainingEndsWithTheUninterruptedWeights()
      throws InterruptedException {
    loseAnExecutorMidEpoch(Reduction.TREE_AGGREGATE, Placement.SHUFFLE_EACH_EPOCH, 2);
  }

  /**
   * The same with the rows copied to every executor and the networks kept between stages: the new executor gets its
   * copy of the rows again, and the surviving worker's kept network, which had moved on, is not used.
   */
  @Test
  void anExecutorLostMidEpochLosesItsCopyOfTheRowsAndTrainingEndsWithTheUninterruptedWeights()
      throws InterruptedException {
    loseAnExecutorMidEpoch(Reduction.PEER_ALL_REDUCE, Placement.COPY_TO_EVERY_WORKER, 1);
  }

  /** Halts worker 1's executor after it has computed {@code step} of epoch 2, and checks the weights of the fit. */
  private static void loseAnExecutorMidEpoch(Reduction reduction, Placement placement, int step)
      throws InterruptedException {
    List<String> removed = new CopyOnWriteArrayList<>();
    List<Integer> stageAttempts = new CopyOnWriteArrayList<>();
    SparkListener watcher = new SparkListener() {
      @Override
      public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
        removed.add(e.executorId() + ": " + e.reason());
      }

      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted s) {
        stageAttempts.add(s.stageInfo().attemptNumber());
      }
    };
    cluster.sparkContext().addSparkListener(watcher);
    cluster.sparkContext().setLocalProperty(SparkTrainer.HALT_PROPERTY, "2/1/" + step);
    double[] recovered;
    try {
      recovered = onTheCluster(Engines.get("ref"), 2, reduction, placement, 1);
    } finally {
      cluster.sparkContext().setLocalProperty(SparkTrainer.HALT_PROPERTY, null);
      cluster.sparkContext().removeSparkListener(watcher);
    }
    assertTrue(removed.size() >= 1, "no executor was lost");
    if (reduction != Reduction.TREE_AGGREGATE) { // a failed barrier stage is run again whole
      assertTrue(stageAttempts.stream().anyMatch(a -> a > 0), "no stage was retried: attempts " + stageAttempts);
    }
    assertArrayEquals(oneMachine(Engines.get("ref"), 2), recovered);
    awaitExecutors();
  }
}
