package org.delta4j.spark;

import java.util.Objects;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.delta4j.engine.EngineUnavailableException;
import org.delta4j.engine.Engines;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Network;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;

/**
 * A Spark ML estimator that trains a Delta4j network, given as spec JSON ({@link NetworkSpecJson}), by synchronous
 * data-parallel SGD ({@link SparkTrainer}) on a DataFrame's features (Spark ML Vector or array) and label (class
 * number) columns; {@link #fit} returns a {@link Delta4jClassificationModel}. Params: featuresCol, labelCol,
 * predictionCol, probabilityCol, rawPredictionCol (the model's output columns; "" leaves one out), networkSpec, engine
 * ("ref"), dataType ("FLOAT32"), epochs (5), batchSize (128), seed (42), blocks (0: one per worker) and workers (0: the
 * context's default parallelism), checked when fit starts, naming the param; a value of another type (an Integer
 * for the long seed, a String for an int) is refused when it is set, naming the param and the value. The model depends
 * on the blocks, not on the workers; by default the blocks are the workers, and the workers the cluster's default
 * parallelism, which for a network with batch normalization (normalizing each block by its own statistics) makes
 * another cluster train another model: set blocks (1: the whole batch's statistics, as on one machine) for the same
 * model everywhere.
 * Usable in a {@code Pipeline}, with Spark ML's evaluators; saved and loaded with ML persistence.
 */
