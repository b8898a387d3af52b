package org.delta4j.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.delta4j.data.Dataset;
import org.delta4j.engine.Engines;
import org.delta4j.io.AtomicFiles;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SafeTensors;
import org.delta4j.io.SavedModel;
import org.delta4j.io.TrainingProgress;
import org.delta4j.nn.Network;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;
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
@Command(name = "train", mixinStandardHelpOptions = true, version = Delta4jCommand.VERSION, sortOptions = false,
    description = "Train a network, evaluate it on the test set, and write the model, report and charts.")
final class TrainCommand implements Callable<Integer> {
  static final String CHECKPOINT = "checkpoint.safetensors";
  static final String MODEL = "model.safetensors";
  static final String NETWORK = "network.json";
  static final String LEARNING_CURVES = "learning-curves.png";
  /** Every file a run writes in its directory (the lock and the temporary files of writes aside). */
  static final List<String> FILES = List.of(CHECKPOINT, MODEL, NETWORK, LEARNING_CURVES, TestResults.REPORT,
      TestResults.CONFUSION_MATRIX);
  /**
   * Test images per batch: the convolutional preset's work tensors grow with the batch (its second convolution's
   * im2col columns alone are 139 MB at 1,000 images), and the heap bin/delta4j gives the program is 1 GiB.
   */
  static final int EVALUATION_BATCH = 250;

  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Option(names = "--preset", defaultValue = "mlp", description = "Network preset: mlp (784-256-128-10, ReLU) or "
      + "cnn (conv 32 3×3, max-pool 2, conv 64 3×3, max-pool 2, dense 128, dense 10; for 28×28 images).")
  String preset;

  @Option(names = "--spec", paramLabel = "FILE", converter = Delta4jCommand.NamedPath.class,
      description = "A network spec file (JSON) instead of the preset; its optimizer and seed apply unless "
          + "--optimizer, --learning-rate, --constant-rate or --seed say otherwise.")
  Path specFile;

