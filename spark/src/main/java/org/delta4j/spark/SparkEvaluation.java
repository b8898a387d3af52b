package org.delta4j.spark;

import java.util.HashMap;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.Network;

/**
 * The confusion matrix (and with it accuracy, per-class precision, recall and F1) of a model on a DataFrame, computed
 * on the executors: each partition counts its (label, prediction) pairs and only the counts reach the driver.
 * Stateless.
 */
public final class SparkEvaluation {
  private SparkEvaluation() {}

  /**
   * Evaluates {@code model} on the features and label columns of {@code data}.
   *
   * @throws IllegalArgumentException when an argument is null, or a column is missing or of the wrong type
   */
  public static ConfusionMatrix evaluate(Delta4jClassificationModel model, Dataset<Row> data, String labelCol) {
    SparkArguments.present("the model to evaluate", model);
    SparkArguments.present("the data to evaluate on", data);
    SparkArguments.present("the label column's name", labelCol);
    String featuresCol = model.getOrDefault(model.featuresCol());
    String engine = model.getOrDefault(model.engine());
    TrainingData.checkSchema(data.schema(), featuresCol, labelCol);
    int classes = model.network().outputShape().dim(0);
    Broadcast<byte[]> bytes = model.broadcast(data.sparkSession().sparkContext());
    JavaRDD<Row> rows = data.select(TrainingData.exactly(featuresCol), TrainingData.exactly(labelCol)).javaRDD();
    // Only the pairs that occur, keyed actual·classes + predicted in a long: a dense table is classes² counts, which
    // for 46,341 classes and more passes the int range, and for 100,000 would be 80 GB a partition.
    JavaRDD<HashMap<Long, Long>> partitions = rows.mapPartitions(it -> {
      Network network = ModelBytes.network(bytes.value(), engine, null);
      Delta4jClassificationModel.Predictor predictor = new Delta4jClassificationModel.Predictor(network, featuresCol,
          false);
      HashMap<Long, Long> c = new HashMap<>();
      predictor.map(it, 0, (row, scores, i) -> (long) label(row, labelCol, classes, scores.where(i)) * classes
          + scores.predicted(i))
          .forEachRemaining(pair -> c.merge(pair, 1L, Long::sum));
      return List.of(c).iterator();
    });
    ConfusionMatrix m = new ConfusionMatrix(classes);
    fold(partitions).forEach((pair, count) -> m.add((int) (pair / classes), (int) (pair % classes), count));
    return m;
  }

  /**
   * The partitions' counts added up; no rows give no counts (accuracy NaN), not an error. A row the tasks refuse
   * is the refusal itself, naming the column and value, not the Spark job's failure around it.
   */
  private static HashMap<Long, Long> fold(JavaRDD<HashMap<Long, Long>> partitions) {
    try {
      return partitions.fold(new HashMap<>(), SparkEvaluation::add);
    } catch (Exception e) { // Spark's SparkException is checked, though Scala does not declare it
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof IllegalArgumentException refused) {
          throw new IllegalArgumentException(refused.getMessage(), e);
        }
      }
      throw e;
    }
  }

  /** The class of a row's label, refused naming the row {@code where} it is when it is null or no class. */
  private static int label(Row row, String labelCol, int classes, String where) {
    if (row.isNullAt(1)) {
      throw new IllegalArgumentException("label column '" + labelCol + "' is null in " + where);
    }
    Number label = (Number) row.get(1);
    if (!TrainingData.isClass(label, classes)) {
      throw new IllegalArgumentException(TrainingData.notAClass(labelCol, label, where, classes));
    }
    return label.intValue();
  }

  /** b's counts added into a, which Spark's fold allows it to change (never b). */
  private static HashMap<Long, Long> add(HashMap<Long, Long> a, HashMap<Long, Long> b) {
    b.forEach((pair, count) -> a.merge(pair, count, Long::sum));
    return a;
  }
}