public final class Delta4jClassifier extends Estimator<Delta4jClassificationModel> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;
  private final Param<String> networkSpec;
  private final Param<String> engine;
  private final Param<String> dataType;
  private final IntParam epochs;
  private final IntParam batchSize;
  private final LongParam seed;
  private final IntParam blocks;
  private final IntParam workers;

  public Delta4jClassifier() {
    this(Identifiable$.MODULE$.randomUID("delta4j"));
  }

  public Delta4jClassifier(String uid) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "features column: a Spark ML Vector or an array of numbers",
        SparkArguments.ofType(String.class, "featuresCol", true));
    labelCol = new Param<>(this, "labelCol", "label column: class numbers 0, 1, …",
        SparkArguments.ofType(String.class, "labelCol", true));
    predictionCol = new Param<>(this, "predictionCol", "the column the model writes the predicted class to",
        SparkArguments.ofType(String.class, "predictionCol", true));
    probabilityCol = new Param<>(this, "probabilityCol", "the column the model writes class probabilities to",
        SparkArguments.ofType(String.class, "probabilityCol", true));
    rawPredictionCol = new Param<>(this, "rawPredictionCol", "the column the model writes raw class scores (logits) "
        + "to", SparkArguments.ofType(String.class, "rawPredictionCol", true));
    networkSpec = new Param<>(this, "networkSpec", "the network to train, as Delta4j spec JSON",
        SparkArguments.ofType(String.class, "networkSpec", false));
    engine = new Param<>(this, "engine", "the Delta4j engine the workers compute with: ref or nd4j",
        SparkArguments.ofType(String.class, "engine", true));
    dataType = new Param<>(this, "dataType", "FLOAT32 or FLOAT64",
        SparkArguments.ofType(String.class, "dataType", true));
    epochs = new IntParam(this, "epochs", "passes over the data (≥ 1)",
        SparkArguments.ofType(Integer.class, "epochs", false));
    batchSize = new IntParam(this, "batchSize", "rows per optimizer step, over all workers (≥ 1)",
        SparkArguments.ofType(Integer.class, "batchSize", false));
    seed = new LongParam(this, "seed", "the seed of the per-epoch shuffles",
        SparkArguments.ofType(Long.class, "seed", false));
    blocks = new IntParam(this, "blocks", "blocks per batch, the unit of the fixed reduction order, at most batchSize "
        + "(0: one per worker)", SparkArguments.ofType(Integer.class, "blocks", false));
    workers = new IntParam(this, "workers", "Spark partitions that train (0: the context's default parallelism)",
        SparkArguments.ofType(Integer.class, "workers", false));
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
    setDefault(engine, "ref");
    setDefault(dataType, DataType.FLOAT32.name());
    setDefault(epochs, 5);
    setDefault(batchSize, 128);
    setDefault(seed, 42L);
    setDefault(blocks, 0);
    setDefault(workers, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Delta4jClassificationModel fit(Dataset<?> dataset) {
    SparkArguments.present("the dataset to fit", dataset);
    transformSchema(dataset.schema()); // the params and the columns, before any Spark job
    if (!isDefined(networkSpec)) {
      throw new IllegalArgumentException("param 'networkSpec' is not set: give the network as Delta4j spec JSON");
    }
    int blockCount = (Integer) getOrDefault(blocks);
    int workerCount = (Integer) getOrDefault(workers);
    NetworkSpec spec = NetworkSpecJson.read(getNetworkSpec());
    Network network = Network.create(spec, Engines.get(engineNamed(getEngine())), dataTypeParam());
    SparkTrainer.Builder trainer = SparkTrainer.builder().calledBy(SparkTrainer.Caller.ESTIMATOR)
        .epochs(getEpochs()).batchSize(getBatchSize()).seed(getSeed());
    if (blockCount > 0) {
      trainer.blocks(blockCount);
    }
    if (workerCount > 0) {
      trainer.workers(workerCount);
    }
    trainer.build().fit(network, dataset.toDF(), getFeaturesCol(), getLabelCol());
    Delta4jClassificationModel model = new Delta4jClassificationModel(uid, ModelBytes.of(network));
    copyValues(model, new ParamMap());
    return (Delta4jClassificationModel) model.setParent(this);
  }

  /**
   * Refuses a param out of its range, naming it and its value: checked by {@link #transformSchema}, so before any
   * Spark job of {@link #fit}, and by a {@code Pipeline} before any stage runs.
   */
  private void checkParams() {
    int epochCount = getEpochs();
    int batch = getBatchSize();
    int blockCount = (Integer) getOrDefault(blocks);
    int workerCount = (Integer) getOrDefault(workers);
    if (epochCount < 1) {
      throw new IllegalArgumentException("param epochs must be at least 1, got " + epochCount);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("param batchSize must be at least 1, got " + batch);
    }
    if (blockCount < 0) {
      throw new IllegalArgumentException("param blocks must be at least 0 (0: one block per worker), got "
          + blockCount);
    }
    if (blockCount > batch) {
      throw new IllegalArgumentException("param blocks is " + blockCount + ", more than param batchSize " + batch
          + ": a batch is cut into at most as many blocks as it has rows");
    }
    if (workerCount < 0) {
      throw new IllegalArgumentException("param workers must be at least 0 (0: the context's default parallelism), "
          + "got " + workerCount);
    }
    dataTypeParam();
  }

  /** The data type param's type, refused naming the param when there is no such type. */
  private DataType dataTypeParam() {
    try {
      return DataType.named(getOrDefault(dataType));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("param dataType: " + e.getMessage(), e);
    }
  }

  /**
   * The schema the model's transform gives, after checking the params ({@link #checkParams}) and the input columns;
   * the output columns carry Spark ML's attributes when the network is set.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    TrainingData.checkSchema(schema, getFeaturesCol(), getLabelCol());
    org.delta4j.tensor.Shape output = isDefined(networkSpec) ? NetworkSpecJson.read(getNetworkSpec()).outputShape()
        : null;
    int classes = output != null && output.rank() == 1 ? output.dim(0) : 0;
    return Delta4jClassificationModel.outputSchema(schema, getOrDefault(predictionCol), getOrDefault(probabilityCol),
        getOrDefault(rawPredictionCol), classes);
  }

  @Override
  public Delta4jClassifier copy(ParamMap extra) {
    return (Delta4jClassifier) defaultCopy(extra);
  }

  /**
   * Reads an estimator saved with {@code write().save(path)}; a directory that holds something else, a fitted model
   * say, is refused naming both classes (Spark's own check of the saved class name).
   */
  public static MLReader<Delta4jClassifier> read() {
    return new MLReader<>() {
      @Override
      public Delta4jClassifier load(String path) {
        DefaultParamsReader.Metadata metadata = Delta4jClassificationModel.metadata(path,
            sparkSession().sparkContext(), "Delta4j estimator", Delta4jClassifier.class);
        Delta4jClassifier classifier = new Delta4jClassifier(metadata.uid());
        Delta4jClassificationModel.setParams(metadata, classifier, path, "Delta4j estimator");
        return classifier;
      }
    };
  }

  public static Delta4jClassifier load(String path) {
    return read().load(path);
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> labelCol() {
    return labelCol;
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

  public Param<String> networkSpec() {
    return networkSpec;
  }

  public Param<String> engine() {
    return engine;
  }

  public Param<String> dataType() {
    return dataType;
  }

  public IntParam epochs() {
    return epochs;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public LongParam seed() {
    return seed;
  }

  public IntParam blocks() {
    return blocks;
  }

  public IntParam workers() {
    return workers;
  }

  public String getFeaturesCol() {
    return getOrDefault(featuresCol);
  }

  public String getLabelCol() {
    return getOrDefault(labelCol);
  }

  public String getNetworkSpec() {
    return getOrDefault(networkSpec);
  }

  public String getEngine() {
    return getOrDefault(engine);
  }

  public int getEpochs() {
    return (Integer) getOrDefault(epochs);
  }

  public int getBatchSize() {
    return (Integer) getOrDefault(batchSize);
  }

  public long getSeed() {
    return (Long) getOrDefault(seed);
  }

  public Delta4jClassifier setFeaturesCol(String value) {
    return (Delta4jClassifier) set(featuresCol, value);
  }

  public Delta4jClassifier setLabelCol(String value) {
    return (Delta4jClassifier) set(labelCol, value);
  }

  public Delta4jClassifier setPredictionCol(String value) {
    return (Delta4jClassifier) set(predictionCol, value);
  }

  public Delta4jClassifier setProbabilityCol(String value) {
    return (Delta4jClassifier) set(probabilityCol, value);
  }

  public Delta4jClassifier setRawPredictionCol(String value) {
    return (Delta4jClassifier) set(rawPredictionCol, value);
  }

  /** The network as spec JSON, checked at once. */
  public Delta4jClassifier setNetworkSpec(String json) {
    NetworkSpecJson.read(Objects.requireNonNull(json, "param networkSpec: give the network as Delta4j spec JSON"));
    return (Delta4jClassifier) set(networkSpec, json);
  }

  /** The engine by name, checked at once: one that does not exist here is refused naming the param. */
  public Delta4jClassifier setEngine(String value) {
    return (Delta4jClassifier) set(engine, engineNamed(value));
  }

  /**
   * {@code name}, when an engine of that name runs here; else an {@link IllegalArgumentException} naming the param
   * and the engines there are. A blank name, which the engine registry takes for "none given" and answers with its
   * default, is refused too.
   */
  static String engineNamed(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("param engine: give an engine's name, ref or nd4j, not " + (name == null
          ? "null" : "'" + name + "'"));
    }
    try {
      Engines.get(name);
    } catch (EngineUnavailableException e) {
      throw new IllegalArgumentException("param engine: " + e.getMessage(), e);
    }
    return name;
  }

  public Delta4jClassifier setDataType(DataType value) {
    return (Delta4jClassifier) set(dataType, Objects.requireNonNull(value, "param dataType: give FLOAT32 or FLOAT64")
        .name());
  }

  /** Passes over the data; checked, like the batch size, when {@link #fit} starts. */
  public Delta4jClassifier setEpochs(int value) {
    return (Delta4jClassifier) set(epochs, value);
  }

  public Delta4jClassifier setBatchSize(int value) {
    return (Delta4jClassifier) set(batchSize, value);
  }

  public Delta4jClassifier setSeed(long value) {
    return (Delta4jClassifier) set(seed, value);
  }

  /**
   * Blocks per batch, at most the batch size; 0 (the default): one per worker. The model depends on the blocks, not on
   * the workers; batch normalization normalizes each block by its own statistics.
   */
  public Delta4jClassifier setBlocks(int value) {
    return (Delta4jClassifier) set(blocks, value);
  }

  public Delta4jClassifier setWorkers(int value) {
    return (Delta4jClassifier) set(workers, value);
  }
}
