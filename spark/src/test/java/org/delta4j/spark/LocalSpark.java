package org.delta4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.delta4j.engine.Engine;
import org.delta4j.engine.EngineUnavailableException;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Tensor;

/**
 * The tests' Spark: one in-process local[4] session on localhost (four task slots, so that a barrier stage of three or
 * four workers runs the partitioned all-reduce), and small data sets they share.
 */
final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  static synchronized SparkSession session() {
    if (session == null || session.sparkContext().isStopped()) {
      session = SparkSession.builder().master("local[4]").appName("delta4j-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .getOrCreate();
    }
    return session;
  }

  /**
   * Three classes of {@code n} samples of 6 features, each feature a float widened to double (so a float dataset
   * holds the very same numbers), the class decided by the features with some noise.
   */
  static Data data(int n, long seed) {
    SplitMix64 random = new SplitMix64(seed);
    double[][] x = new double[n][6];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 6; j++) {
        x[i][j] = (float) random.nextGaussian();
      }
      double score = x[i][0] + 0.5 * x[i][1] - x[i][2] + 0.3 * random.nextGaussian();
      y[i] = score < -0.5 ? 0 : score < 0.5 ? 1 : 2;
    }
    return new Data(x, y);
  }

  /** Stops the session (a JVM runs one Spark context at a time); the next {@link #session()} starts another. */
  static synchronized void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
  }

  /** Samples as arrays, and as a DataFrame with a Vector "features" and a double "label" column. */
  record Data(double[][] features, int[] labels) {
    Dataset<Row> frame() {
      return frame(session());
    }

    Dataset<Row> frame(SparkSession spark) {
      StructType schema = new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType);
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        rows.add(RowFactory.create(Vectors.dense(features[i]), (double) labels[i]));
      }
      return spark.createDataFrame(rows, schema);
    }

    /** The same samples with one double column per feature, named {@code names}, and the label. */
    Dataset<Row> columns(String... names) {
      StructType schema = new StructType();
      for (String n : names) {
        schema = schema.add(n, DataTypes.DoubleType);
      }
      schema = schema.add("label", DataTypes.DoubleType);
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        Object[] values = new Object[names.length + 1];
        for (int j = 0; j < names.length; j++) {
          values[j] = features[i][j];
        }
        values[names.length] = (double) labels[i];
        rows.add(RowFactory.create(values));
      }
      return session().createDataFrame(rows, schema);
    }

    float[][] floatFeatures() {
      float[][] f = new float[features.length][];
      for (int i = 0; i < f.length; i++) {
        f[i] = new float[features[i].length];
        for (int j = 0; j < f[i].length; j++) {
          f[i][j] = (float) features[i][j];
        }
      }
      return f;
    }
  }

  /** The nd4j engine, or the calling test aborted (skipped) where it cannot run. */
  static Engine nd4j() {
    try {
      return Engines.get("nd4j");
    } catch (EngineUnavailableException e) {
      Assumptions.abort("the nd4j engine cannot run here: " + e.getMessage());
      throw e;
    }
  }

  /** 6 → 16 ReLU → dropout 0.25 → 3, softmax cross-entropy, Adam. */
  static NetworkSpec spec() {
    return NetworkSpec.builder().input(6).dense(16).relu().dropout(0.25).dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(7).build();
  }

  /**
   * What logger {@code name} logged at {@code level} or above while {@code run} ran, as "LEVEL message" (the tests'
   * log is off otherwise); filters on the logger's configuration apply, as they do to its appenders.
   */
  static List<String> logged(String name, Level level, Runnable run) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    List<String> said = new CopyOnWriteArrayList<>();
    AbstractAppender appender = new AbstractAppender("logged", null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        said.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
      }
    };
    appender.start();
    LoggerConfig logger = new LoggerConfig(name, level, false);
    logger.addAppender(appender, level, null);
    config.addLogger(name, logger);
    context.updateLoggers();
    try {
      run.run();
    } finally {
      config.removeLogger(name);
      context.updateLoggers();
      appender.stop();
    }
    return said;
  }

  /** A network's buffers (running statistics), flattened in {@link Network#buffers()} order. */
  static double[] buffers(Network n) {
    return n.buffers().values().stream().map(Tensor::toDoubleArray).flatMapToDouble(Arrays::stream).toArray();
  }

  /** Fails unless {@code actual} is within 1e-12 of {@code expected}, relative to the largest expected magnitude. */
  static void assertWithin1e12(double[] expected, double[] actual, String what) {
    Assertions.assertEquals(expected.length, actual.length, what + ": how many values");
    double largest = 0;
    double error = 0;
    for (int i = 0; i < expected.length; i++) {
      largest = Math.max(largest, Math.abs(expected[i]));
      error = Math.max(error, Math.abs(expected[i] - actual[i]));
    }
    Assertions.assertTrue(error <= 1e-12 * largest, what + ": largest difference " + error + " against largest "
        + largest);
  }
}
