package org.delta4j.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.delta4j.cli.Charts;
import org.delta4j.cli.ClassificationReport;
import org.delta4j.cli.Delta4jCommand;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.engine.EngineUnavailableException;
import org.delta4j.engine.Engines;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.Network;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.train.EpochResult;

/**
 * {@code bin/delta4j train --spark MASTER}: a network on Fashion-MNIST — by default the MLP 784-256-128-10 (ReLU,
 * softmax cross-entropy, Adam 2e-3, batches of 128), or any network spec file that takes its 784 pixels (as a vector
 * or as [1, 28, 28]) and gives its 10 classes ({@code --spec}) — trained by {@link SparkTrainer} on any Spark master
 * ({@code local[2]} in-process by default), evaluated on the executors, and saved as {@code model.safetensors} and
 * {@code network.json} in {@code --output} (default {@code runs/spark-<time>}), any Hadoop path ({@code file:}, {@code
 * hdfs:}, …), with the single-machine job's reports: {@code learning-curves.png}, {@code test-report.txt} and {@code
 * confusion-matrix.png}. Every epoch ends with {@code checkpoint.safetensors} there; {@code --resume CHECKPOINT}
 * continues that run up to {@code --epochs} (into the checkpoint's directory unless {@code --output} says otherwise),
 * with its network, data type, seed, batch size and engine unless given (given otherwise, it is refused naming the
 * setting), and its blocks a batch whatever the workers now. Options: {@code --spark}, {@code --epochs}, {@code
 * --batch-size}, {@code --engine}, {@code --dtype}, {@code --spec}, {@code --seed}, {@code --workers}, {@code --data},
 * {@code --output} (or {@code -o}, as {@code train} takes it), {@code --resume}. Errors are one line and an exit
 * status as {@code train}'s: a command line that does not parse exits with 2, a run refused or failed with 1.
 */
public final class SparkTrain {
  /** The run's files in its output directory: those of the single-machine job. */
  private static final String MODEL = "model.safetensors";
  private static final String CHECKPOINT = "checkpoint.safetensors";
  /** What {@code --help} prints. */
  static final String USAGE = """
      Usage: delta4j train --spark MASTER [OPTION VALUE]...
      Trains a network on Fashion-MNIST, data-parallel on Apache Spark, evaluates it on the executors and saves it
      with the single-machine job's reports (see spark/README.md). Options, written --option value or --option=value:
            --spark MASTER    local[N], local[*], spark://host:port, yarn or k8s://host:port (default local[2])
            --epochs N        epochs to train (default 5)
            --batch-size N    rows a step, over all workers together (default 128)
            --workers N       workers (default: the Spark context's default parallelism)
            --engine NAME     the engine on every worker: ref or nd4j (default ref)
            --dtype TYPE      FLOAT32 or FLOAT64 (default FLOAT32)
            --spec FILE       a network spec file (JSON) taking the 784 pixels and giving the 10 classes
                              (default the MLP 784-256-128-10)
            --seed N          (default the spec file's, else 42)
            --data DIR        the Fashion-MNIST files (default: where train looks for them)
        -o, --output DIR      any Hadoop path, file: or hdfs: (default runs/spark-<time>)
            --resume FILE     a run's checkpoint.safetensors, continued up to --epochs with its seed, batch size,
                              blocks a batch and engine, on any number of workers
        -h, --help            this text
        -V, --version         the program's version
      """;

  /** The options {@link #train} takes, each with a value. */
  private static final List<String> OPTIONS = List.of("--spark", "--epochs", "--batch-size", "--engine", "--dtype",
      "--spec", "--seed", "--workers", "--data", "--output", "--resume");

  private SparkTrain() {}

  /**
   * Runs {@link #run}. The program ends by {@code System.exit} once its work is done: Spark 3.5's barrier tasks leave
   * a timer thread that is not a daemon (SPARK-49479) in the JVM that ran them, this one under {@code local[N]}, which
   * would otherwise keep the finished program alive for minutes.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.err));
  }

  /**
   * Runs {@link #train} and returns the program's exit status, as {@code train} without Spark ends: bad options, data
   * or checkpoints are one line on {@code err}, {@code error: } and their message, not a stack trace; 2 for a command
   * line that does not parse (an unknown option, a missing value, a value of the wrong type), with where to find the
   * usage, and 1 for a run refused or failed.
   */
  static int run(String[] args, PrintStream err) {
    try {
      train(args);
      return 0;
    } catch (UsageError e) {
      err.println("error: " + e.getMessage() + "; see 'delta4j train --spark MASTER --help'");
      return 2;
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException | IOException e) {
      // a missing --data names the path and why, in train's words
      err.println("error: " + Delta4jCommand.describe(e instanceof UncheckedIOException u ? u.getCause() : e));
    } catch (Throwable e) { // anything else: its trace, and still an end
      e.printStackTrace(err);
    }
    return 1;
  }

