package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML estimator and model: fit trains by data-parallel SGD (the weights of {@link FixedOrderSgd} on the same
 * plan), transform adds prediction, probability and raw prediction columns that Spark ML's evaluators read, both work
 * inside a Pipeline, ML persistence saves the
 * safetensors model file, and evaluation on the executors gives the driver's own confusion matrix.
 */
class Delta4jClassifierTest {
  private static final LocalSpark.Data DATA = LocalSpark.data(160, 21);

  private static Delta4jClassifier classifier() {
    return new Delta4jClassifier().setNetworkSpec(NetworkSpecJson.write(LocalSpark.spec())).setEpochs(2)
        .setBatchSize(32).setSeed(3).setWorkers(2).setDataType(DataType.FLOAT64);
  }

  @Test
  void fitTrainsTheWeightsOfFixedOrderTraining() {
    Delta4jClassificationModel model = classifier().fit(DATA.frame());
    Network expected = Network.create(LocalSpark.spec(), Engines.get("ref"), DataType.FLOAT64);
    FixedOrderSgd.train(expected, DATA.features(), DATA.labels(), new StepPlan(160, 32, 2, 1, 3, true), 2);
    assertArrayEquals(BlockGradients.weights(expected), BlockGradients.weights(model.network()));
  }

  @Test
  void transformAddsPredictionProbabilityAndRawPredictionColumns() {
    Delta4jClassificationModel model = classifier().fit(DATA.frame());
    List<Row> rows = model.transform(DATA.frame()).select("prediction", "probability", "rawPrediction")
        .collectAsList();
    assertEquals(160, rows.size());
    int[] predicted = new int[160];
    model.network().predictClasses(input(model.network()), predicted);
    double[] logits = model.network().forward(input(model.network()), Mode.inference()).toDoubleArray();
    for (int i = 0; i < rows.size(); i++) {
      double[] p = ((Vector) rows.get(i).get(1)).toArray();
      double[] raw = ((Vector) rows.get(i).get(2)).toArray();
      assertEquals(3, p.length);
      assertEquals(1.0, p[0] + p[1] + p[2], 1e-9);
      assertEquals(predicted[i], rows.get(i).getDouble(0), "row " + i);
      assertArrayEquals(Arrays.copyOfRange(logits, 3 * i, 3 * i + 3), raw, "row " + i + ": the logits");
      double sum = Math.exp(raw[0]) + Math.exp(raw[1]) + Math.exp(raw[2]);
      for (int c = 0; c < 3; c++) {
        assertEquals(Math.exp(raw[c]) / sum, p[c], 1e-12, "row " + i + ": the probabilities are softmax(raw)");
      }
    }
  }

  /**
   * As Spark ML's own classifiers do, the output columns carry their attributes: the prediction is nominal, of as many
   * values as the network has classes, the vectors of that size; the estimator's schema says the same.
   */
  @Test
  void theOutputColumnsCarrySparkMlsAttributes() {
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"), DataType.FLOAT64);
    org.apache.spark.sql.types.StructType schema = new Delta4jClassificationModel("m", ModelBytes.of(n))
        .transform(DATA.frame()).schema();
    for (org.apache.spark.sql.types.StructType s : List.of(schema, classifier().transformSchema(DATA.frame()
        .schema()))) {
      org.apache.spark.ml.attribute.Attribute prediction = org.apache.spark.ml.attribute.Attribute.fromStructField(
          s.apply("prediction"));
      assertTrue(prediction.isNominal(), prediction.toString());
      assertEquals(3, ((org.apache.spark.ml.attribute.NominalAttribute) prediction).getNumValues().get());
      for (String vector : List.of("probability", "rawPrediction")) {
        assertEquals(3, org.apache.spark.ml.attribute.AttributeGroup.fromStructField(s.apply(vector)).size(), vector);
      }
    }
  }

