package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.spark.SparkTrainer.Reduction;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On Spark's {@code local-cluster[2,1,1024]} — two executors, each a fresh JVM that receives the tasks serialized,
 * loads Delta4j's classes and builds its own engine — training gives the weights of one machine, bit for bit. Two
 * executor JVMs take about two minutes to start and warm here, past the module's time budget: the test runs with
 * {@code -Ddelta4j.localCluster=true}.
 */
@EnabledIfSystemProperty(named = "delta4j.localCluster", matches = "true")
class LocalClusterTest {
  private static final LocalSpark.Data DATA = LocalSpark.data(203, 11);
  private static SparkSession cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    LocalSpark.stop();
    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    cluster = SparkSession.builder().master("local-cluster[2,1,1024]").appName("delta4j-local-cluster")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executor.extraJavaOptions", System.getProperty("delta4j.executor.options"))
        .getOrCreate();
  }

  @AfterAll
  static void stopCluster() {
    cluster.stop();
  }

  private static double[] train(Reduction reduction) {
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"), DataType.FLOAT64);
    Dataset<Row> frame = DATA.frame(cluster);
    SparkTrainer.builder().epochs(2).batchSize(32).workers(2).blocks(4).seed(5).reduction(reduction).build()
        .fit(n, frame, "features", "label");
    return BlockGradients.weights(n);
  }

  @Test
  void twoExecutorJvmsTrainTheWeightsOfOneMachine() {
    Network single = Network.create(LocalSpark.spec(), Engines.get("ref"), DataType.FLOAT64);
    FixedOrderSgd.train(single, DATA.features(), DATA.labels(), new StepPlan(203, 32, 4, 1, 5, true), 2);
    double[] expected = BlockGradients.weights(single);
    assertArrayEquals(expected, train(Reduction.PEER_ALL_REDUCE));
    assertArrayEquals(expected, train(Reduction.TREE_AGGREGATE));
  }
}
