package org.delta4j.spark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.engine.CpuInfo;
import org.delta4j.engine.Engines;
import org.delta4j.io.AtomicFiles;
import org.delta4j.nn.Network;
import org.delta4j.spark.BlockGradients;
import org.delta4j.spark.FixedOrderSgd;
import org.delta4j.spark.GradientTree;
import org.delta4j.spark.LocalFrames;
import org.delta4j.spark.SparkTrainer;
import org.delta4j.spark.StepPlan;
import org.delta4j.train.EpochResult;
import org.delta4j.train.Evaluation;

/**
 * The Spark benchmark of BENCHMARKS.md, one program (run by {@code spark/bench/run}): the main job — the Fashion-MNIST
 * MLP 784-256-128-10 (ReLU, softmax cross-entropy, Adam 2e-3, reference engine, FLOAT32, as {@code train --spark
 * --batch-size 512} trains it), global batches of {@code --batch} (512 unless told) — on one {@code
 * local-cluster[N,1,M]} of as many executors as the most of {@code --workers}, a fit for each worker count in each of
 * {@code --rounds} rounds, the order reversed every other round; each epoch's wall time and test accuracy (evaluated on
 * the driver, outside the training time); the same blocks on one machine without Spark ({@link FixedOrderSgd}, in this
 * JVM), for Spark's cost per step; and Spark MLlib's {@link MultilayerPerceptronClassifier} with layers [784, 256, 128,
 * 10] (its sigmoid hidden layers and softmax output) by its l-bfgs and gd solvers, on the same cluster and the same
 * cached DataFrame, fitted afresh for each {@code maxIter} of a series (MLlib keeps no model between iterations), each
 * fit's time and test accuracy. Everything measured goes to one JSON file ({@code spark/results/cluster.json}), with
 * the machine; the report's Spark section derives the rest.
 *
 * <p>Why 512 and not the single-machine job's 128: a data-parallel step splits the global batch between the workers,
 * and each step also pays a fixed cost that does not shrink with them (the exchange, the optimizer step every worker
 * makes whole, the synchronisation). At 128 rows a worker of two computes 64 rows, a few milliseconds, and the fixed
 * cost eats the second worker's gain; at 512 it computes 256 — the per-worker batch that the module's README names as
 * the remedy for scaling. A fit on N workers gives the weights of one machine on the same global batch, so the
 * accuracy of every worker count is that of the same training.
 *
 * <p>Options: {@code --rows}, {@code --test-rows} (0: all), {@code --batch}, {@code --epochs}, {@code
 * --reports-per-epoch} (test accuracy measured that many times an epoch), {@code --workers 1,2}, {@code --rounds},
 * {@code --memory-mb} (per executor), {@code --lbfgs 1,2,…} and {@code --gd …} (maxIter series, both empty: MLlib not
 * run), {@code --mllib-seconds} (the time budget of MLlib's fits), {@code --placement} ({@code copy_to_every_worker},
 * the default, or {@code shuffle_each_epoch}), {@code --data}, {@code --out}.
 */
public final class ClusterBenchmark {
  /** MLlib's block size: rows stacked into one matrix per task (its default is 128); no effect on its result. */
  private static final int MLLIB_BLOCK = 128;
  private static final String ENGINE = "ref";
  private static final long SEED = 42;
  /** The evaluation batch on the driver; it changes no prediction, only how many rows go through at once. */
  private static final int EVALUATION_BATCH = 1000;

  private final SparkTrainer.Reduction reduction = SparkTrainer.Reduction.PEER_ALL_REDUCE;
  private final Options options;
  private final FashionMnist.Data mnist;
  private final org.delta4j.data.Dataset training;
  private final org.delta4j.data.Dataset test;
  private final ObjectNode out = new ObjectMapper().createObjectNode();

  private ClusterBenchmark(Options options) throws IOException {
    this.options = options;
    this.mnist = FashionMnist.load(options.data);
    this.training = firstRows(mnist.training(), options.rows, "--rows");
    this.test = firstRows(mnist.test(), options.testRows, "--test-rows");
  }

  public static void main(String[] args) throws IOException {
    Options o = Options.parse(args);
    new ClusterBenchmark(o).run();
  }

  private static org.delta4j.data.Dataset firstRows(org.delta4j.data.Dataset d, int rows, String option) {
    if (rows < 0 || rows > d.size()) {
      throw new IllegalArgumentException(option + " " + rows + ": the set has " + d.size() + " rows (0 takes all)");
    }
    return rows == 0 || rows == d.size() ? d : d.subset(IntStream.range(0, rows).toArray());
  }