  /** As in Spark ML, an output column named "" is left out; a name taken, or given twice, is refused naming it. */
  @Test
  void outputColumnsNamedEmptyAreLeftOutAndNamesTakenAreRefused() {
    Delta4jClassificationModel model = classifier().fit(DATA.frame());
    Dataset<Row> onlyPrediction = model.copy(new ParamMap()).setProbabilityCol("").setRawPredictionCol("")
        .transform(DATA.frame());
    assertEquals(List.of("features", "label", "prediction"), Arrays.asList(onlyPrediction.columns()));
    assertEquals(160, onlyPrediction.count());
    Dataset<Row> renamed = model.copy(new ParamMap()).setPredictionCol("").setRawPredictionCol("scores")
        .transform(DATA.frame());
    assertEquals(List.of("features", "label", "probability", "scores"), Arrays.asList(renamed.columns()));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.copy(new ParamMap()).setRawPredictionCol("label").transform(DATA.frame()));
    assertTrue(e.getMessage().contains("'label' (rawPredictionCol)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> model.copy(new ParamMap()).setProbabilityCol("prediction").transform(DATA.frame()));
    assertTrue(e.getMessage().contains("'prediction' (probabilityCol)"), e.getMessage());
    // Spark compares names regardless of case by default: "Label" would be a second, ambiguous label column
    e = assertThrows(IllegalArgumentException.class,
        () -> model.copy(new ParamMap()).setPredictionCol("Label").transform(DATA.frame()));
    assertTrue(e.getMessage().contains("'Label' (predictionCol) already exists"), e.getMessage());
  }

  /**
   * Transform maps a partition lazily, a batch at a time: the rows it has read when it gives its first row are one
   * batch, whatever the partition's size, so that memory holds a batch, not the partition.
   */
  @Test
  void transformReadsAPartitionABatchAtATime() {
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    Delta4jClassificationModel.Predictor predictor = new Delta4jClassificationModel.Predictor(n, "features", false);
    int total = 3 * Delta4jClassificationModel.Predictor.BATCH + 5;
    int[] read = {0};
    Iterator<Row> rows = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return read[0] < total;
      }

      @Override
      public Row next() {
        read[0]++;
        return RowFactory.create(Vectors.dense(new double[6]));
      }
    };
    Iterator<Integer> predicted = predictor.map(rows, 0, (row, scores, i) -> scores.predicted(i));
    predicted.next();
    assertEquals(Delta4jClassificationModel.Predictor.BATCH, read[0], "rows read for the first prediction");
    int count = 1;
    while (predicted.hasNext()) {
      predicted.next();
      count++;
    }
    assertEquals(total, count);
    assertThrows(NoSuchElementException.class, predicted::next);
  }

  /** Every transform and evaluation of one model on one Spark context shares one broadcast of its file. */
  @Test
  void aModelIsBroadcastOnceForEveryTransformOnAContext() {
    Delta4jClassificationModel model = new Delta4jClassificationModel("m",
        ModelBytes.of(Network.create(LocalSpark.spec(), Engines.get("ref"))));
    SparkContext context = LocalSpark.session().sparkContext();
    assertEquals(model.broadcast(context).id(), model.broadcast(context).id());
    model.transform(DATA.frame()).count();
    assertEquals(model.broadcast(context).id(), model.broadcast(context).id());
  }

  /**
   * An engine that is no engine here is refused when set, naming the param: a blank name trained on the registry's
   * default engine, and an unknown one was named only when fit began, without the param.
   */
  @Test
  void anEngineThatIsNoneHereIsRefusedNamingTheParam() {
    Delta4jClassificationModel model = new Delta4jClassificationModel("m",
        ModelBytes.of(Network.create(LocalSpark.spec(), Engines.get("ref"))));
    for (String name : new String[] {null, "", " ", "cuda"}) {
      for (org.junit.jupiter.api.function.Executable set : List.<org.junit.jupiter.api.function.Executable>of(
          () -> classifier().setEngine(name), () -> model.setEngine(name))) {
        String m = assertThrows(IllegalArgumentException.class, set).getMessage();
        assertTrue(m.startsWith("param engine: ") && m.contains(name == null ? "null" : name.equals("cuda")
            ? "no engine named 'cuda'" : "'" + name + "'"), m);
      }
    }
  }

  /**
   * Spark ML's evaluators read the model's columns by their default names: the binary one the raw scores (here of a
   * two-class network), the multiclass one the prediction (accuracy, as counted on the executors) and the
   * probabilities (log loss).
   */
  @Test
  void sparkMlEvaluatorsReadTheModelsColumns() {
    Dataset<Row> twoClasses = DATA.frame().where("label < 2");
    NetworkSpec binary = NetworkSpec.builder().input(6).dense(16).relu().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(7).build();
    Delta4jClassificationModel model = classifier().setNetworkSpec(NetworkSpecJson.write(binary)).setEpochs(20)
        .fit(twoClasses);
    Dataset<Row> scored = model.transform(twoClasses);
    double auc = new BinaryClassificationEvaluator().evaluate(scored);
    assertTrue(auc > 0.8 && auc <= 1, "area under ROC " + auc);
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
    assertEquals(SparkEvaluation.evaluate(model, twoClasses, "label").accuracy(), accuracy, 1e-12);
    double logLoss = new MulticlassClassificationEvaluator().setMetricName("logLoss").evaluate(scored);
    assertTrue(logLoss > 0 && logLoss < Math.log(2), "log loss " + logLoss);
  }

  private static org.delta4j.tensor.Tensor input(Network n) {
    double[] x = new double[160 * 6];
    for (int i = 0; i < 160; i++) {
      System.arraycopy(DATA.features()[i], 0, x, i * 6, 6);
    }
    org.delta4j.tensor.Tensor t = n.engine().zeros(n.dataType(), n.inputShape().withBatch(160));
    t.copyFrom(x);
    return t;
  }

  @Test
  void worksInAPipelineSavedAndLoaded(@TempDir Path dir) throws Exception {
    Dataset<Row> columns = DATA.columns("a", "b", "c", "d", "e", "g");
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d", "e", "g"})
        .setOutputCol("features");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assembler, classifier()}).fit(columns);
    String path = dir.resolve("pipeline").toUri().toString();
    fitted.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    List<Row> before = fitted.transform(columns).select("prediction").collectAsList();
    List<Row> after = loaded.transform(columns).select("prediction").collectAsList();
    assertEquals(before, after);
    Delta4jClassificationModel model = (Delta4jClassificationModel) loaded.stages()[1];
    Path file = Files.list(dir.resolve("pipeline/stages")).filter(p -> p.toString().contains("delta4j"))
        .findFirst().orElseThrow().resolve("data/model.safetensors");
    Network saved = ModelFiles.load(file, Engines.get("ref")).network();
    assertArrayEquals(BlockGradients.weights(saved), BlockGradients.weights(model.network()));
  }

  @Test
  void aModelWhoseFileIsNoModelIsRefusedWhenLoadedNamingTheFile(@TempDir Path dir) throws Exception {
    LocalSpark.session(); // ML persistence writes through the active session
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    String path = dir.resolve("model").toString();
    new Delta4jClassificationModel("m", ModelBytes.of(n)).write().save(path);
    Path file = dir.resolve("model/data/model.safetensors");
    Files.write(file, "not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Files.deleteIfExists(dir.resolve("model/data/.model.safetensors.crc")); // else Hadoop's checksum tells
    Exception e = assertThrows(java.io.UncheckedIOException.class, () -> Delta4jClassificationModel.load(path));
    assertTrue(e.getMessage().startsWith("cannot read the model " + file + ": "), e.getMessage());
  }

  /**
   * Metadata that is no JSON, empty, or holds a param of another type is refused naming the path: Spark's parsers
   * threw Jackson's "Unexpected character", "empty collection" and "The default jsonDecode only supports string,
   * vector and matrix", none of them naming what was being loaded or where.
   */
  @Test
  void aSavedModelOrEstimatorWhoseMetadataCannotBeReadIsRefusedNamingThePath(@TempDir Path dir) throws Exception {
    LocalSpark.session(); // ML persistence writes through the active session
    Network n = Network.create(LocalSpark.spec(), Engines.get("ref"));
    String model = dir.resolve("model").toUri().toString();
    new Delta4jClassificationModel("m", ModelBytes.of(n)).write().save(model);
    Path metadata = dir.resolve("model/metadata/part-00000");
    String json = Files.readString(metadata);
    Files.deleteIfExists(dir.resolve("model/metadata/.part-00000.crc")); // else Hadoop's checksum tells
    Files.writeString(metadata, "{not json");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Delta4jClassificationModel.load(model))
        .getMessage().startsWith("cannot read the metadata of the Delta4j model saved at " + model + ": "));
    Files.writeString(metadata, json.replace("\"engine\":\"ref\"", "\"engine\":5"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Delta4jClassificationModel.load(model))
        .getMessage().startsWith("cannot set the params saved with the Delta4j model at " + model + ": "));
    String estimator = dir.resolve("estimator").toUri().toString();
    classifier().write().save(estimator);
    Files.deleteIfExists(dir.resolve("estimator/metadata/.part-00000.crc"));
    Files.writeString(dir.resolve("estimator/metadata/part-00000"), "");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Delta4jClassifier.load(estimator)).getMessage()
        .startsWith("cannot read the metadata of the Delta4j estimator saved at " + estimator + ": "));
  }

  /**
   * A directory of something else is no estimator: Spark's check names both classes (it failed on a constructor); a
   * path holding nothing saved is named as such, where Spark said an input path .../metadata did not exist.
   */
  @Test
  void aFittedModelIsNoEstimatorWhenLoaded(@TempDir Path dir) throws Exception {
    String nothing = dir.resolve("nothing").toUri().toString();
    assertEquals("no saved Delta4j model at " + nothing + ": it holds no metadata (one saved with write().save(path) "
        + "holds metadata and data)", assertThrows(IllegalArgumentException.class,
            () -> Delta4jClassificationModel.load(nothing)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Delta4jClassifier.load(nothing)).getMessage()
        .startsWith("no saved Delta4j estimator at " + nothing));
    String path = dir.resolve("model").toUri().toString();
    classifier().fit(DATA.frame()).write().save(path);
    String m = assertThrows(IllegalArgumentException.class, () -> Delta4jClassifier.load(path)).getMessage();
    assertTrue(m.contains(Delta4jClassifier.class.getName()) && m.contains(Delta4jClassificationModel.class.getName()),
        m);
  }

  @Test
  void theEstimatorIsSavedWithItsParams(@TempDir Path dir) throws Exception {
    Delta4jClassifier c = classifier().setEpochs(7).setEngine("ref");
    String path = dir.resolve("estimator").toUri().toString();
    c.write().save(path);
    Delta4jClassifier loaded = Delta4jClassifier.load(path);
    assertEquals(7, loaded.getEpochs());
    assertEquals(c.getNetworkSpec(), loaded.getNetworkSpec());
    assertEquals(c.uid(), loaded.uid());
  }

  @Test
  void evaluationOnTheExecutorsCountsWhatTheDriverCounts() {
    Delta4jClassificationModel model = classifier().fit(DATA.frame());
    ConfusionMatrix m = SparkEvaluation.evaluate(model, DATA.frame(), "label");
    int[] predicted = new int[160];
    model.network().predictClasses(input(model.network()), predicted);
    ConfusionMatrix expected = ConfusionMatrix.of(DATA.labels(), predicted, 3);
    assertEquals(160, m.total());
    for (int a = 0; a < 3; a++) {
      for (int p = 0; p < 3; p++) {
        assertEquals(expected.count(a, p), m.count(a, p));
      }
    }
    assertTrue(m.accuracy() > 0.5, "accuracy " + m.accuracy());
    ConfusionMatrix none = SparkEvaluation.evaluate(model, DATA.frame().limit(0), "label");
    assertEquals(0, none.total(), "no rows, no counts");
    assertTrue(Double.isNaN(none.accuracy()));
  }
}
