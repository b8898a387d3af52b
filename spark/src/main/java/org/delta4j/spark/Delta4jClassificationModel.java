package org.delta4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import org.delta4j.nn.Network;
import org.delta4j.tensor.Tensor;
import scala.Option;

/**
 * A trained Delta4j network as a Spark ML model: {@link #transform} adds the predicted class (a double), the class
 * probabilities and the raw scores (Spark ML Vectors: for a loss that takes logits, the logits before the softmax;
 * otherwise the outputs, as the probabilities) to each row, computed on the executors in batches; as in Spark ML's
 * classifiers, an output column whose name is set to "" is left out. Saved with ML persistence as
 * the params' metadata plus the network's safetensors model file ({@code data/model.safetensors}, the file {@code
 * bin/delta4j evaluate --model} reads), through Hadoop's FileSystem so any Spark path works.
 */
public final class Delta4jClassificationModel extends Model<Delta4jClassificationModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private static final String MODEL_FILE = "data/model.safetensors";
  private final String uid;
  private final byte[] model;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;
  private final Param<String> engine;
  private transient Broadcast<byte[]> broadcast;
  private transient SparkContext broadcastContext;
  private transient int classes;
  private transient int inputSize;

  /**
   * The model of the bytes of a {@link org.delta4j.io.ModelFiles} file.
   *
   * @throws IllegalArgumentException when {@code model} is null
   */
  public Delta4jClassificationModel(String uid, byte[] model) {
    SparkArguments.present("the model file", model);
    this.uid = uid;
    this.model = model.clone();
    featuresCol = new Param<>(this, "featuresCol", "features column: a Spark ML Vector or an array of numbers",
        SparkArguments.ofType(String.class, "featuresCol", true));
    predictionCol = new Param<>(this, "predictionCol", "the column the predicted class is written to",
        SparkArguments.ofType(String.class, "predictionCol", true));
    probabilityCol = new Param<>(this, "probabilityCol", "the column the class probabilities are written to",
        SparkArguments.ofType(String.class, "probabilityCol", true));
    rawPredictionCol = new Param<>(this, "rawPredictionCol", "the column the raw class scores (logits) are written "
        + "to", SparkArguments.ofType(String.class, "rawPredictionCol", true));
    engine = new Param<>(this, "engine", "the Delta4j engine the executors compute with: ref or nd4j",
        SparkArguments.ofType(String.class, "engine", true));
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
    setDefault(engine, "ref");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The network, on the model's engine, as saved (weights and optimizer state). */
  public Network network() {
    return ModelBytes.network(model, getOrDefault(engine), null);
  }

  /** The bytes of the network's safetensors model file. */
  public byte[] modelFile() {
    return model.clone();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    int features = dataset.schema().fieldIndex(getOrDefault(featuresCol));
    String featuresName = getOrDefault(featuresCol);
    String engineName = getOrDefault(engine);
    Delta4jClassifier.engineNamed(engineName); // one that does not exist fails here, naming it, not in every task
    boolean prediction = !getOrDefault(predictionCol).isEmpty();
    boolean probability = !getOrDefault(probabilityCol).isEmpty();
    boolean raw = !getOrDefault(rawPredictionCol).isEmpty();
    int added = out.size() - dataset.schema().size();
    Broadcast<byte[]> bytes = broadcast(dataset.sparkSession().sparkContext());
    JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(it -> {
      Network network = ModelBytes.network(bytes.value(), engineName, null);
      Predictor predictor = new Predictor(network, featuresName, raw);
      return predictor.map(it, features, (r, scores, i) -> {
        Object[] values = new Object[r.size() + added];
        for (int c = 0; c < r.size(); c++) {
          values[c] = r.get(c);
        }
        int c = r.size();
        if (prediction) {
          values[c++] = (double) scores.predicted(i);
        }
        if (probability) {
          values[c++] = Vectors.dense(scores.probabilities(i));
        }
        if (raw) {
          values[c] = Vectors.dense(scores.raw(i));
        }
        return RowFactory.create(values);
      });
    });
    return dataset.sparkSession().createDataFrame(rows, out);
  }

  /**
   * The model file broadcast to {@code context}'s executors, once for every transform on it: a broadcast a call
   * (transform is lazy, so none could be destroyed when it returns) would hold one more copy per call.
   */
  synchronized Broadcast<byte[]> broadcast(SparkContext context) {
    if (broadcast == null || broadcastContext != context || context.isStopped()) {
      broadcast = JavaSparkContext.fromSparkContext(context).broadcast(model);
      broadcastContext = context;
    }
    return broadcast;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    TrainingData.checkFeatures(schema, getOrDefault(featuresCol)); // a wrong type fails here, not in every task
    TrainingData.checkFeatureSize(schema, getOrDefault(featuresCol), inputSize()); // so does a size the schema tells
    return outputSchema(schema, getOrDefault(predictionCol), getOrDefault(probabilityCol),
        getOrDefault(rawPredictionCol), classes());
  }

  /** The network's classes (see {@link #readShapes}). */
  private synchronized int classes() {
    readShapes();
    return classes;
  }

  /** The network's inputs a sample (see {@link #readShapes}). */
  private synchronized int inputSize() {
    readShapes();
    return inputSize;
  }

  /** Reads the network's input size and classes once from the model (on the reference engine, which every JVM has). */
  private synchronized void readShapes() {
    if (classes == 0) {
      Network network = ModelBytes.network(model, "ref", null);
      inputSize = network.inputShape().intSize();
      classes = network.outputShape().dim(0);
    }
  }

  /**
   * {@code schema} with the output columns added, in this order, those named "" left out: the prediction (a double),
   * the probabilities and the raw scores (Vectors). Refuses a name the data already has, or one given twice, in or out
   * of case as Spark's {@code spark.sql.caseSensitive} compares names. With {@code classes} above 0 the columns carry
   * Spark ML's attributes, as its own classifiers' do: the prediction is nominal of that many values, the vectors
   * of that size.
   */
  static StructType outputSchema(StructType schema, String predictionCol, String probabilityCol,
      String rawPredictionCol, int classes) {
    List<String> taken = new ArrayList<>(Arrays.asList(schema.fieldNames()));
    boolean caseSensitive = SQLConf.get().caseSensitiveAnalysis(); // Spark's own rule for names that clash
    StructType out = schema;
    String[] names = {predictionCol, probabilityCol, rawPredictionCol};
    String[] params = {"predictionCol", "probabilityCol", "rawPredictionCol"};
    for (int i = 0; i < names.length; i++) {
      String c = names[i];
      if (c == null) {
        throw new IllegalArgumentException("output column param " + params[i] + " is null; give a name, or \"\" to "
            + "leave the column out");
      }
      if (c.isEmpty()) {
        continue;
      }
      if (taken.stream().anyMatch(t -> caseSensitive ? t.equals(c) : t.equalsIgnoreCase(c))) {
        throw new IllegalArgumentException("output column '" + c + "' (" + params[i] + ") already exists in the data "
            + "or is another output's name; the columns are " + taken);
      }
      taken.add(c);
      Metadata attributes = classes < 1 ? Metadata.empty() : i == 0
          ? NominalAttribute.defaultAttr().withName(c).withNumValues(classes).toMetadata()
          : new AttributeGroup(c, classes).toMetadata();
      out = out.add(c, i == 0 ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false, attributes);
    }
    return out;
  }

  /** Turns rows of a features column into class probabilities with one network, a batch at a time. */
  static final class Predictor {
    static final int BATCH = 256;
    private final Network network;
    private final String featuresCol;
    private final int inputSize;
    private final boolean withRaw;

    /** A predictor reading the rows' features from {@code featuresCol}; the raw scores too when {@code withRaw}. */
    Predictor(Network network, String featuresCol, boolean withRaw) {
      this.network = network;
      this.featuresCol = featuresCol;
      this.inputSize = network.inputShape().intSize();
      this.withRaw = withRaw;
    }

    /**
     * A batch's scores, {@code classes} a row, row after row: the class probabilities, the network's raw outputs they
     * were read from (null unless asked for), and each row's predicted class, as {@link Network#predictClasses} gives
     * it. A row's vector is copied out only when asked for.
     */
    record Scores(double[] probabilities, double[] raw, int[] predicted, int classes, long first) {
      /**
       * Row {@code row} of the batch as an error names it: by its place in its partition (the batch's first row is
       * the partition's row {@code first}), and the partition's number when a task runs it, since a transform's
       * rows carry no index of the whole DataFrame.
       */
      String where(int row) {
        return where(first + row);
      }

      static String where(long inPartition) {
        TaskContext task = TaskContext.get();
        return "row " + inPartition + (task == null ? "" : " of partition " + task.partitionId());
      }

      double[] probabilities(int row) {
        return Arrays.copyOfRange(probabilities, row * classes, (row + 1) * classes);
      }

      double[] raw(int row) {
        return Arrays.copyOfRange(raw, row * classes, (row + 1) * classes);
      }

      int predicted(int row) {
        return predicted[row];
      }
    }

    /** What {@link #map} makes of row {@code i} of a batch, given the batch's scores. */
    interface RowMapper<T> {
      T apply(Row row, Scores scores, int i);
    }

    /**
     * The rows mapped with their scores, lazily, a batch of at most {@value #BATCH} at a time: a partition is never
     * held whole, whatever its size.
     */
    <T> Iterator<T> map(Iterator<Row> rows, int column, RowMapper<T> mapper) {
      return new Iterator<>() {
        private final List<Row> batch = new ArrayList<>(BATCH);
        private Scores scores;
        private long taken; // the partition's rows taken into batches so far
        private int next;

        @Override
        public boolean hasNext() {
          if (next < batch.size()) {
            return true;
          }
          batch.clear();
          next = 0;
          while (batch.size() < BATCH && rows.hasNext()) {
            batch.add(rows.next());
          }
          scores = batch.isEmpty() ? null : scores(batch, column, taken);
          taken += batch.size();
          return !batch.isEmpty();
        }

        @Override
        public T next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException("no more rows in this partition");
          }
          T t = mapper.apply(batch.get(next), scores, next);
          next++;
          return t;
        }
      };
    }

    /** The scores of a batch whose first row is the partition's row {@code first}. */
    Scores scores(List<Row> rows, int column, long first) {
      double[] x = new double[rows.size() * inputSize];
      for (int i = 0; i < rows.size(); i++) {
        double[] v = TrainingData.checkedFeatures(rows.get(i).get(column), featuresCol, inputSize,
            network.dataType(), Scores.where(first + i));
        System.arraycopy(v, 0, x, i * inputSize, inputSize);
      }
      Tensor input = network.engine().zeros(network.dataType(), network.inputShape().withBatch(rows.size()));
      input.copyFrom(x);
      // the probabilities are read from the forward pass's output into a tensor of their own: the output stays raw
      double[] probabilities = network.probabilities(input).toDoubleArray();
      int[] predicted = new int[rows.size()];
      network.engine().kernels().argmaxRows(network.output(), predicted); // the argmax of the logits, as predictClasses
      return new Scores(probabilities, withRaw ? network.output().toDoubleArray() : null, predicted,
          probabilities.length / rows.size(), first);
    }
  }

  @Override
  public Delta4jClassificationModel copy(ParamMap extra) {
    Delta4jClassificationModel copy = new Delta4jClassificationModel(uid, model);
    copyValues(copy, extra);
    return (Delta4jClassificationModel) copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<Delta4jClassificationModel> read() {
    return new Reader();
  }

  public static Delta4jClassificationModel load(String path) {
    return read().load(path);
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  public Param<String> engine() {
    return engine;
  }

  public Delta4jClassificationModel setFeaturesCol(String value) {
    return (Delta4jClassificationModel) set(featuresCol, value);
  }

  public Delta4jClassificationModel setPredictionCol(String value) {
    return (Delta4jClassificationModel) set(predictionCol, value);
  }

  public Delta4jClassificationModel setProbabilityCol(String value) {
    return (Delta4jClassificationModel) set(probabilityCol, value);
  }

  public Delta4jClassificationModel setRawPredictionCol(String value) {
    return (Delta4jClassificationModel) set(rawPredictionCol, value);
  }

  public Delta4jClassificationModel setEngine(String value) {
    return (Delta4jClassificationModel) set(engine, Delta4jClassifier.engineNamed(value));
  }

  private static final class Writer extends MLWriter {
    private final Delta4jClassificationModel instance;

    Writer(Delta4jClassificationModel instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
      Path file = new Path(path, MODEL_FILE);
      try (OutputStream out = file.getFileSystem(sc().hadoopConfiguration()).create(file)) {
        out.write(instance.model);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the model file " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Refuses a path that holds no ML persistence metadata, naming it and {@code what} was to be loaded: Spark's reader
   * said only that the input path {@code <path>/metadata} does not exist.
   */
  static void requireSaved(String path, SparkContext sc, String what) {
    Path metadata = new Path(path, "metadata");
    try {
      if (!metadata.getFileSystem(sc.hadoopConfiguration()).exists(metadata)) {
        throw new IllegalArgumentException("no saved " + what + " at " + path + ": it holds no metadata (one saved "
            + "with write().save(path) holds metadata and data)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + metadata + ": " + e.getMessage(), e);
    }
  }

  /**
   * The ML persistence metadata of the {@code what} saved at {@code path}, of class {@code type}: a path without
   * metadata ({@link #requireSaved}), metadata that is no JSON or empty, and metadata of another class are refused
   * naming the path, where Spark's parsers named neither (Jackson's "Unexpected character", "empty collection").
   */
  static DefaultParamsReader.Metadata metadata(String path, SparkContext sc, String what, Class<?> type) {
    requireSaved(path, sc, what);
    try {
      return DefaultParamsReader$.MODULE$.loadMetadata(path, sc, type.getName());
    } catch (Exception e) { // Scala declares none of the parsers' exceptions, Jackson's and json4s' checked ones
      throw new IllegalArgumentException("cannot read the metadata of the " + what + " saved at " + path + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Gives {@code instance} the params of {@code metadata}, read from {@code path}: a param that is none of the
   * instance's, or whose value is of another type, is refused naming the path.
   */
  static void setParams(DefaultParamsReader.Metadata metadata, Params instance, String path, String what) {
    try {
      metadata.getAndSetParams(instance, Option.empty());
    } catch (Exception e) { // json4s' MappingException is checked, and Scala declares nothing
      throw new IllegalArgumentException("cannot set the params saved with the " + what + " at " + path + ": "
          + e.getMessage(), e);
    }
  }

  private static final class Reader extends MLReader<Delta4jClassificationModel> {
    @Override
    public Delta4jClassificationModel load(String path) {
      SparkContext sc = sparkSession().sparkContext();
      DefaultParamsReader.Metadata metadata = metadata(path, sc, "Delta4j model", Delta4jClassificationModel.class);
      Path file = new Path(path, MODEL_FILE);
      byte[] bytes;
      try {
        FileSystem fs = file.getFileSystem(sc.hadoopConfiguration());
        try (InputStream in = fs.open(file)) {
          bytes = in.readAllBytes();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the model file " + file + ": " + e.getMessage(), e);
      }
      Delta4jClassificationModel model = new Delta4jClassificationModel(metadata.uid(), bytes);
      setParams(metadata, model, path, "Delta4j model");
      try { // read now, so that a file that is no model fails here, naming it, and not in every task of a transform
        ModelBytes.saved(bytes, model.getOrDefault(model.engine()), null, file.toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot read the model file " + file + ": " + e.getMessage(), e);
      }
      return model;
    }
  }
}