  /** Trains, evaluates and saves as the class describes; {@code args} are the command line's options. */
  static void train(String[] args) throws Exception {
    String master = "local[2]";
    int epochs = 5;
    String engine = null;
    Long seed = null;
    Integer batch = null;
    int workers = 0;
    Path data = null;
    String output = null;
    String resume = null;
    Path specFile = null;
    DataType dataType = null;
    IllegalArgumentException refused = null; // the first value refused, once every option has parsed
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("train")) {
        continue;
      }
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(USAGE);
        return;
      }
      if (a.equals("--version") || a.equals("-V")) {
        Delta4jCommand.commandLine().printVersionHelp(System.out);
        return;
      }
      if (a.startsWith("-o") && !a.startsWith("--")) { // -o DIR, -o=DIR and -oDIR, as train reads a short option
        a = a.length() == 2 ? "--output" : "--output=" + a.substring(a.charAt(2) == '=' ? 3 : 2);
      }
      String v = null;
      int equals = a.indexOf('=');
      if (a.startsWith("--") && equals > 0) { // --option=value, as bin/delta4j's options may be written too
        v = a.substring(equals + 1);
        a = a.substring(0, equals);
      }
      if (!OPTIONS.contains(a)) { // named as unknown, not as wanting a value, when it is the last
        throw new UsageError("unknown option " + a + "; train --spark takes --spark, --epochs, --batch-size, "
            + "--engine, --dtype, --spec, --seed, --workers, --data, --output (-o), --resume");
      }
      if (v == null && i + 1 >= args.length) {
        throw new UsageError("option " + a + " needs a value");
      }
      v = v != null ? v : args[++i];
      try {
        switch (a) {
          case "--spark" -> master = v;
          case "--epochs" -> epochs = atLeastOne(a, v, "epochs");
          case "--batch-size" -> batch = atLeastOne(a, v, "rows");
          case "--engine" -> engine = v; // loaded once the whole line has parsed
          case "--seed" -> seed = whole(a, v);
          case "--workers" -> workers = atLeastOne(a, v, "workers");
          case "--data" -> data = Path.of(v);
          case "--output" -> {
            if (v.isBlank()) { // as train refuses it, rather than Hadoop's words for an empty path
              throw new IllegalArgumentException("--output is empty: name the directory for the run");
            }
            output = v;
          }
          case "--resume" -> resume = v;
          case "--spec" -> specFile = Path.of(v);
          case "--dtype" -> dataType = named(v);
          default -> throw new IllegalStateException("option " + a + " is in OPTIONS but not read");
        }
      } catch (UsageError e) {
        throw e;
      } catch (IllegalArgumentException e) { // a value out of range: said once the whole line has parsed, as train
        refused = refused != null ? refused : e;
      }
    }
    if (refused != null) {
      throw refused;
    }
    if (engine != null) {
      engine(engine);
    }
    NetworkSpec fromFile = null;
    if (specFile != null) {
      String json;
      try {
        json = NetworkSpecJson.readFile(specFile);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--spec " + e.getMessage(), e);
      }
      fromFile = spec(json, "--spec " + specFile + ": ");
    }
    FashionMnist.Data mnist = FashionMnist.load(data);
    if (fromFile != null) { // refused before Spark starts
      requireFits(fromFile, mnist.training(), "--spec " + specFile);
    }
    String savedNetwork = null;
    TrainingSettings saved = null;
    // The files are checked before Spark starts, on the Hadoop configuration its context would have.
    Configuration files = SparkHadoopUtil.get().newConfiguration(new SparkConf());
    if (resume != null) {
      // Settings not given are the checkpoint's; those given are held to it by SparkTrainer, which names a conflict.
      saved = TrainingSettings.fromJson(ModelBytes.run(HadoopFiles.read(resume, files), resume), resume);
      engine = engine != null ? engine : saved.engine();
      seed = seed != null ? seed : saved.seed();
      batch = batch != null ? batch : saved.batchSize();
      dataType = dataType != null ? dataType : DataType.named(saved.dataType());
      savedNetwork = saved.network(); // a --spec given must be this one, which SparkTrainer checks
      output = output != null ? output : HadoopFiles.parent(resume);
    }
    engine = engine != null ? engine : "ref";
    seed = seed != null ? seed : fromFile != null ? fromFile.seed() : 42L; // a spec file's own seed holds
    batch = batch != null ? batch : 128;
    dataType = dataType != null ? dataType : DataType.FLOAT32;
    output = output != null ? output
        : "runs/spark-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    // checked before any work: never a file, and never another run's directory, whose files training would replace
    List<String> held;
    try {
      held = HadoopFiles.existing(output, List.of(MODEL, CHECKPOINT), files);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--output " + e.getMessage(), e);
    } catch (UncheckedIOException e) { // a scheme with no file system here, say
      throw new IllegalArgumentException("--output " + output + ": " + e.getCause().getMessage(), e);
    }
    if (!held.isEmpty() && (resume == null || !HadoopFiles.qualified(HadoopFiles.parent(resume), files)
        .equals(HadoopFiles.qualified(output, files)))) {
      throw new IllegalArgumentException("--output " + output + " already holds a run (" + held.get(0) + "); "
          + "continue it with --resume " + HadoopFiles.child(output, CHECKPOINT) + ", or choose "
          + "another --output");
    }
    // and, as train, no file a new run would write over: a spec file of the user's own, an earlier report or chart
    if (resume == null) {
      String dir = output;
      Delta4jCommand.refuseFilesOfARun(dir, file -> !HadoopFiles.existing(dir, List.of(file), files).isEmpty());
    }
    // The directories made for the run go again if it leaves them empty, refused or failed before it wrote anything
    // (a master that cannot start, say), as train removes an output directory it made: deepest first, each if empty.
    List<String> made = HadoopFiles.missingDirectories(HadoopFiles.child(output, CHECKPOINT), files);
    SparkSession spark = null;
    try {
      try { // and a place where the run's files can be written, not a path under a file, say
        HadoopFiles.requireWritableFile(HadoopFiles.child(output, CHECKPOINT), files);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new IllegalArgumentException("--output " + output + ": " + e.getMessage(), e);
      }
      spark = SparkMasters.session(master, "delta4j-train");
      NetworkSpec spec;
      if (fromFile != null) {
        spec = fromFile.withSeed(seed);
      } else if (savedNetwork != null) {
        spec = spec(savedNetwork, resume + ": ").withSeed(seed);
        requireFits(spec, mnist.training(), resume);
      } else {
        spec = NetworkSpec.builder().input(784).dense(256).relu().dense(128).relu().dense(10)
            .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(2e-3)).seed(seed).build();
      }
      Network network = Network.create(spec, Engines.get(engine), dataType);
      System.out.printf(Locale.ROOT, "Spark master %s, engine %s, %s; Fashion-MNIST from %s: %d training, %d test "
          + "images%n", master, engine, dataType, mnist.directory(), mnist.training().size(), mnist.test().size());
      System.out.println("Network: " + spec.summary());
      Dataset<Row> train = frame(spark, mnist.training());
      Dataset<Row> test = frame(spark, mnist.test());
      // Fashion-MNIST's rows, packed in floats, are 188 MB: each worker keeps a copy and no row moves per epoch
      SparkTrainer.Builder trainer = SparkTrainer.builder().calledBy(SparkTrainer.Caller.COMMAND_LINE).epochs(epochs)
          .batchSize(batch).seed(seed)
          .placement(SparkTrainer.Placement.COPY_TO_EVERY_WORKER)
          .checkpoint(HadoopFiles.child(output, CHECKPOINT))
          .listener(r -> System.out.printf(Locale.ROOT, "epoch %d: loss %.4f, accuracy %.4f, %.1f s%n", r.epoch(),
              r.trainingLoss(), r.trainingAccuracy(), r.seconds()));
      if (workers > 0) {
        trainer.workers(workers);
      }
      if (resume != null) {
        // its blocks too, which fix the arithmetic (SparkTrainer takes them), whatever the workers now
        trainer.resumeFrom(resume);
        int now = workers > 0 ? workers : spark.sparkContext().defaultParallelism();
        System.out.printf(Locale.ROOT, "resuming from %s: its seed %d, batches of %d rows cut into %d block%s, on %d "
            + "worker%s now%n", resume, seed, batch, saved.blocks(), saved.blocks() == 1 ? "" : "s", now,
            now == 1 ? "" : "s");
      }
      trainer.build().fit(network, train, "features", "label");
      // every epoch's results, those of a resumed run's earlier epochs too, as the last checkpoint records them
      String checkpoint = HadoopFiles.child(output, CHECKPOINT);
      List<EpochResult> history = ModelBytes.saved(HadoopFiles.read(checkpoint, files), engine, dataType, checkpoint)
          .progress().history();
      String modelFile = HadoopFiles.child(output, MODEL);
      HadoopFiles.write(modelFile, ModelBytes.of(network), files);
      HadoopFiles.write(HadoopFiles.child(output, "network.json"),
          NetworkSpecJson.write(spec).getBytes(StandardCharsets.UTF_8), files);
      Delta4jClassificationModel model = new Delta4jClassificationModel("delta4j-train", ModelBytes.of(network));
      model.setEngine(engine);
      ConfusionMatrix m = SparkEvaluation.evaluate(model, test, "label");
      List<String> classes = mnist.test().classNames();
      String report = ClassificationReport.report(String.format(Locale.ROOT, "Test accuracy: %.4f on %d images "
          + "(counted on the executors)", m.accuracy(), m.total()), m, classes);
      System.out.println();
      System.out.print(report);
      HadoopFiles.write(HadoopFiles.child(output, "test-report.txt"), report.getBytes(StandardCharsets.UTF_8), files);
      HadoopFiles.write(HadoopFiles.child(output, "confusion-matrix.png"), Charts.confusionMatrix(m, classes), files);
      HadoopFiles.write(HadoopFiles.child(output, "learning-curves.png"), Charts.learningCurves(history), files);
      System.out.println();
      System.out.println("model saved in " + modelFile + ", with network.json, learning-curves.png, test-report.txt "
          + "and confusion-matrix.png; checkpoints in " + output);
    } finally {
      if (spark != null) {
        spark.stop();
      }
      HadoopFiles.deleteEmptyDirectories(made, files);
    }
  }

  /** The network spec of {@code json}; a spec that is not valid is refused, its message after {@code prefix}. */
  private static NetworkSpec spec(String json, String prefix) {
    try {
      return NetworkSpecJson.read(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix + e.getMessage(), e);
    }
  }

  /** The data type {@code --dtype} names. */
  private static DataType named(String name) {
    try {
      return DataType.named(name);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--dtype: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a network that does not take a sample of {@code data} ({@link org.delta4j.data.Dataset#fitsInput}) or
   * does not give one score per class, naming {@code where} it came from and the sizes.
   */
  private static void requireFits(NetworkSpec spec, org.delta4j.data.Dataset data, String where) {
    if (!data.fitsInput(spec.input())) {
      throw new IllegalArgumentException(where + ": the network takes inputs of shape " + spec.input() + " ("
          + spec.input().size() + " values), but the images have " + data.featureShape().size() + " values ("
          + data.featureShape() + ")");
    }
    if (spec.outputShape().size() != data.numClasses()) {
      throw new IllegalArgumentException(where + ": the network gives outputs of shape " + spec.outputShape()
          + ", but the data has " + data.numClasses() + " classes");
    }
  }

  /** The engine {@code --engine} names, refused naming it when there is none of that name. */
  private static String engine(String name) {
    try {
      Engines.get(name);
      return name;
    } catch (EngineUnavailableException e) {
      throw new IllegalArgumentException("--engine " + name + ": " + e.getMessage(), e);
    }
  }

  /** The value of a count option, at least 1: {@code what} it counts names it in the error. */
  private static int atLeastOne(String option, String value, String what) {
    int v = integer(option, value);
    if (v < 1) {
      throw new IllegalArgumentException("option " + option + " takes a number of " + what + ", at least 1, not "
          + value);
    }
    return v;
  }

  private static int integer(String option, String value) {
    long v = whole(option, value);
    if (v != (int) v) {
      throw new UsageError("option " + option + " takes a whole number up to " + Integer.MAX_VALUE + ", not "
          + value);
    }
    return (int) v;
  }

  private static long whole(String option, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageError("option " + option + " takes a whole number, not '" + value + "'");
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
    return LocalFrames.of(spark, rows, schema, (long) Float.BYTES * width + Integer.BYTES);
  }

  /**
   * A command line that does not parse: an unknown option, one without its value, a value not of the option's type
   * (exit status 2, where picocli gives train's the same). A value of the right type that the run refuses, such as
   * {@code --epochs 0}, is an {@link IllegalArgumentException} of its own (exit status 1), as it is for train.
   */
  static final class UsageError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }

    UsageError(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