  private void run() throws IOException {
    Network probe = Network.create(ReductionBenchmark.mlp(), Engines.get(ENGINE));
    long parameters = probe.parameters().stream().mapToLong(p -> p.value().size()).sum();
    out.set("machine", machine());
    out.putObject("config").put("network", "MLP 784-256-128-10, ReLU, softmax cross-entropy, Adam 2e-3")
        .put("parameters", parameters).put("engine", ENGINE).put("dtype", probe.dataType().toString())
        // bytes a gradient value takes on the wire: a FLOAT32 network's vectors are floats (GradientTree.Precision)
        .put("gradient_value_bytes", new BlockGradients(probe).precision()
            == GradientTree.Precision.FLOAT ? Float.BYTES : Double.BYTES)
        .put("batch", options.batch).put("epochs", options.epochs).put("training_rows", training.size())
        .put("test_rows", test.size()).put("reduction", reduction.toString())
        .put("placement", options.placement.toString())
        .put("executor_memory_mb", options.memoryMb).put("seed", SEED)
        .put("data", mnist.directory().toString());
    double[][] features = doubles(training);
    int[] labels = IntStream.range(0, training.size()).map(training::label).toArray();
    oneMachine(features, labels);
    // One cluster of as many executors as the most workers asked for; a fit of fewer workers runs its barrier tasks
    // on some of them while the others idle. The fits alternate in rounds, the order reversed every other round
    // (1, 2, then 2, 1), so that a change in the machine's speed over the run (a virtual machine's cores are shared)
    // weighs on every worker count alike instead of on whichever ran later.
    int most = Arrays.stream(options.workers).max().orElseThrow();
    long start = System.nanoTime();
    SparkSession spark = cluster(most);
    try {
      awaitExecutors(spark, most);
      out.putObject("cluster").put("master", master(most)).put("executors", most)
          .put("startup_seconds", seconds(start));
      Dataset<Row> train = frame(spark, features, labels, most).cache();
      train.count();
      ArrayNode delta4j = out.putArray("delta4j");
      for (int round = 1; round <= options.rounds; round++) {
        int[] order = options.workers.clone();
        if (round % 2 == 0) {
          for (int i = 0, j = order.length - 1; i < j; i++, j--) {
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
          }
        }
        for (int workers : order) {
          ObjectNode run = delta4j.addObject().put("workers", workers).put("round", round);
          sparkTraining(train, run);
        }
      }
      if (options.lbfgs.length + options.gd.length > 0) {
        Dataset<Row> testFrame = frame(spark, doubles(test), IntStream.range(0, test.size()).map(test::label)
            .toArray(), most).cache();
        testFrame.count();
        mllib(train, testFrame, most);
      }
    } finally {
      spark.stop();
    }
    Files.createDirectories(options.out.toAbsolutePath().getParent());
    AtomicFiles.writeString(options.out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    System.out.println("wrote " + options.out);
  }

  /** The same blocks as each Spark run, on one machine: two epochs each, the second one warm. */
  private void oneMachine(double[][] features, int[] labels) {
    ArrayNode runs = out.putArray("one_machine");
    for (int workers : options.workers) {
      Network network = Network.create(ReductionBenchmark.mlp(), Engines.get(ENGINE));
      StepPlan plan = new StepPlan(features.length, options.batch, workers, 1, SEED, true);
      List<EpochResult> epochs = FixedOrderSgd.train(network, features, labels, plan, 2);
      ArrayNode seconds = runs.addObject().put("blocks", workers).put("steps", plan.steps())
          .putArray("epoch_seconds");
      epochs.forEach(e -> seconds.add(e.seconds()));
      System.out.printf(Locale.ROOT, "one machine, %d block(s) a batch: %s s an epoch%n", workers,
          epochs.stream().map(e -> String.format(Locale.ROOT, "%.2f", e.seconds())).toList());
    }
  }

  /**
   * Trains the MLP on the cluster. The test accuracy is measured on the driver at the end of each of {@code
   * --reports-per-epoch} parts of every epoch (training waits meanwhile) and left out of every time: an epoch's
   * seconds are its wall time less the evaluations inside it.
   */
  private void sparkTraining(Dataset<Row> train, ObjectNode run) {
    Network network = Network.create(ReductionBenchmark.mlp(), Engines.get(ENGINE));
    ArrayNode epochs = run.put("reports_per_epoch", options.reportsPerEpoch).putArray("epochs");
    ArrayNode progress = run.putArray("progress");
    long start = System.nanoTime();
    double[] evaluating = {0, 0}; // in all, and at the last epoch's end
    double[] lastAccuracy = {Double.NaN};
    String label = run.get("workers").asInt() + " worker(s), round " + run.get("round").asInt();
    SparkTrainer.builder().epochs(options.epochs).batchSize(options.batch).seed(SEED)
        .workers(run.get("workers").asInt())
        .reduction(reduction).placement(options.placement).reportsPerEpoch(options.reportsPerEpoch).progress(p -> {
          double elapsed = seconds(start) - evaluating[0];
          long evaluationStart = System.nanoTime();
          lastAccuracy[0] = Evaluation.of(network, test, EVALUATION_BATCH).accuracy();
          evaluating[0] += seconds(evaluationStart);
          progress.addObject().put("epoch", p.epoch()).put("step", p.step()).put("steps", p.steps())
              .put("epochs_done", p.epoch() - 1 + (double) p.step() / p.steps())
              .put("training_seconds", elapsed).put("test_accuracy", lastAccuracy[0]);
          System.out.printf(Locale.ROOT, "%s: epoch %d step %d of %d, %.2f s since the start, test accuracy %.4f%n",
              label, p.epoch(), p.step(), p.steps(), elapsed, lastAccuracy[0]);
        }).listener(r -> {
          double elapsed = seconds(start) - evaluating[0];
          double seconds = r.seconds() - (evaluating[0] - evaluating[1]);
          evaluating[1] = evaluating[0];
          epochs.addObject().put("epoch", r.epoch()).put("seconds", seconds)
              .put("training_seconds", elapsed).put("training_loss", r.trainingLoss())
              .put("test_accuracy", lastAccuracy[0]);
          System.out.printf(Locale.ROOT, "%s: epoch %d, %.2f s (%.2f s since the start), test accuracy %.4f%n",
              label, r.epoch(), seconds, elapsed, lastAccuracy[0]);
        }).build().fit(network, train, "features", "label");
    run.put("fit_seconds", seconds(start) - evaluating[0]);
  }

  /**
   * MLlib's MLP by each solver (gd, then l-bfgs), one fresh fit per maxIter, on the same DataFrame, after one
   * untimed fit that warms the executors' JIT and MLlib's code (the first fit takes several times the next here).
   * The fits share {@code --mllib-seconds}: a fit whose time, projected from its solver's last fit (seconds per
   * iteration × maxIter), would pass it is skipped and recorded as skipped, so the whole run keeps its length
   * whatever the machine.
   */
  private void mllib(Dataset<Row> train, Dataset<Row> testFrame, int workers) {
    ObjectNode node = out.putObject("mllib").put("workers", workers).put("cluster", master(workers))
        .put("layers", "784-256-128-10, sigmoid hidden, softmax output").put("budget_seconds", options.mllibSeconds);
    ArrayNode runs = node.putArray("runs");
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    Map<String, int[]> solvers = new LinkedHashMap<>();
    solvers.put("gd", options.gd);
    solvers.put("l-bfgs", options.lbfgs);
    long warmUp = System.nanoTime();
    mllibClassifier("l-bfgs", 1).fit(train);
    node.put("warm_up_seconds", seconds(warmUp));
    double budget = options.mllibSeconds;
    double spent = 0;
    for (Map.Entry<String, int[]> solver : solvers.entrySet()) {
      double perIteration = 0;
      for (int maxIter : solver.getValue()) {
        double projected = perIteration * maxIter;
        if (spent + projected > budget) {
          runs.addObject().put("solver", solver.getKey()).put("max_iter", maxIter).put("skipped", String.format(
              Locale.ROOT, "projected %.0f s, past the budget of %.0f s (%.0f s spent)", projected, budget,
              spent));
          System.out.printf(Locale.ROOT, "MLlib %s maxIter %d skipped: projected %.0f s, %.0f s of %.0f s spent%n",
              solver.getKey(), maxIter, projected, spent, budget);
          continue;
        }
        long start = System.nanoTime();
        MultilayerPerceptronClassificationModel model = mllibClassifier(solver.getKey(), maxIter).fit(train);
        double seconds = seconds(start);
        spent += seconds;
        double acc = accuracy.evaluate(model.transform(testFrame));
        int iterations = model.summary().totalIterations();
        perIteration = seconds / Math.max(1, iterations);
        runs.addObject().put("solver", solver.getKey()).put("max_iter", maxIter).put("iterations", iterations)
            .put("seconds", seconds).put("test_accuracy", acc);
        System.out.printf(Locale.ROOT, "MLlib %s maxIter %d (%d iterations): %.2f s, test accuracy %.4f%n",
            solver.getKey(), maxIter, iterations, seconds, acc);
      }
    }
  }

  /** MLlib's MLP of the main job's layers; its hidden layers are sigmoid and its output softmax, always. */
  private static MultilayerPerceptronClassifier mllibClassifier(String solver, int maxIter) {
    return new MultilayerPerceptronClassifier().setLayers(new int[] {784, 256, 128, 10}).setSolver(solver)
        .setMaxIter(maxIter).setSeed(SEED).setBlockSize(MLLIB_BLOCK);
  }

  private String master(int workers) {
    return "local-cluster[" + workers + ",1," + options.memoryMb + "]";
  }

  /**
   * A {@code local-cluster}: a master, and one worker JVM of one core per worker, whose executors load this
   * program's class path (as {@code LocalClusterTest} starts it) and see one processor.
   */
  private SparkSession cluster(int workers) {
    return SparkSession.builder().master(master(workers)).appName("delta4j-cluster-benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.memory", options.memoryMb + "m")
        .config("spark.sql.shuffle.partitions", Integer.toString(workers))
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executor.extraJavaOptions", System.getProperty("delta4j.executor.options", "")
            + " " + executorJvmOptions(options.memoryMb))
        .getOrCreate();
  }

