package org.delta4j.spark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.random.SplitMix64;
import org.delta4j.spark.FixedOrderSgd;
import org.delta4j.spark.SparkTrainer;
import org.delta4j.spark.StepPlan;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One epoch of the Fashion-MNIST MLP (784-256-128-10, ReLU, Adam, batches of 128) on {@code samples} samples of its
 * shape, by each way of summing the workers' gradients on a {@code local[workers]} Spark, beside the same blocks on
 * one machine without Spark ({@link FixedOrderSgd}): the difference, over the epoch's steps, is what Spark costs per
 * step. Run with {@code spark/bench/reduction}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class ReductionBenchmark {
  /** A {@link SparkTrainer.Reduction}, or ONE_MACHINE (no Spark). */
  @Param({"ONE_MACHINE", "PEER_ALL_REDUCE", "TREE_AGGREGATE", "BARRIER_ALL_GATHER"})
  public String reduction;

  @Param({"2"})
  public int workers;

  @Param({"2048"})
  public int samples;

  @Param({"128"})
  public int batch;

  private SparkSession spark;
  private Dataset<Row> frame;
  private double[][] features;
  private int[] labels;

  static NetworkSpec mlp() {
    return NetworkSpec.builder().input(784).dense(256).relu().dense(128).relu().dense(10)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(2e-3)).seed(42).build();
  }

  @Setup(Level.Trial)
  public void setUp() {
    SplitMix64 random = new SplitMix64(1);
    features = new double[samples][784];
    labels = new int[samples];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      labels[i] = random.nextInt(10);
      for (int j = 0; j < 784; j++) {
        features[i][j] = (float) (random.nextDouble() * (j % 10 == labels[i] ? 1 : 0.5));
      }
      rows.add(RowFactory.create(Vectors.dense(features[i]), (double) labels[i]));
    }
    if (!reduction.equals("ONE_MACHINE")) {
      spark = SparkSession.builder().master("local[" + workers + "]").appName("reduction-benchmark")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
      StructType schema = new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType);
      frame = spark.createDataFrame(rows, schema).repartition(workers).cache();
      frame.count();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Benchmark
  public double epoch() {
    Network network = Network.create(mlp(), Engines.get("ref"));
    if (reduction.equals("ONE_MACHINE")) {
      return FixedOrderSgd.train(network, features, labels, new StepPlan(samples, batch, workers, 1, 42, true), 1)
          .get(0).trainingLoss();
    }
    return SparkTrainer.builder().batchSize(batch).workers(workers)
        .reduction(SparkTrainer.Reduction.valueOf(reduction)).build()
        .fit(network, frame, "features", "label").get(0).trainingLoss();
  }
}
