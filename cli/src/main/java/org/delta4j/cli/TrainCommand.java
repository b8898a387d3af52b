package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.delta4j.engine.Engines;
import org.delta4j.io.AtomicFiles;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SavedModel;
import org.delta4j.io.TrainingProgress;
import org.delta4j.nn.Network;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.train.EpochResult;
import org.delta4j.train.Evaluation;
import org.delta4j.train.History;
import org.delta4j.train.Trainer;
import org.delta4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code delta4j train}: trains a network, checkpointing every epoch, then evaluates it on the test set and writes the
 * model, a report and charts to the output directory. With no options: the MLP 784-256-128-10 on Fashion-MNIST with
 * the fastest engine available.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train a network, evaluate it on the test set, and write the model, report and charts.")
final class TrainCommand implements Callable<Integer> {
  static final String CHECKPOINT = "checkpoint.safetensors";
  static final String MODEL = "model.safetensors";

  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Option(names = "--preset", defaultValue = "mlp", description = "Network preset: mlp (784-256-128-10, ReLU).")
  String preset;

  @Option(names = "--spec", paramLabel = "FILE", description = "A network spec file (JSON) instead of the preset.")
  Path specFile;

  @Option(names = "--engine", description = "Engine to use (default: the fastest available; see `delta4j engines`).")
  String engine;

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer", description = "Any registered optimizer kind, with its defaults: sgd, momentum, "
      + "nesterov, adagrad, rmsprop, adam, adamw, or one a library adds (default: adam, or the spec file's).")
  String optimizer;

  @Option(names = "--learning-rate", description = "Base learning rate (default: 0.002, cosine-annealed to 0).")
  Double learningRate;

  @Option(names = "--constant-rate", description = "Keep the learning rate constant instead of cosine annealing.")
  boolean constantRate;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights, shuffles and splits.")
  long seed;

  @Option(names = "--validation-fraction", defaultValue = "0.1",
      description = "Fraction of the training data held out for validation (default: ${DEFAULT-VALUE}; 0: none).")
  double validationFraction;

  @Option(names = "--dtype", defaultValue = "FLOAT32", description = "FLOAT32 or FLOAT64.")
  DataType dataType;

  @Option(names = {"--output", "-o"}, paramLabel = "DIR", description = "Output directory (default: runs/<time>).")
  Path output;

  @Option(names = "--resume", description = "Continue from the checkpoint in the output directory.")
  boolean resume;

  @Option(names = "--stop-after", paramLabel = "EPOCH",
      description = "Stop after this epoch, leaving a checkpoint to --resume from (the schedule still plans for "
          + "--epochs).")
  Integer stopAfter;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (resume && output == null) {
      throw new IllegalArgumentException("--resume needs --output, the directory of the run to continue");
    }
    if (epochs < 1 || batchSize < 1) {
      throw new IllegalArgumentException("--epochs and --batch-size must be at least 1");
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("--validation-fraction must be in [0, 1), got " + validationFraction);
    }
    Path dir = output != null ? output
        : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);

    Engines.Selection selection = Engines.defaults().selection(engine);
    out.println("Engine: " + selection.engine().name() + " (" + selection.reason() + "): "
        + selection.engine().description());
    DataOptions.Loaded loaded = data.load(validationFraction, seed, out);
    out.println("Data: " + loaded.description() + "; training on " + loaded.training().size()
        + (loaded.validation() != null ? ", validating on " + loaded.validation().size() : "") + ", testing on "
        + loaded.test().size());

    Network network;
    TrainingProgress progress;
    Path checkpoint = dir.resolve(CHECKPOINT);
    if (resume) {
      SavedModel saved = ModelFiles.load(checkpoint, selection.engine(), dataType);
      network = saved.network();
      progress = saved.progress();
      if (progress.completedEpochs() >= epochs) {
        throw new IllegalArgumentException(checkpoint + " has already completed " + progress.completedEpochs()
            + " epochs; ask for more with --epochs");
      }
      out.println("Resuming from " + checkpoint + " after epoch " + progress.completedEpochs());
    } else {
      network = Network.create(networkSpec(loaded), selection.engine(), dataType);
      progress = TrainingProgress.none();
    }
    out.println("Network: " + network.spec().summary());
    out.println(String.format(Locale.ROOT, "Training: %d epochs, batch size %d, seed %d, %s; output in %s", epochs,
        batchSize, seed, dataType, dir));
    out.flush();

    if (stopAfter != null && (stopAfter <= progress.completedEpochs() || stopAfter > epochs)) {
      throw new IllegalArgumentException("--stop-after must be after the epochs already done ("
          + progress.completedEpochs() + ") and at most --epochs (" + epochs + "), got " + stopAfter);
    }
    List<EpochResult> history = new ArrayList<>(progress.history());
    TrainingListener checkpoints = new TrainingListener() {
      @Override
      public void onEpochEnd(Network n, EpochResult r) {
        history.add(r);
        try {
          ModelFiles.save(n, new TrainingProgress(r.epoch(), history), checkpoint);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    History h = Trainer.builder().epochs(stopAfter != null ? stopAfter : epochs).batchSize(batchSize).seed(seed)
        .validation(loaded.validation())
        .firstEpoch(progress.completedEpochs() + 1)
        .listener(new ProgressReporter(out, System.err)).listener(checkpoints).build()
        .fit(network, loaded.training());

    if (stopAfter != null && stopAfter < epochs) {
      out.println("Stopped after epoch " + stopAfter + " of " + epochs + "; continue with --resume --output " + dir);
      out.flush();
      return 0;
    }
    ModelFiles.save(network, new TrainingProgress(h.last().epoch(), history), dir.resolve(MODEL));
    Charts.learningCurves(history, dir.resolve("learning-curves.png"));
    AtomicFiles.writeString(dir.resolve("network.json"), NetworkSpecJson.write(network.spec()));
    Evaluation test = Evaluation.of(network, loaded.test(), 1000);
    TestResults.report(test, loaded.test().classNames(), out, dir);
    out.println();
    out.println("Wrote " + dir.resolve(MODEL) + ", learning-curves.png, confusion-matrix.png, test-report.txt");
    out.flush();
    return 0;
  }

  /** The network: the spec file's, or the preset sized to the data, with the optimizer options applied. */
  private NetworkSpec networkSpec(DataOptions.Loaded loaded) throws IOException {
    long batches = (loaded.training().size() + batchSize - 1) / batchSize;
    NetworkSpec base;
    if (specFile != null) {
      base = NetworkSpecJson.read(Files.readString(specFile)).withSeed(seed);
      if (optimizer == null && learningRate == null) {
        return base;
      }
    } else if (preset.equals("mlp")) {
      // The default network is written in the DSL (FashionMnistMlpSpec); data of another size gets the same layers.
      // He initialisation suits ReLU; with Adam at 2e-3 annealed to 0 it reaches 88–89 % in five epochs, where the
      // usual Xavier and a constant 1e-3 stop near 87.5 %.
      NetworkSpec mlp = FashionMnistMlpNetwork.SPEC;
      boolean fits = loaded.training().featureShape().equals(mlp.input())
          && loaded.training().numClasses() == mlp.outputShape().size();
      base = fits ? mlp.withSeed(seed) : NetworkSpec.builder().input(loaded.training().featureShape().dims())
          .dense(256, Initializer.heUniform()).relu().dense(128, Initializer.heUniform()).relu()
          .dense(loaded.training().numClasses(), Initializer.heUniform())
          .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).seed(seed).build();
    } else {
      throw new IllegalArgumentException("unknown preset '" + preset + "'; the presets are: mlp");
    }
    double rate = learningRate != null ? learningRate : 2e-3;
    LearningRateSchedule schedule = constantRate ? new LearningRateSchedule.Constant()
        : new LearningRateSchedule.CosineDecay(Math.max(1, batches * epochs), 0);
    OptimizerSpec o = NetworkSpecJson.optimizer(optimizer == null ? OptimizerSpec.Adam.TYPE : optimizer, rate,
        schedule);
    return base.withOptimizer(o);
  }
}
