package org.delta4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.Network;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;

/**
 * {@code bin/delta4j train --spark MASTER}: the main job — the Fashion-MNIST MLP 784-256-128-10 (ReLU, softmax
 * cross-entropy, Adam 2e-3, batches of 128) — trained by {@link SparkTrainer} on any Spark master ({@code local[2]}
 * in-process by default), evaluated on the executors, and saved as {@code model.safetensors} and {@code network.json}
 * in {@code --output} (default {@code runs/spark-<time>}). Options: {@code --spark}, {@code --epochs}, {@code
 * --batch-size}, {@code --engine}, {@code --seed}, {@code --workers}, {@code --data}, {@code --output}.
 */
public final class SparkTrain {
  private SparkTrain() {}

  public static void main(String[] args) throws Exception {
    String master = "local[2]";
    int epochs = 5;
    int batch = 128;
    String engine = "ref";
    long seed = 42;
    int workers = 0;
    Path data = null;
    Path output = Path.of("runs", "spark-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("train")) {
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--spark" -> master = v;
        case "--epochs" -> epochs = Integer.parseInt(v);
        case "--batch-size" -> batch = Integer.parseInt(v);
        case "--engine" -> engine = v;
        case "--seed" -> seed = Long.parseLong(v);
        case "--workers" -> workers = Integer.parseInt(v);
        case "--data" -> data = Path.of(v);
        case "--output" -> output = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + a + "; train --spark takes --spark, "
            + "--epochs, --batch-size, --engine, --seed, --workers, --data, --output");
      }
    }
    FashionMnist.Data mnist = FashionMnist.load(data);
    NetworkSpec spec = NetworkSpec.builder().input(784).dense(256).relu().dense(128).relu().dense(10)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(2e-3)).seed(seed).build();
    Network network = Network.create(spec, Engines.get(engine));
    System.out.printf(Locale.ROOT, "Spark master %s, engine %s; Fashion-MNIST from %s: %d training, %d test images%n",
        master, engine, mnist.directory(), mnist.training().size(), mnist.test().size());
    SparkSession spark = SparkMasters.session(master, "delta4j-train");
    try {
      Dataset<Row> train = frame(spark, mnist.training());
      Dataset<Row> test = frame(spark, mnist.test());
      SparkTrainer.Builder trainer = SparkTrainer.builder().epochs(epochs).batchSize(batch).seed(seed)
          .listener(r -> System.out.printf(Locale.ROOT, "epoch %d: loss %.4f, accuracy %.4f, %.1f s%n", r.epoch(),
              r.trainingLoss(), r.trainingAccuracy(), r.seconds()));
      if (workers > 0) {
        trainer.workers(workers);
      }
      trainer.build().fit(network, train, "features", "label");
      Files.createDirectories(output);
      ModelFiles.save(network, output.resolve("model.safetensors"));
      Files.writeString(output.resolve("network.json"), NetworkSpecJson.write(spec));
      Delta4jClassificationModel model = new Delta4jClassificationModel("delta4j-train", ModelBytes.of(network));
      model.setEngine(engine);
      ConfusionMatrix m = SparkEvaluation.evaluate(model, test, "label");
      System.out.printf(Locale.ROOT, "test accuracy %.4f on %d images (counted on the executors)%n", m.accuracy(),
          m.total());
      for (int a = 0; a < m.classes(); a++) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-12s", FashionMnist.CLASS_NAMES.get(a)));
        for (int p = 0; p < m.classes(); p++) {
          row.append(String.format(Locale.ROOT, "%6d", m.count(a, p)));
        }
        System.out.println(row);
      }
      System.out.println("model saved in " + output.resolve("model.safetensors"));
    } finally {
      spark.stop();
    }
  }

  /** A dataset's normalised images as a DataFrame: a float-array "features" and an int "label" column. */
  static Dataset<Row> frame(SparkSession spark, org.delta4j.data.Dataset d) {
    int width = d.featureShape().intSize();
    float[] x = new float[width];
    float[] y = new float[d.numClasses()];
    List<Row> rows = new ArrayList<>(d.size());
    for (int i = 0; i < d.size(); i++) {
      d.fill(new int[] {i}, 0, 1, x, y);
      rows.add(RowFactory.create(x.clone(), d.label(i)));
    }
    StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType, false))
        .add("label", DataTypes.IntegerType);
    return spark.createDataFrame(rows, schema);
  }
}