  /**
   * The options of an executor JVM of one core and {@code memoryMb} of heap. {@code -XX:ActiveProcessorCount=1}: the
   * reference engine's worker pool, sized by the cores the JVM sees, must not split its products over the machine's
   * cores that the other executors are using. A JVM that sees one processor takes itself for a client machine and
   * picks the serial collector, whose young collections copied the shard's rows for seconds at a time, and which grew
   * and shrank the heap after every full collection: so the parallel collector, and the whole heap committed and
   * touched when the executor starts ({@code -Xms}, {@code -XX:+AlwaysPreTouch}), as a long-lived executor's heap is
   * (the memory of this virtual machine is slow to touch the first time, several seconds a gigabyte under load).
   */
  static String executorJvmOptions(int memoryMb) {
    return "-XX:ActiveProcessorCount=1 -XX:+UseParallelGC -Xms" + memoryMb + "m -XX:+AlwaysPreTouch";
  }

  /** Waits until all {@code workers} executor JVMs have registered (their start is the cluster's start-up time). */
  private void awaitExecutors(SparkSession spark, int workers) {
    long deadline = System.nanoTime() + 600_000_000_000L;
    // the driver counts among the block managers: an executor JVM is there once it can take tasks
    while (spark.sparkContext().getExecutorMemoryStatus().size() < workers + 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(master(workers) + " has " + (spark.sparkContext().getExecutorMemoryStatus()
            .size() - 1) + " executors after 10 minutes, of " + workers);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while " + master(workers) + " started", e);
      }
    }
  }

  /** One DataFrame for both systems: a Vector "features" (the normalised pixels) and a double "label" column. */
  private static Dataset<Row> frame(SparkSession spark, double[][] features, int[] labels, int partitions) {
    List<Row> rows = new ArrayList<>(labels.length);
    for (int i = 0; i < labels.length; i++) {
      rows.add(RowFactory.create(Vectors.dense(features[i]), (double) labels[i], (long) i));
    }
    StructType schema = new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType)
        .add("index", DataTypes.LongType);
    long bytesPerRow = (long) Double.BYTES * (labels.length == 0 ? 1 : features[0].length) + 2 * Double.BYTES;
    // The rows keep their order, so a row's index, and with it the training, is the same in every run: ranges of the
    // index go to the partitions in order and each is sorted (a plain repartition ordered rows as its blocks happened
    // to arrive). A shuffle, not a coalesce, of LocalFrames' partitions: coalescing the driver's rows would ship them
    // all in one task (379 MB for Fashion-MNIST), past Spark's message limit.
    Column index = functions.col("index");
    return LocalFrames.of(spark, rows, schema, bytesPerRow).repartitionByRange(partitions, index)
        .sortWithinPartitions(index).drop("index");
  }

  /** A dataset's normalised features, each float widened to a double (so both systems see the same numbers). */
  private static double[][] doubles(org.delta4j.data.Dataset d) {
    int width = d.featureShape().intSize();
    float[] x = new float[width];
    float[] y = new float[d.numClasses()];
    double[][] out = new double[d.size()][width];
    for (int i = 0; i < d.size(); i++) {
      d.fill(new int[] {i}, 0, 1, x, y);
      for (int j = 0; j < width; j++) {
        out[i][j] = x[j];
      }
    }
    return out;
  }

  /** The CPU (the fields of the first processor in /proc/cpuinfo that tell one CPU from another), cores, settings. */
  private static ObjectNode machine() throws IOException {
    ObjectNode m = new ObjectMapper().createObjectNode();
    ObjectNode cpu = m.putObject("cpuinfo");
    List<String> fields = List.of("vendor_id", "cpu family", "model", "stepping", "model name", "flags",
        "CPU implementer", "CPU part", "Features");
    CpuInfo.here().only(fields).forEach(cpu::put);
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.putArray("blas");
    m.putObject("settings").put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
        .put("Spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    return m;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** The command line. */
  record Options(int rows, int testRows, int batch, int epochs, int reportsPerEpoch, int[] workers, int memoryMb,
      int[] lbfgs, int[] gd, int rounds, double mllibSeconds, SparkTrainer.Placement placement, Path data, Path out) {
    static Options parse(String[] args) {
      int rows = 0;
      int testRows = 0;
      int batch = 512;
      int epochs = 5;
      int reportsPerEpoch = 1;
      int[] workers = {1, 2};
      int memoryMb = 3072;
      int[] lbfgs = {5, 10, 20, 40};
      int[] gd = {5, 10, 20, 40};
      int rounds = 2;
      double mllibSeconds = 540;
      SparkTrainer.Placement placement = SparkTrainer.Placement.COPY_TO_EVERY_WORKER;
      Path data = null;
      Path out = Path.of("spark", "results", "cluster.json");
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        String v = args[i + 1];
        switch (args[i]) {
          case "--rows" -> rows = Integer.parseInt(v);
          case "--test-rows" -> testRows = Integer.parseInt(v);
          case "--batch" -> batch = Integer.parseInt(v);
          case "--epochs" -> epochs = Integer.parseInt(v);
          case "--reports-per-epoch" -> reportsPerEpoch = Integer.parseInt(v);
          case "--workers" -> workers = list(v);
          case "--memory-mb" -> memoryMb = Integer.parseInt(v);
          case "--lbfgs" -> lbfgs = list(v);
          case "--gd" -> gd = list(v);
          case "--rounds" -> rounds = Integer.parseInt(v);
          case "--mllib-seconds" -> mllibSeconds = Double.parseDouble(v);
          case "--placement" -> placement = SparkTrainer.Placement.valueOf(v.toUpperCase(Locale.ROOT));
          case "--data" -> data = Path.of(v);
          case "--out" -> out = Path.of(v);
          default -> throw new IllegalArgumentException("unknown option " + args[i] + "; the benchmark takes --rows, "
              + "--test-rows, --batch, --epochs, --reports-per-epoch, --workers, --memory-mb, --lbfgs, --gd, --rounds, "
              + "--mllib-seconds, "
              + "--placement, --data, --out");
        }
      }
      if (batch < 1 || rounds < 1 || epochs < 1 || reportsPerEpoch < 1 || memoryMb < 512 || workers.length == 0
          || Arrays.stream(workers).anyMatch(w -> w < 1)) {
        throw new IllegalArgumentException("need --batch ≥ 1 (got " + batch + "), --rounds ≥ 1 (got " + rounds
            + "), epochs ≥ 1 (got " + epochs + "), --reports-per-epoch ≥ 1 (got " + reportsPerEpoch
            + "), --memory-mb ≥ 512 (got " + memoryMb + ") and one or more worker counts, each ≥ 1 (got "
            + Arrays.toString(workers) + ")");
      }
      return new Options(rows, testRows, batch, epochs, reportsPerEpoch, workers, memoryMb, lbfgs, gd, rounds,
          mllibSeconds, placement, data, out);
    }

    private static int[] list(String v) {
      return v.isBlank() ? new int[0] : Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim()))
          .toArray();
    }
  }
}