  @Option(names = "--engine", description = "Engine to use (default: " + ModelOptions.ENGINE_DEFAULT + ").")
  String engine;

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs to train (default: ${DEFAULT-VALUE}); with "
      + "--resume, more than the run planned extends it.")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer", description = "Any registered optimizer kind, with its defaults: sgd, momentum, "
      + "nesterov, adagrad, rmsprop, adam, adamw, or one a library adds (default: adam, or the spec file's).")
  String optimizer;

  @Option(names = "--learning-rate", description = "Base learning rate, cosine-annealed to 0 (default: 0.002, or "
      + "the spec file's for its own optimizer).")
  Double learningRate;

  @Option(names = "--constant-rate", description = "Keep the learning rate constant instead of cosine annealing.")
  boolean constantRate;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights, shuffles and splits (default: "
      + "${DEFAULT-VALUE}, or the spec file's).")
  long seed;

  @Option(names = "--validation-fraction", defaultValue = "0.1",
      description = "Fraction of the training data held out for validation (default: ${DEFAULT-VALUE}; 0: none).")
  double validationFraction;

  @Option(names = "--dtype", defaultValue = "FLOAT32", description = "FLOAT32 or FLOAT64.")
  DataType dataType;

  @Option(names = {"--output", "-o"}, paramLabel = "DIR", description = "Output directory (default: runs/<time>).")
  Path output;

  @Option(names = "--resume", description = "Continue the run in --output from its checkpoint, with the options it "
      + "was started with (given again, they must agree; --epochs may grow).")
  boolean resume;

  @Option(names = "--stop-after", paramLabel = "EPOCH",
      description = "Stop after this epoch, leaving a checkpoint to --resume from (the schedule still plans for "
          + "--epochs).")
  Integer stopAfter;

  /** The networks --preset names. */
  static final List<String> PRESETS = List.of("mlp", "cnn");

  /** The largest --batch-size and --epochs accepted: far beyond any use, far from overflowing a count. */
  static final int MAX_BATCH_SIZE = 1 << 20;
  static final int MAX_EPOCHS = 1_000_000;

  @Override
  public Integer call() throws IOException {
    Delta4jCommand.registerKinds();
    if (resume && output == null) {
      throw new IllegalArgumentException("--resume needs --output, the directory of the run to continue");
    }
    checkRange("--epochs", epochs, 1, MAX_EPOCHS);
    checkRange("--batch-size", batchSize, 1, MAX_BATCH_SIZE);
    checkValidationFraction(validationFraction);
    checkLearningRate(learningRate);
    checkKinds(optimizer, preset);
    if (!resume) { // a resumed run knows its epochs, data and network once its checkpoint is read
      checkStopAfter(0);
      refuseUnread();
    }
    Path dir = output != null ? output
        : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    try (OutputDirectory held = OutputDirectory.hold(dir)) {
      return train(held.path(), spec.commandLine().getOut());
    }
  }

  static void checkRange(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s must be a whole number from %,d to %,d, got %d",
          option, min, max, value));
    }
  }

  /** Refuses a --stop-after that is not after the {@code done} epochs and at most --epochs. */
  private void checkStopAfter(int done) {
    if (stopAfter != null && (stopAfter <= done || stopAfter > epochs)) {
      throw new IllegalArgumentException("--stop-after must be after the epochs already done (" + done
          + ") and at most --epochs (" + epochs + "), got " + stopAfter);
    }
  }

  /**
   * Refuses options the run would not read: the CSV file's options without --csv (see {@link
   * DataOptions#refuseCsvOptionsWithoutCsv}), and --preset beside --spec, which names the network instead (--preset has
   * a default, so only one given counts).
   */
  private void refuseUnread() {
    data.refuseCsvOptionsWithoutCsv(spec.commandLine().getParseResult());
    if (specFile != null && matched("--preset")) {
      throw new IllegalArgumentException("--preset " + preset + " and --spec " + specFile + " both name the network: "
          + "give one");
    }
  }

  /**
   * Refuses an --optimizer no library registers and a --preset that does not exist, naming the option and the choices,
   * before any data is read.
   */
  static void checkKinds(String optimizer, String preset) {
    if (optimizer != null) {
      KindRegistry.standard().optimizerKind(optimizer.toLowerCase(Locale.ROOT), "--optimizer " + optimizer);
    }
    if (preset != null && !PRESETS.contains(preset.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("unknown preset '" + preset + "'; the presets are: "
          + String.join(", ", PRESETS));
    }
  }

  static void checkValidationFraction(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("--validation-fraction must be in [0, 1), got " + fraction);
    }
  }

  static void checkLearningRate(Double rate) {
    if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
      throw new IllegalArgumentException("--learning-rate must be a positive number, got " + rate);
    }
  }

  private Integer train(Path dir, PrintWriter out) throws IOException {
    Path checkpoint = dir.resolve(CHECKPOINT);
    Path modelFile = dir.resolve(MODEL);
    RunConfiguration savedRun = null;
    if (resume) {
      if (!Files.isRegularFile(checkpoint)) {
        throw new IllegalArgumentException("--output " + dir + " holds no " + CHECKPOINT + " to resume from");
      }
      String json = ModelFiles.runConfiguration(checkpoint);
      if (json == null) {
        out.println("Note: " + checkpoint + " does not record its run's options; resuming with the options given");
      } else {
        savedRun = RunConfiguration.fromJson(json, checkpoint);
        adopt(savedRun, checkpoint);
      }
      refuseUnread();
      String completed = SafeTensors.readMetadata(checkpoint).get("completed_epochs");
      if (completed != null && completed.matches("\\d{1,9}")) { // else the full load below says what is wrong
        checkEpochs(dir, checkpoint, modelFile, Integer.parseInt(completed), planned(savedRun));
      }
    } else {
      refuseFilesOfTheRun(dir);
    }

    // A spec file is read before any data, and its seed is the run's unless --seed says otherwise: every option
    // this run records must be known before its first checkpoint.
    NetworkSpec fromFile = null;
    if (!resume && specFile != null) {
      fromFile = readSpecFile(specFile);
      if (!matched("--seed")) {
        seed = fromFile.seed();
      }
    }

    Engines.Selection selection = Engines.defaults().selection(ModelOptions.engine(engine));
    out.println("Engine: " + selection.engine().name() + " (" + selection.reason() + "): "
        + selection.engine().description());
    DataOptions.Loaded loaded = data.load(validationFraction, seed, out);
    out.println("Data: " + loaded.description() + "; training on " + loaded.training().size()
        + (loaded.validation() != null ? ", validating on " + loaded.validation().size() : "") + ", testing on "
        + loaded.test().size());
    String fingerprint = loaded.fingerprint();
    if (savedRun != null && savedRun.has(RunConfiguration.DATA)
        && !fingerprint.equals(savedRun.get(RunConfiguration.DATA))
        && !loaded.fingerprintWithoutTest().equals(savedRun.get(RunConfiguration.DATA))) {
      throw new IllegalArgumentException("the data has changed since the run in " + dir + " started: it ran on "
          + savedRun.get(RunConfiguration.DATA) + ", the data given now (" + loaded.description() + ") is "
          + fingerprint + "; the rest of the run would train or test on other samples. Resume with the data it "
          + "started on, or start a new run with another --output");
    }
    // The fingerprint sums the class indices; a class renamed where the sorted order keeps it ("cat" to "cow") keeps
    // them, and the run would end a model of classes it never trained on.
    List<String> started = savedRun == null ? null : savedRun.classes();
    if (started != null && !started.equals(loaded.training().classNames())) {
      throw new IllegalArgumentException("the data has changed since the run in " + dir + " started: its classes "
          + "were " + started + ", the data given now (" + loaded.description() + ") names "
          + loaded.training().classNames() + ". Resume with the data it started on, or start a new run with another "
          + "--output");
    }
    String numerics = selection.engine().numerics();
    if (savedRun != null && savedRun.has(RunConfiguration.NUMERICS)
        && !numerics.equals(savedRun.get(RunConfiguration.NUMERICS))) {
      out.println("Note: the run being resumed computed with " + savedRun.get(RunConfiguration.NUMERICS)
          + ", and this engine computes with " + numerics + ": the run continues, but its numbers are no longer "
          + "those of the run not interrupted to the last bit");
    }
    String run = configuration(selection.engine().name(), loaded.fashionMnistDirectory())
        .withClasses(loaded.training().classNames()).with(RunConfiguration.DATA, fingerprint)
        .with(RunConfiguration.NUMERICS, numerics).toJson();

    Network network;
    TrainingProgress progress;
    boolean finishOnly = false;
    if (resume) {
      SavedModel saved = ModelFiles.load(checkpoint, selection.engine(),
          savedRun != null || matched("--dtype") ? dataType : null);
      network = saved.network();
      progress = saved.progress();
      int done = progress.completedEpochs();
      checkProgress(checkpoint, progress, network.optimizer().iterations(), loaded.training().size(),
          savedRun != null);
      checkEpochs(dir, checkpoint, modelFile, done, planned(savedRun));
      if (done == epochs) {
        finishOnly = true;
        out.println("Resuming from " + checkpoint + ": all " + done + " epochs are done but " + MODEL
            + " was not written; finishing the run");
      } else {
        out.println("Resuming from " + checkpoint + " after epoch " + done);
      }
      if (epochs > planned(savedRun)) {
        network = extendSchedule(network, planned(savedRun), loaded, out);
      }
    } else {
      network = Network.create(networkSpec(fromFile, loaded), selection.engine(), dataType);
      progress = TrainingProgress.none();
    }
    // Every epoch ends in a checkpoint that writes the description, so one that would not read back (a kind whose
    // writeFields and reader disagree) is refused now, not after the first epoch's work
    try {
      NetworkSpecJson.write(network.spec());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the network cannot be saved, so no run is started: " + e.getMessage(), e);
    }
    out.println("Network: " + network.spec().summary());
    out.println(String.format(Locale.ROOT, "Training: %d epoch%s, batch size %d, seed %d, %s; output in %s",
        epochs, epochs == 1 ? "" : "s", batchSize, seed, network.dataType(), dir));
    out.flush();

    checkStopAfter(progress.completedEpochs());
    List<EpochResult> history = new ArrayList<>(progress.history());
    int completed = progress.completedEpochs();
    if (!finishOnly) {
      TrainingListener checkpoints = new TrainingListener() {
        @Override
        public void onEpochEnd(Network n, EpochResult r) {
          history.add(r);
          try {
            ModelFiles.save(n, new TrainingProgress(r.epoch(), history), run, checkpoint);
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
      completed = h.last().epoch();
    }

    if (stopAfter != null && stopAfter < epochs) {
      out.println("Stopped after epoch " + stopAfter + " of " + epochs + "; continue with --resume --output " + dir);
      out.flush();
      return 0;
    }
    boolean curves = Charts.learningCurves(history, dir.resolve(LEARNING_CURVES), out);
    AtomicFiles.writeString(dir.resolve(NETWORK), NetworkSpecJson.write(network.spec()));
    Evaluation test = Evaluation.of(network, loaded.test(), TrainCommand.EVALUATION_BATCH);
    List<String> reports = TestResults.report(test, loaded.test().classNames(), out, dir);
    // The model last: a written model marks the run complete, so a run stopped before it (killed during the test
    // evaluation, or a report that cannot be written) is one that --resume finishes, reports and all. A chart that
    // cannot be drawn would fail the same way on every resume, so it is left out (Charts.write), not fatal.
    ModelFiles.save(network, new TrainingProgress(completed, history), run, modelFile);
    out.println();
    out.println("Wrote " + modelFile + (curves ? ", " + LEARNING_CURVES + ", " : ", ") + String.join(", ", reports));
    out.flush();
    return 0;
  }

  /**
   * Refuses a new run in a directory that holds any file the run would write, naming it: an earlier run's model or
   * checkpoint (which --resume continues), its reports and charts, or a file of the user's own (given --spec
   * d/network.json and -o d, the run wrote its own network.json over the spec file).
   */
  private static void refuseFilesOfTheRun(Path dir) {
    if (Files.exists(dir.resolve(CHECKPOINT)) || Files.exists(dir.resolve(MODEL))) {
      throw new IllegalArgumentException("--output " + dir + " already holds a run (" + (Files.exists(dir.resolve(
          MODEL)) ? MODEL : CHECKPOINT) + "); continue it with --resume, or choose another --output");
    }
    // a link too: the write would replace it
    Delta4jCommand.refuseFilesOfARun(dir.toString(),
        file -> Files.exists(dir.resolve(file), LinkOption.NOFOLLOW_LINKS));
  }

  /** The epochs the resumed run planned: as it recorded, or (for a checkpoint without its options) as given. */
  private int planned(RunConfiguration savedRun) {
    return savedRun != null ? Integer.parseInt(savedRun.get("--epochs")) : epochs;
  }

  /**
   * Refuses a checkpoint whose records disagree: every epoch of a run makes one update a batch and adds one result to
   * the history, so its completed epochs, its history and its optimizer's update count agree, and a file altered
   * since (or a forged one) would resume a run at another epoch or point of the schedule without a word. The update
   * count is checked when the file records its run's batch size ({@code recorded}), which this run then has.
   */
  private void checkProgress(Path checkpoint, TrainingProgress progress, long updates, int samples,
      boolean recorded) {
    int done = progress.completedEpochs();
    List<EpochResult> history = progress.history();
    List<Integer> numbered = history.stream().map(EpochResult::epoch).toList();
    if (!numbered.equals(java.util.stream.IntStream.rangeClosed(1, done).boxed().toList())) { // 1, 2, …, done
      throw new IllegalArgumentException(checkpoint + " contradicts itself: it records " + done + " completed "
          + "epoch" + (done == 1 ? "" : "s") + " but a history of the epochs " + numbered + " (the file was altered, "
          + "or not written by a run of this program); start a new run with another --output");
    }
    long batches = ((long) samples + batchSize - 1) / batchSize;
    if (recorded && updates != done * batches) {
      throw new IllegalArgumentException(checkpoint + " contradicts itself: its " + done + " completed epoch"
          + (done == 1 ? "" : "s") + " of " + batches + " batch" + (batches == 1 ? "" : "es") + " (" + samples
          + " samples in batches of " + batchSize + ") make " + done * batches + " updates, but its optimizer "
          + "records " + updates + " (the file was altered, or not written by a run of this program); start a new "
          + "run with another --output");
    }
  }

  /**
   * Refuses --epochs below what the run has done or planned, and a run already complete; checked from the checkpoint's
   * metadata before any data is read, and again once it is loaded.
   */
  private void checkEpochs(Path dir, Path checkpoint, Path modelFile, int done, int planned) {
    if (epochs < done) {
      throw new IllegalArgumentException("--epochs " + epochs + " is fewer than the " + done
          + " epochs the run in " + dir + " has done");
    }
    if (epochs < planned) {
      throw new IllegalArgumentException("--epochs " + epochs + " conflicts with the run in " + dir
          + ", which plans " + planned + " epochs: --epochs may only grow; to stop early use --stop-after");
    }
    if (done == epochs && complete(modelFile, done)) {
      throw new IllegalArgumentException(checkpoint + " has already completed " + done + " epochs and "
          + MODEL + " is written: the run is complete; ask for more with --epochs");
    }
  }

  /**
   * Whether a model file is there, reads whole (its contents matching their checksum: a header alone is what a write
   * cut short, or a damaged file, still has) and is the model of the {@code done} epochs: a run extended with --epochs
   * and stopped before its model was written still holds the shorter run's.
   */
  private static boolean complete(Path modelFile, int done) {
    try {
      if (!Files.isRegularFile(modelFile)) {
        return false;
      }
      Map<String, String> meta = SafeTensors.read(modelFile).metadata();
      return meta.get(ModelFiles.RUN) != null && String.valueOf(done).equals(meta.get("completed_epochs"));
    } catch (IOException e) {
      return false;
    }
  }

  private boolean matched(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** This run's options as they are saved in its checkpoints (the engine and data directory as resolved). */
  RunConfiguration configuration(String engineName, Path fashionMnistDirectory) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("--engine", engineName);
    v.put("--dtype", dataType.name());
    v.put("--seed", String.valueOf(seed));
    v.put("--batch-size", String.valueOf(batchSize));
    v.put("--validation-fraction", String.valueOf(validationFraction));
    v.put("--epochs", String.valueOf(epochs));
    v.put("--optimizer", optimizer);
    v.put("--learning-rate", learningRate == null ? null : String.valueOf(learningRate));
    v.put("--constant-rate", String.valueOf(constantRate));
    v.put("--preset", preset);
    v.put("--spec", RunConfiguration.path(specFile));
    v.put("--data", RunConfiguration.path(fashionMnistDirectory));
    v.put("--csv", RunConfiguration.path(data.csv));
    v.put("--label-column", String.valueOf(data.labelColumn));
    v.put("--header", String.valueOf(data.header));
    return new RunConfiguration(v);
  }

  /**
   * Takes the saved run's options, refusing any given again with another value (but those that may change); the
   * error names both values.
   */
  private void adopt(RunConfiguration saved, Path checkpoint) {
    RunConfiguration given = configuration(engine, data.fashionMnist.directory);
    for (String option : saved.values().keySet()) {
      if (option.startsWith("--") && matched(option) && !RunConfiguration.MAY_CHANGE.contains(option)
          && !saved.agrees(option, given.get(option))) {
        throw new IllegalArgumentException(option + " " + given.get(option) + " conflicts with the run being resumed, "
            + (saved.get(option) == null ? "which was started without " + option + ", as its default"
                : "which used " + option + " " + saved.get(option)) + " (" + checkpoint + "); leave it out to resume "
            + "that run, or start a new one with another --output");
      }
    }
    // Every checkpoint records every option; one without some would resume with the defaults in their place, which
    // need not be what its run used.
    List<String> missing = new ArrayList<>(configuration(engine, null).values().keySet());
    missing.removeAll(saved.values().keySet());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(checkpoint + ": the saved run configuration lacks "
          + String.join(", ", missing) + "; a resume could not repeat the run");
    }
    // The saved values pass the checks the options pass: a damaged file must not run what no command line could.
    for (Map.Entry<String, String> e : saved.values().entrySet()) {
      String v = e.getValue();
      if (!e.getKey().startsWith("--")) {
        continue; // what the run learned of its data, such as its classes; no option
      }
      try {
        switch (e.getKey()) {
          case "--engine" -> engine = v;
          case "--dtype" -> dataType = DataType.named(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--batch-size" -> {
            batchSize = Integer.parseInt(v);
            checkRange("--batch-size", batchSize, 1, MAX_BATCH_SIZE);
          }
          case "--validation-fraction" -> {
            validationFraction = Double.parseDouble(v);
            checkValidationFraction(validationFraction);
          }
          case "--epochs" -> {
            checkRange("--epochs", Integer.parseInt(v), 1, MAX_EPOCHS);
            epochs = matched("--epochs") ? epochs : Integer.parseInt(v);
          }
          case "--optimizer" -> optimizer = v;
          case "--learning-rate" -> {
            learningRate = v == null ? null : Double.valueOf(v);
            checkLearningRate(learningRate);
          }
          case "--constant-rate" -> constantRate = Boolean.parseBoolean(v);
          case "--preset" -> preset = v;
          case "--spec" -> specFile = v == null ? null : Path.of(v);
          case "--data" -> data.fashionMnist.directory = v == null ? null : Path.of(v);
          case "--csv" -> data.csv = v == null ? null : Path.of(v);
          case "--label-column" -> data.labelColumn = Integer.parseInt(v);
          case "--header" -> data.header = Boolean.parseBoolean(v);
          default -> throw new IllegalArgumentException("unknown option");
        }
      } catch (RuntimeException bad) {
        throw new IllegalArgumentException(checkpoint + ": the saved run configuration has an invalid " + e.getKey()
            + " '" + v + "' (" + bad.getMessage() + ")", bad);
      }
    }
  }

  /**
   * A run extended past the epochs it planned: an optimizer built from the options gets its schedule stretched over
   * the new length, continuing from the updates already made (the weights, buffers and optimizer state carried
   * over); a spec file's own optimizer keeps its schedule. Either way the program says which.
   */
  private Network extendSchedule(Network n, int planned, DataOptions.Loaded loaded, PrintWriter out) {
    if (specFile != null && !optionsSetTheOptimizer()) {
      out.println("Extending the run from " + planned + " to " + epochs + " epochs; the spec file's learning-rate "
          + "schedule is kept as it is");
      return n;
    }
    // The run's own optimizer stands for the spec file's: it has the file's kind and settings where the options kept
    // them, and the options' rate.
    OptimizerSpec stretched = optimizerSpec(specFile != null ? n.spec().optimizer() : null, optimizer, learningRate,
        constantRate, batches(loaded) * epochs);
    Network fresh = Network.create(n.spec().withOptimizer(stretched), n.engine(), n.dataType());
    for (int i = 0; i < fresh.parameters().size(); i++) {
      fresh.parameters().get(i).value().copyFrom(n.parameters().get(i).value().toDoubleArray());
    }
    // the buffers too: batch norm's running statistics, which inference reads, would otherwise start again from 0 and 1
    n.buffers().forEach((name, t) -> fresh.buffers().get(name).copyFrom(t.toDoubleArray()));
    Map<String, Tensor> old = n.optimizer().state();
    fresh.optimizer().state().forEach((name, t) -> t.copyFrom(old.get(name).toDoubleArray()));
    fresh.optimizer().restore(n.optimizer().iterations());
    out.println(String.format(Locale.ROOT, "Extending the run from %d to %d epochs: the learning-rate schedule now "
        + "spans %d epochs, continuing after update %d at rate %.3g", planned, epochs, epochs,
        n.optimizer().iterations(), fresh.optimizer().currentLearningRate()));
    return fresh;
  }

  private long batches(DataOptions.Loaded loaded) {
    return (loaded.training().size() + (long) batchSize - 1) / batchSize;
  }

  /**
   * Refuses a spec file's cosine schedule that anneals the rate to 0 before the run's last update: the updates past its
   * end would change nothing (a network.json written by a run of 1 epoch, given to a run of 4, trained 3 epochs at a
   * rate of 0 without a word). A schedule that ends at a rate above 0 goes on at that rate, as its spec says.
   */
  private void requireRateToTheEnd(OptimizerSpec optimizer, long updates) {
    if (optimizer.schedule() instanceof LearningRateSchedule.CosineDecay c && c.minFraction() == 0
        && c.totalSteps() < updates) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--spec %s: its cosine schedule anneals the "
          + "learning rate to 0 over %,d updates, but this run makes %,d (%d epoch%s of %,d batches), so the last "
          + "%,d would change nothing: set its total_steps to %d, or let the run set the schedule with "
          + "--learning-rate or --constant-rate", specFile, c.totalSteps(), updates, epochs, epochs == 1 ? "" : "s",
          updates / epochs, updates - c.totalSteps(), updates));
    }
  }

  /** Whether an option says something of the optimizer, which a spec file's then gives way to. */
  private boolean optionsSetTheOptimizer() {
    return optimizer != null || learningRate != null || constantRate;
  }

  /** The network spec file, refused naming --spec and the file when it cannot be read or described. */
  private static NetworkSpec readSpecFile(Path file) {
    String json;
    try {
      json = NetworkSpecJson.readFile(file);
    } catch (IllegalArgumentException e) { // the message starts with the file
      throw new IllegalArgumentException("--spec " + e.getMessage(), e);
    }
    try {
      return NetworkSpecJson.read(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--spec " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a spec file whose network cannot read the data's samples (flat samples of as many values feed an image
   * input, as in training) or whose outputs are not the data's targets, naming the file and both shapes.
   */
  private void requireFits(NetworkSpec fromFile, Dataset training) {
    if (!training.fitsInput(fromFile.input())) {
      throw new IllegalArgumentException("--spec " + specFile + " takes samples of shape " + fromFile.input()
          + " but the data's have shape " + training.featureShape());
    }
    if (!training.targetShape().equals(fromFile.outputShape())) {
      throw new IllegalArgumentException("--spec " + specFile + " gives outputs of shape " + fromFile.outputShape()
          + " but the data's targets have shape " + training.targetShape()
          + (training.isClassification() ? " (" + training.numClasses() + " classes " + training.classNames() + ")"
              : ""));
    }
  }

  /**
   * The network: the spec file's ({@code fromFile}, with its optimizer as the options have it), or the preset sized
   * to the data, with the optimizer the options name.
   */
  private NetworkSpec networkSpec(NetworkSpec fromFile, DataOptions.Loaded loaded) {
    NetworkSpec base;
    if (fromFile != null) {
      requireFits(fromFile, loaded.training());
      base = fromFile.withSeed(seed);
      if (!optionsSetTheOptimizer()) {
        requireRateToTheEnd(base.optimizer(), batches(loaded) * epochs);
        return base;
      }
      return base.withOptimizer(optimizerSpec(base.optimizer(), optimizer, learningRate, constantRate,
          batches(loaded) * epochs));
    }
    String presetName = preset.toLowerCase(Locale.ROOT); // values in any case, as the other options' names
    if (presetName.equals("mlp")) {
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
    } else if (presetName.equals("cnn")) {
      if (loaded.training().featureShape().size() != 28 * 28) {
        throw new IllegalArgumentException("the cnn preset takes 28×28 grey images (784 values), but the data's "
            + "samples have shape " + loaded.training().featureShape());
      }
      base = FashionMnistCnn.spec(loaded.training().numClasses(), seed);
    } else {
      throw new IllegalStateException("cannot happen: --preset " + preset + " was checked against " + PRESETS);
    }
    return base.withOptimizer(optimizerSpec(null, optimizer, learningRate, constantRate, batches(loaded) * epochs));
  }

  /**
   * The optimizer of a run of {@code updates} updates, as the options say: the kind {@code optimizer} (null: the spec
   * file's, else Adam) at the rate {@code learningRate} (null: the spec file's for its own kind, else 2e-3), the rate
   * cosine-annealed to 0 over the updates unless {@code constantRate}. The spec file's optimizer {@code fromFile} (null
   * for a preset) keeps its other settings (β's, momentum, weight decay...) when the kind is its own; another kind
   * has that kind's defaults.
   */
  static OptimizerSpec optimizerSpec(OptimizerSpec fromFile, String optimizer, Double learningRate,
      boolean constantRate, long updates) {
    LearningRateSchedule schedule = constantRate ? new LearningRateSchedule.Constant()
        : new LearningRateSchedule.CosineDecay(Math.max(1, updates), 0);
    String type = optimizer != null ? optimizer : fromFile != null ? fromFile.type() : OptimizerSpec.Adam.TYPE;
    if (fromFile == null || !type.equalsIgnoreCase(fromFile.type())) {
      return NetworkSpecJson.optimizer(type, learningRate != null ? learningRate : 2e-3, schedule);
    }
    ObjectNode own = JsonNodeFactory.instance.objectNode().put("type", fromFile.type());
    fromFile.writeFields(new FieldWriter(own));
    new FieldWriter(own).put("learning_rate", learningRate != null ? learningRate : fromFile.learningRate())
        .put("weight_decay", fromFile.weightDecay()).put("schedule", schedule);
    return NetworkSpecJson.readOptimizer(own.toString());
  }
}
