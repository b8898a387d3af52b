package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.delta4j.engine.Engines;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.Network;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Data that does not fit the network is refused on the driver, before training, with a message naming the column,
 * the row and the sizes; so is an estimator param out of its range, naming the param and value; an unreachable master
 * is named within seconds.
 */
class BadInputTest {
  private static void fails(Class<? extends Throwable> type, Executable e, String... fragments) {
    Throwable t = assertThrows(type, e);
    for (String f : fragments) {
      assertTrue(t.getMessage().contains(f), "message '" + t.getMessage() + "' should contain '" + f + "'");
    }
  }

  private static Dataset<Row> frame(Object... featuresThenLabel) {
    StructType schema = new StructType().add("features", new VectorUDT(), true).add("label", DataTypes.DoubleType,
        true);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < featuresThenLabel.length; i += 2) {
      rows.add(RowFactory.create(featuresThenLabel[i], featuresThenLabel[i + 1]));
    }
    return LocalSpark.session().createDataFrame(rows, schema);
  }

  /**
   * Where the transform's and evaluation's errors say row {@code index} of the frame is: its place in its partition
   * and the partition's number, found here by Spark's own partition index.
   */
  private static String whereIs(Dataset<Row> frame, int index) {
    List<String> places = frame.javaRDD().mapPartitionsWithIndex((p, rows) -> {
      List<String> named = new java.util.ArrayList<>();
      for (int i = 0; rows.hasNext(); i++) {
        rows.next();
        named.add("row " + i + " of partition " + p);
      }
      return named.iterator();
    }, true).collect();
    return places.get(index);
  }

  private static void train(Dataset<Row> data, String features, String label) {
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    SparkTrainer.builder().workers(2).build().fit(n, data, features, label);
  }

  private static final Object GOOD = Vectors.dense(1, 2, 3, 4, 5, 6);

  /**
   * An estimator param out of its range, or naming nothing that exists, is refused naming the param and value, when
   * fit starts: before the data is read (these data hold a label that is no class, which reading them would report).
   */
  @Test
  void estimatorParamsOutOfRangeAreNamed() {
    Dataset<Row> data = frame(GOOD, 1.0, GOOD, 7.0);
    java.util.function.Supplier<Delta4jClassifier> c = () -> new Delta4jClassifier()
        .setNetworkSpec(org.delta4j.io.NetworkSpecJson.write(LocalSpark.spec())).setWorkers(2);
    fails(IllegalArgumentException.class, () -> c.get().setEpochs(0).fit(data), "param epochs", "0");
    fails(IllegalArgumentException.class, () -> c.get().setBatchSize(-3).fit(data), "param batchSize", "-3");
    fails(IllegalArgumentException.class, () -> c.get().setBatchSize(0).fit(data), "param batchSize", "0");
    fails(IllegalArgumentException.class, () -> c.get().setBlocks(-1).fit(data), "param blocks", "-1");
    fails(IllegalArgumentException.class, () -> c.get().setBatchSize(4).setBlocks(7).fit(data),
        "param blocks is 7, more than param batchSize 4");
    fails(IllegalArgumentException.class, () -> c.get().setWorkers(-2).fit(data), "param workers", "-2");
    fails(IllegalArgumentException.class, () -> c.get().setEngine("tpu"), "param engine: no engine named 'tpu'");
    Delta4jClassifier half = c.get();
    fails(IllegalArgumentException.class, () -> ((Delta4jClassifier) half.set(half.dataType(), "FLOAT16")).fit(data),
        "dataType", "FLOAT16");
    fails(IllegalArgumentException.class, () -> c.get().setNetworkSpec("{\"input\": [6]"), "network spec");
    fails(NullPointerException.class, () -> c.get().setNetworkSpec(null), "networkSpec");
    fails(NullPointerException.class, () -> c.get().setDataType(null), "dataType");
    // more workers than task slots: in the estimator's words, with no builder's reduction to choose
    Throwable workers = assertThrows(IllegalArgumentException.class, () -> c.get().setWorkers(5).fit(data));
    assertEquals("param workers is 5, but the workers train at once and Spark has 4 task slots: set param workers to "
        + "at most 4", workers.getMessage());
  }

  /**
   * A null network, DataFrame, model or column name is refused by what it is: each had reached Spark or the network's
   * methods and failed there as a bare null dereference.
   */
  @Test
  void aNullArgumentIsRefusedByWhatItIs() {
    Dataset<Row> data = frame(GOOD, 1.0);
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    SparkTrainer trainer = SparkTrainer.builder().workers(2).build();
    fails(IllegalArgumentException.class, () -> trainer.fit(null, data, "features", "label"),
        "the network to train is null");
    fails(IllegalArgumentException.class, () -> trainer.fit(n, null, "features", "label"),
        "the data to train on is null");
    fails(IllegalArgumentException.class, () -> trainer.fit(n, data, null, "label"),
        "the features column's name is null");
    fails(IllegalArgumentException.class, () -> trainer.fit(n, data, "features", null),
        "the label column's name is null");
    fails(IllegalArgumentException.class, () -> new Delta4jClassifier()
        .setNetworkSpec(org.delta4j.io.NetworkSpecJson.write(LocalSpark.spec())).fit(null),
        "the dataset to fit is null");
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    fails(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(null, data, "label"),
        "the model to evaluate is null");
    fails(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(model, null, "label"),
        "the data to evaluate on is null");
    fails(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(model, data, null),
        "the label column's name is null");
  }

  @Test
  void aMissingColumn() {
    fails(IllegalArgumentException.class, () -> train(frame(GOOD, 1.0), "pixels", "label"),
        "no features column 'pixels'", "[features, label]");
    fails(IllegalArgumentException.class, () -> train(frame(GOOD, 1.0), "features", "class"),
        "no label column 'class'");
  }

  @Test
  void columnNamesWithADotOrABacktickAreTheColumnsOfThoseNames() {
    Dataset<Row> odd = frame(GOOD, 1.0, GOOD, 2.0).toDF("pixels.v1", "the `class`");
    train(odd, "pixels.v1", "the `class`");
    fails(IllegalArgumentException.class, () -> train(odd.selectExpr("`pixels.v1`", "'x' as `the ``class```"),
        "pixels.v1", "the `class`"), "label column 'the `class`' is of type string");
  }

  @Test
  void aColumnNameSparkCannotTellFromAnotherIsNamedWithBoth() {
    fails(IllegalArgumentException.class, () -> train(frame(GOOD, 1.0).selectExpr("features", "label",
        "label as label"), "features", "label"), "the data has [label, label]");
    StructType twoCases = new StructType().add("features", new VectorUDT()).add("Features", new VectorUDT())
        .add("label", DataTypes.DoubleType);
    Dataset<Row> caseOnly = LocalSpark.session().createDataFrame(List.of(RowFactory.create(GOOD, GOOD, 1.0)),
        twoCases);
    fails(IllegalArgumentException.class, () -> train(caseOnly, "features", "label"),
        "the features column 'features' is not the only column Spark takes for that name: the data has [features, "
            + "Features] (Spark compares names ignoring case)");
  }

  /** 50,000 classes square past the int range: the counts are of the pairs that occur, not a dense table. */
  @Test
  void aNetworkOfMoreClassesThanADenseTableHoldsIsEvaluated() {
    NetworkSpec wide = NetworkSpec.builder().input(6).dense(50_000).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.Adam(0.01)).seed(7).build();
    Network n = Network.create(wide, Engines.get("ref"));
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    int predicted = n.predictor().classes(new float[][] {{1, 2, 3, 4, 5, 6}})[0];
    ConfusionMatrix m = SparkEvaluation.evaluate(model, frame(GOOD, 49_999.0, GOOD, 3.0, GOOD, 49_999.0), "label");
    assertEquals(3, m.total());
    assertEquals(2, m.count(49_999, predicted));
    assertEquals(1, m.count(3, predicted));
  }

  @Test
  void aTestSetWithALabelThatIsNoClassIsRefusedNamingItNotAsAFailedSparkJob() {
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    Dataset<Row> noClass = frame(GOOD, 1.0, GOOD, 7.0);
    fails(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(model, noClass, "label"),
        "label column 'label' holds 7.0 in " + whereIs(noClass, 1) + ", which is no class of the network's 3 (0 … 2)");
    Dataset<Row> nulls = frame(GOOD, 1.0, null, 0.0);
    fails(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(model, nulls, "label"),
        "features column 'features' is null in " + whereIs(nulls, 1));
  }

  @Test
  void aModelRefusesNonFiniteFeaturesAsTrainingDoesNotPredictingFromThem() {
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    Dataset<Row> nan = frame(GOOD, 1.0, Vectors.dense(1, 2, Double.NaN, 4, 5, 6), 0.0);
    String refusal = "features column 'features' holds NaN at value 2 of " + whereIs(nan, 1) + ": features must be "
        + "finite numbers";
    fails(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(model, nan, "label"), refusal);
    Dataset<Row> predicted = model.transform(nan); // planned; the tasks meet the row
    fails(Exception.class, predicted::collectAsList, refusal);
    Dataset<Row> infinite = frame(GOOD, 1.0).selectExpr("array(1d, 2d, 3d, 4d, 5d, double('-Infinity')) features");
    fails(Exception.class, () -> model.transform(infinite).collectAsList(),
        "features column 'features' holds -Infinity at value 5 of " + whereIs(infinite, 0));
  }

  @Test
  void featuresBeyondWhatAFloat32NetworkHoldsAreRefusedNamingTheValueAndType() {
    Dataset<Row> huge = frame(GOOD, 1.0, GOOD, 2.0, Vectors.dense(1, 2, 3, 1e39, 5, 6), 0.0);
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"), org.delta4j.tensor.DataType.FLOAT32);
    String refusal = "features column 'features' holds 1.0E39 at value 3 of ";
    fails(IllegalArgumentException.class, () -> SparkTrainer.builder().workers(2).build().fit(n, huge, "features",
        "label"), refusal + "row 2", "FLOAT32");
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    fails(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(model, huge, "label"), refusal
        + whereIs(huge, 2), "FLOAT32");
  }

  /** As a model loaded where its saved engine does not exist: the param is set as the metadata sets it. */
  @Test
  void aModelOnAnEngineThatDoesNotExistIsRefusedWhenTheTransformIsPlannedNotInItsTasks() {
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    model.set(model.engine(), "tpu");
    fails(IllegalArgumentException.class, () -> model.transform(frame(GOOD, 1.0)),
        "param engine: no engine named 'tpu'");
  }

  @Test
  void aModelRefusesFeaturesOfTheWrongTypeWhenTheTransformIsPlannedNotInItsTasks() {
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    fails(IllegalArgumentException.class, () -> model.transform(frame(GOOD, 1.0).selectExpr("'x' as features")),
        "features column 'features' is of type string; it must hold a Spark ML Vector or an array of numbers");
  }

  /**
   * Vectors whose ML attributes give their size (a VectorAssembler's) are refused when it is not the network's, as the
   * transform is planned: the plan was accepted and every row then failed in a task, each retried as Spark retries.
   */
  @Test
  void aModelRefusesVectorsOfAnotherSizeByTheirAttributesWhenTheTransformIsPlanned() {
    Dataset<Row> four = new org.apache.spark.ml.feature.VectorAssembler()
        .setInputCols(new String[] {"a", "b", "c", "d"}).setOutputCol("features")
        .transform(LocalSpark.data(4, 1).columns("a", "b", "c", "d"));
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    String refusal = "features column 'features' holds vectors of 4 values (its ML attributes say so) but the "
        + "network takes 6 inputs";
    fails(IllegalArgumentException.class, () -> model.transform(four), refusal);
    fails(IllegalArgumentException.class, () -> train(four, "features", "label"), refusal);
  }

  @Test
  void networksWhoseTargetsAreNotOneHotClassesAreRefusedBeforeTheDataIsRead() {
    NetworkSpec oneOutput = NetworkSpec.builder().input(6).dense(1).sigmoid()
        .loss(LossFunction.BINARY_CROSS_ENTROPY).build();
    fails(IllegalArgumentException.class, () -> SparkTrainer.builder().workers(2).build().fit(
        Network.create(oneOutput, Engines.get("ref")), frame(GOOD, 0.0), "features", "label"),
        "the network's output must be one vector of at least 2 class scores, not [1]");
    NetworkSpec perceptron = NetworkSpec.builder().input(6).dense(3).loss(LossFunction.PERCEPTRON).build();
    fails(IllegalArgumentException.class, () -> SparkTrainer.builder().workers(2).build().fit(
        Network.create(perceptron, Engines.get("ref")), frame(GOOD, 0.0), "features", "label"),
        "the network's loss perceptron takes targets of ±1");
  }

  @Test
  void dataWithoutRowsIsRefusedNamingIt() {
    fails(IllegalArgumentException.class, () -> train(frame(), "features", "label"),
        "the data has no rows to train on");
  }

  @Test
  void aColumnOfTheWrongType() {
    fails(IllegalArgumentException.class, () -> train(frame(GOOD, 1.0).selectExpr("features", "'x' as label"),
        "features", "label"), "label column 'label' is of type string");
  }

  /** spark.mllib's old Vector, whose type Spark also calls "vector", is named as such, with the conversion. */
  @Test
  void anOldSparkMllibVectorIsNamedAsSuch() {
    StructType schema = new StructType().add("features", new org.apache.spark.mllib.linalg.VectorUDT())
        .add("label", DataTypes.DoubleType);
    Dataset<Row> old = LocalSpark.session().createDataFrame(List.of(RowFactory.create(
        org.apache.spark.mllib.linalg.Vectors.dense(1, 2, 3, 4, 5, 6), 1.0)), schema);
    fails(IllegalArgumentException.class, () -> train(old, "features", "label"), "features column 'features' is of "
        + "type vector of spark.mllib (org.apache.spark.mllib.linalg.Vector); it must hold a Spark ML Vector or an "
        + "array of numbers: MLUtils.convertVectorColumnsToML converts the column");
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    fails(IllegalArgumentException.class, () -> new Delta4jClassificationModel("m", ModelBytes.of(n)).transform(old),
        "vector of spark.mllib");
  }

  @Test
  void aVectorOfTheWrongSize() {
    fails(IllegalArgumentException.class, () -> train(frame(GOOD, 1.0, Vectors.dense(1, 2, 3), 0.0), "features",
        "label"), "features column 'features' has 3 values in row 1", "takes 6 inputs");
  }

  @Test
  void nullOrNaNFeaturesAndLabelsThatAreNoClass() {
    fails(IllegalArgumentException.class, () -> train(frame(GOOD, 1.0, null, 0.0), "features", "label"),
        "features column 'features' is null in row 1");
    fails(IllegalArgumentException.class, () -> train(frame(Vectors.dense(1, 2, Double.NaN, 4, 5, 6), 1.0),
        "features", "label"), "features column 'features' holds NaN at value 2 of row 0");
    fails(IllegalArgumentException.class, () -> train(frame(GOOD, 3.0), "features", "label"),
        "label column 'label' holds 3.0 in row 0", "0 … 2");
  }

  /**
   * A decimal label is judged by its exact value: one whose fraction is below a double's precision was read as the
   * double 1.0, trained as class 1 and counted as class 1 by the evaluation.
   */
  @Test
  void aDecimalLabelWithAFractionIsNoClassHoweverSmallTheFraction() {
    Dataset<Row> decimal = LocalSpark.session().sql("select array(1d, 2d, 3d, 4d, 5d, 6d) as features, "
        + "cast('1.00000000000000000001' as decimal(38, 20)) as label");
    fails(IllegalArgumentException.class, () -> train(decimal, "features", "label"),
        "label column 'label' holds 1.00000000000000000001 in row 0, which is no class of the network's 3 (0 … 2)");
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    Delta4jClassificationModel model = new Delta4jClassificationModel("m", ModelBytes.of(n));
    fails(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(model, decimal, "label"),
        "label column 'label' holds 1.00000000000000000001 in " + whereIs(decimal, 0));
    Dataset<Row> whole = LocalSpark.session().sql("select array(1d, 2d, 3d, 4d, 5d, 6d) as features, "
        + "cast('2.000' as decimal(10, 3)) as label");
    train(whole, "features", "label"); // trailing zeros are no fraction
    assertEquals(1, SparkEvaluation.evaluate(model, whole, "label").total());
  }

  @Test
  void anArrayColumnIsReadLikeAVector() {
    StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType))
        .add("label", DataTypes.IntegerType);
    Dataset<Row> arrays = LocalSpark.session().createDataFrame(List.of(
        RowFactory.create(scala.collection.JavaConverters.asScalaBuffer(List.of(1f, 2f, 3f, 4f, 5f, 6f)).toSeq(), 1),
        RowFactory.create(scala.collection.JavaConverters.asScalaBuffer(List.of(1f, 2f, 3f, 4f, 5f)).toSeq(), 0)),
        schema);
    fails(IllegalArgumentException.class, () -> train(arrays, "features", "label"), "has 5 values in row 1");
    Dataset<Row> withNull = LocalSpark.session().sql("select array(1d, 2d, null, 4d, 5d, 6d) as features, 1 as label");
    fails(IllegalArgumentException.class, () -> train(withNull, "features", "label"),
        "features column 'features' holds null at value 2 of row 0");
  }

  /**
   * local[1] whose default parallelism says 2: a barrier stage of 2 tasks on 1 core would wait minutes for slots
   * (Spark retries its check, SPARK-24819) before failing inside Spark.
   */
  @Test
  void moreBarrierWorkersThanLocalCoresAreRefusedAtOnceNotLeftWaiting() {
    LocalSpark.stop(); // one Spark context a JVM
    SparkSession oneCore = SparkSession.builder().master("local[1]").appName("one core")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.default.parallelism", "2").getOrCreate();
    try {
      Dataset<Row> data = LocalSpark.data(8, 1).frame(oneCore);
      Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
      fails(IllegalArgumentException.class, () -> assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> SparkTrainer.builder().batchSize(4).build().fit(n, data, "features", "label")),
          "reduction PEER_ALL_REDUCE runs its 2 workers (the context's default parallelism) at once, but Spark has 1 "
              + "task slot: use at most that many workers (workers(1))");
    } finally {
      oneCore.stop();
    }
  }

  @Test
  void anUnreachableMasterIsNamedWithinSeconds() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    String url = "spark://127.0.0.1:" + port;
    long start = System.nanoTime();
    fails(IllegalStateException.class, () -> SparkMasters.session(url, "unreachable"), "cannot reach the Spark "
        + "master " + url);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    fails(IllegalArgumentException.class, () -> SparkMasters.checkReachable("spark://:7077", Duration.ofSeconds(1)),
        "names no host");
    LocalSpark.stop(); // a running session would be returned whatever the master
    fails(IllegalArgumentException.class, () -> SparkMasters.session("bogus://x", "bogus"),
        "Spark master 'bogus://x' is no master URL Spark knows");
    // this module runs Spark's own masters; YARN's and Kubernetes' come with a Spark distribution's jars
    fails(IllegalArgumentException.class, () -> SparkMasters.session("yarn", "yarn"),
        "Spark master 'yarn' needs Spark's spark-yarn module");
  }

  /**
   * A listener that is no standalone master — a web server (the master's UI port given for its own, say), or one that
   * never answers — is named within seconds: a connection opened, so Spark started, retried its registration for a
   * minute and stopped the context it had returned. A standalone master passes the check.
   */
  @Test
  void aListenerThatIsNoSparkMasterIsNamedWithinSeconds() throws Exception {
    com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    web.start();
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread accepting = new Thread(() -> {
        try {
          while (true) {
            silent.accept(); // and never a byte back
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      accepting.setDaemon(true);
      accepting.start();
      for (int port : new int[] {web.getAddress().getPort(), silent.getLocalPort()}) {
        String url = "spark://127.0.0.1:" + port;
        long start = System.nanoTime();
        fails(IllegalStateException.class, () -> SparkMasters.checkReachable(url, Duration.ofSeconds(2)),
            "cannot reach the Spark master " + url + " within 2 s: 127.0.0.1:" + port + " (it accepts connections "
                + "but answers as no Spark master", "web UI port (8080)");
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
      }
    } finally {
      web.stop(0);
    }
    var master = org.apache.spark.deploy.master.Master.startRpcEnvAndEndpoint("127.0.0.1", 0, 0,
        new org.apache.spark.SparkConf().set("spark.ui.enabled", "false"));
    try {
      SparkMasters.checkReachable("spark://127.0.0.1:" + master._1().address().port(), Duration.ofSeconds(2));
    } finally {
      master._1().shutdown();
      master._1().awaitTermination();
    }
  }

  /**
   * A context that fails to start (here on a driver port Spark refuses) is reported by the exception, in one line:
   * Spark's own log of it, an error and its stack trace before the program's line, is held back.
   */
  @Test
  void aContextThatFailsToStartIsReportedInOneLineNotInSparksLog() {
    LocalSpark.stop(); // a running session would be returned whatever the settings
    System.setProperty("spark.driver.port", "1");
    try {
      List<String> logged = LocalSpark.logged("org.apache.spark.SparkContext", org.apache.logging.log4j.Level.ERROR,
          () -> fails(IllegalArgumentException.class, () -> SparkMasters.session("local[1]", "port 1"),
              "cannot start Spark on master 'local[1]': requirement failed: startPort should be between 1024 and "
                  + "65535"));
      assertEquals(List.of(), logged);
    } finally {
      System.clearProperty("spark.driver.port");
    }
  }

  /**
   * A master URL Spark's context would refuse as it starts is refused before Spark starts, naming it, in one line
   * (Spark logged its failed start with a stack trace first): while a session runs here, which Spark would return
   * whatever the master.
   */
  @Test
  void aMasterUrlSparkCannotStartOnIsNamed() {
    LocalSpark.session();
    fails(IllegalArgumentException.class, () -> SparkMasters.session("local[0]", "no threads"),
        "Spark master 'local[0]' runs tasks on 0 threads");
    fails(IllegalArgumentException.class, () -> SparkMasters.session("local[abc]", "letters"),
        "Spark master 'local[abc]' is no master URL Spark knows");
    fails(IllegalArgumentException.class, () -> SparkMasters.session("local[99999999999]", "too many"),
        "Spark master 'local[99999999999]' has 99999999999 where it takes a count up to 2147483647");
    fails(IllegalArgumentException.class, () -> SparkMasters.session("mesos://x:5050", "mesos"),
        "Spark master 'mesos://x:5050' needs Spark's spark-mesos module");
    fails(IllegalArgumentException.class, () -> SparkMasters.session("yarn", "yarn"),
        "Spark master 'yarn' needs Spark's spark-yarn module");
    fails(IllegalArgumentException.class, () -> SparkMasters.session("local-cluster[2,1,512]", "small workers"),
        "Spark master 'local-cluster[2,1,512]' starts 2 workers of 1 core and 512 MiB each", "1024 MiB of an executor");
    SparkMasters.checkUrl("local-cluster[2,1,1024]");
    SparkMasters.checkUrl("local[*]");
    SparkMasters.checkUrl("local[2, 3]");
    fails(IllegalArgumentException.class, () -> SparkMasters.checkReachable("spark://127.0.0.1:99999",
        Duration.ofSeconds(1)), "spark://127.0.0.1:99999", "port 99999");
    fails(IllegalArgumentException.class, () -> SparkMasters.checkReachable("spark://h1:7077,h2:-3",
        Duration.ofSeconds(1)), "spark://h1:7077,h2:-3", "port -3");
    fails(IllegalArgumentException.class, () -> SparkMasters.checkReachable("k8s://api server:443",
        Duration.ofSeconds(1)), "Spark master k8s://api server:443");
  }
}
