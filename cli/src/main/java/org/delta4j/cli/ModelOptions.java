package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.Dataset;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.SavedModel;
import org.delta4j.nn.Network;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** A saved model to use and the engine to run it on; shared by the commands that read a model. */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "FILE", converter = Delta4jCommand.NamedPath.class,
      description = "A model saved by train.")
  Path model;

  /** Which engine runs when --engine is not given: the selection order of {@link Engines}, as bin/delta4j sets it. */
  static final String ENGINE_DEFAULT = "-Ddelta4j.engine, else $DELTA4J_ENGINE, which bin/delta4j sets to ref unless "
      + "it is set, else the available engine of highest priority; see `delta4j engines`";

  @Option(names = "--engine", description = "Engine to use (default: " + ENGINE_DEFAULT + ").")
  String engine;

  @Option(names = "--seed", description = "Seed of the CSV test split (default: the one the model was trained with, "
      + "as its file records, else 42).")
  Long seed;

  @Option(names = "--all-samples", description = "With --csv: use every sample of the file, data the model never "
      + "saw, rather than the test part its training run held out of its own CSV file.")
  boolean allSamples;

  /**
   * Refuses options that would go unread, before the model is read: the CSV file's options without --csv (see {@link
   * DataOptions#refuseCsvOptionsWithoutCsv}) and --all-samples, which takes a --csv file whole, without one; and --seed
   * where it draws nothing, Fashion-MNIST's test set being fixed and --all-samples taking a file whole.
   */
  void refuseUnread(DataOptions data, ParseResult given) {
    data.refuseCsvOptionsWithoutCsv(given);
    if (allSamples && data.csv == null) {
      throw new IllegalArgumentException("--all-samples takes every sample of a --csv file; Fashion-MNIST's test "
          + "set is scored whole without it");
    }
    if (seed != null && data.csv == null) {
      throw new IllegalArgumentException("--seed " + seed + " applies only to --csv, whose test part it draws: "
          + "Fashion-MNIST's test set is fixed");
    }
    if (seed != null && allSamples) {
      throw new IllegalArgumentException("--seed " + seed + " draws a --csv file's test part, and --all-samples takes "
          + "every sample: give one");
    }
  }

  /**
   * The samples to score. Without --csv, Fashion-MNIST's test set. With --csv, the test part the model's training run
   * held out of the file, which must be that run's data as the run read it: the run's fingerprint of its training,
   * validation and test parts is compared with the file's, split by the run's seed and validation fraction, since
   * another file, another seed or a row added would draw a test part holding samples the model trained on. With
   * --all-samples, every sample of the file, in the model's classes (a file that lacks some of them is scored
   * against all of them).
   */
  DataOptions.Loaded testData(DataOptions data, ParseResult given, PrintWriter out) throws IOException {
    if (data.csv == null) { // --all-samples refused by refuseUnread
      return data.load(0, seed(), out);
    }
    readCsvAsTrained(data, given, out);
    RunConfiguration saved = savedRun();
    List<String> trained = saved == null ? null : saved.classes();
    if (allSamples) {
      Dataset all = data.loadAll();
      return new DataOptions.Loaded(String.format(java.util.Locale.ROOT, "%s: all %d samples (--all-samples)",
          data.csv, all.size()), null, null, trained == null ? all : inClasses(all, trained), null);
    }
    boolean fromCsv = saved != null && saved.get("--csv") != null;
    if (saved != null && saved.has(RunConfiguration.DATA) && !fromCsv) {
      throw new IllegalArgumentException(model + " was trained on Fashion-MNIST, so no part of " + data.csv
          + " was held out for testing it: give --all-samples to use every sample of the file");
    }
    if (!fromCsv || !saved.has(RunConfiguration.DATA) || saved.get("--validation-fraction") == null) {
      // a model saved before runs recorded their data: its test part is drawn as the run drew it, unchecked
      return data.load(0, seed(), out);
    }
    double fraction;
    try {
      fraction = Double.parseDouble(saved.get("--validation-fraction"));
      // as train checks it: a fraction out of range was refused by the split, naming neither the file nor the option
      TrainCommand.checkValidationFraction(fraction);
    } catch (IllegalArgumentException e) { // NumberFormatException among them
      throw new IllegalArgumentException(model + ": the recorded --validation-fraction '"
          + saved.get("--validation-fraction") + "' is not a number in [0, 1)", e);
    }
    DataOptions.Loaded loaded = data.load(fraction, seed(), out);
    String recorded = saved.get(RunConfiguration.DATA);
    if (!recorded.equals(loaded.fingerprint()) && !recorded.equals(loaded.fingerprintWithoutTest())) {
      throw new IllegalArgumentException(data.csv + " split by seed " + seed() + " is not the data " + model
          + " was trained on (its run recorded " + recorded + "; this gives " + loaded.fingerprint() + "), so its "
          + "test part is not the one the run held out and may hold samples the model trained on: give the run's "
          + "file as it was" + (seed != null ? " without --seed" : "") + trainedOn(saved) + ", or --all-samples to "
          + "use every sample of data the model never saw");
    }
    return loaded;
  }

  /**
   * {@code data} with its labels as indices of the model's classes {@code trained}: data that lacks some of them is
   * scored against all; a class the model does not know is refused, naming it.
   */
  private Dataset inClasses(Dataset data, List<String> trained) {
    if (data.classNames().equals(trained)) {
      return data;
    }
    // As checkFits reads them: labels are the outputs' indices unless the model's classes are named by numbers. Each
    // label is the index it spells, not its place among the file's labels: a file of only some of the classes (3 and
    // 5, or 0, 1 and 3) was refused, naming a label the model's outputs have, where one of 0, 1 and 2 was scored.
    boolean indices = trained.stream().noneMatch(ModelOptions::isNumber)
        && data.classNames().stream().allMatch(name -> name.matches("0|[1-9][0-9]{0,8}"));
    BigDecimal[] values = values(trained, data.classNames());
    int[] index = new int[data.numClasses()];
    for (int c = 0; c < index.length; c++) {
      String name = data.classNames().get(c);
      index[c] = indices ? (Integer.parseInt(name) < trained.size() ? Integer.parseInt(name) : -1)
          : classIndex(trained, values, name);
      if (index[c] < 0) {
        throw new IllegalArgumentException(model + " was trained on the classes " + trained + ", and the data's class "
            + "'" + data.classNames().get(c) + "' is none of them; use data labelled as the model's was");
      }
    }
    int n = data.size();
    int f = data.featureShape().intSize();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    float[] x = new float[n * f];
    data.fill(order, 0, n, x, new float[n * data.targetShape().intSize()]);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = index[data.label(i)];
    }
    return ArrayDataset.adopting(x, data.featureShape(), labels, trained.size(), trained);
  }

  /** The seed given, else the one the model's training run recorded, else 42 (the training default). */
  long seed() throws IOException {
    if (seed != null) {
      return seed;
    }
    RunConfiguration run = savedRun();
    String saved = run == null ? null : run.get("--seed");
    try {
      return saved == null ? 42 : Long.parseLong(saved);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(model + ": the recorded --seed '" + saved + "' is not a whole number", e);
    }
  }

  /**
   * Reads a CSV file as the model's training run read its own: its --label-column and --header where the command
   * line gives none, said on {@code out}. Evaluated with the defaults (the last column, no header line), a file whose
   * label the run took from column 0 was scored against another column without a word.
   */
  private void readCsvAsTrained(DataOptions data, ParseResult given, PrintWriter out) throws IOException {
    RunConfiguration saved = data.csv == null ? null : savedRun();
    if (saved == null || saved.get("--csv") == null) {
      return;
    }
    List<String> taken = new ArrayList<>();
    String label = saved.get("--label-column");
    if (!given.hasMatchedOption("--label-column") && label != null && !label.equals(String.valueOf(data.labelColumn))) {
      try {
        data.labelColumn = Integer.parseInt(label);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(model + ": the recorded --label-column '" + label + "' is not a whole "
            + "number", e);
      }
      taken.add("--label-column " + label);
    }
    if (!given.hasMatchedOption("--header") && "true".equals(saved.get("--header")) && !data.header) {
      data.header = true;
      taken.add("--header");
    }
    if (!taken.isEmpty()) {
      out.println("Reading " + data.csv + " as the model's training run read its CSV file: " + String.join(" ", taken)
          + " (give them to read it otherwise)");
    }
  }

  /** The options of the run that trained the model, as its file records them; null when it records none. */
  private RunConfiguration savedRun() throws IOException {
    String run = ModelFiles.runConfiguration(model);
    return run == null ? null : RunConfiguration.fromJson(run, model);
  }

  /**
   * The --engine option as given, refused when empty: the selection would take an empty name for none and pick the
   * default without a word.
   */
  static String engine(String given) {
    if (given != null && given.isBlank()) {
      throw new IllegalArgumentException("--engine is empty: name an engine (see `delta4j engines`), or leave the "
          + "option out for " + ENGINE_DEFAULT);
    }
    return given;
  }

  SavedModel load() throws IOException {
    return ModelFiles.load(model, Engines.get(engine(engine)));
  }

  /**
   * Refuses data the model cannot read: samples of another shape (flat samples of as many values feed an image input,
   * as in training), or another number of classes (both named).
   */
  void checkFits(Network network, Dataset data) throws IOException {
    RunConfiguration saved = savedRun();
    if (!data.fitsInput(network.spec().input())) {
      throw new IllegalArgumentException(model + " takes samples of shape " + network.spec().input()
          + " but the data's have shape " + data.featureShape() + trainedOn(saved));
    }
    long classes = network.outputShape().size();
    if (classes != data.numClasses()) {
      throw new IllegalArgumentException(model + " predicts " + classes + " classes but the data has "
          + data.numClasses() + " " + data.classNames() + "; use the data the model was trained on"
          + trainedOn(saved));
    }
    // Classes are matched to the outputs by their sorted names, so another set of names of the same number would be
    // scored against the wrong outputs. Labels 0..K-1 are the outputs' indices, as any model's classes are, unless
    // the model's own classes are named by numbers: then a label is a class's name (a test file labelled 0, 1, 2 was
    // scored by position against a model of the classes 1, 2, 3).
    List<String> trained = saved == null ? null : saved.classes();
    boolean indicesTaken = labelsAreIndices(data.classNames(), trained);
    if (trained != null && !indicesTaken && !sameClasses(trained, data.classNames())) {
      throw new IllegalArgumentException(model + " was trained on the classes " + trained + " but the data's are "
          + data.classNames() + "; use data labelled as the model's was");
    }
  }

  /**
   * Where the model's run took its data, when that was a CSV file: the options that read it again (the model does not
   * hold its data, and without --csv the commands read Fashion-MNIST); else nothing.
   */
  private static String trainedOn(RunConfiguration saved) {
    String csv = saved == null ? null : saved.get("--csv");
    if (csv == null) {
      return "";
    }
    String label = saved.get("--label-column");
    return "; the model was trained on a CSV file, read again with --csv " + shellWord(csv)
        + ("true".equals(saved.get("--header")) ? " --header" : "")
        + (label == null || label.equals("-1") ? "" : " --label-column " + label);
  }

  /** {@code s} as one word of a shell command line: as it is when it holds nothing a shell reads, else quoted. */
  static String shellWord(String s) {
    return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /**
   * The model's classes {@code trained} as exact numbers when they and the data's {@code names} are all numbers, as
   * the CSV reader takes such labels (2 and 2.0 one class, named as its file first writes it), else null: names are
   * then matched as text.
   */
  private static BigDecimal[] values(List<String> trained, List<String> names) {
    if (names.stream().anyMatch(n -> exact(n) == null)) {
      return null;
    }
    BigDecimal[] values = new BigDecimal[trained.size()];
    for (int c = 0; c < values.length; c++) {
      values[c] = exact(trained.get(c));
      if (values[c] == null) {
        return null;
      }
    }
    return values;
  }

  /** The index among the model's classes of the data's class {@code name}: by value where {@code values} are given. */
  private static int classIndex(List<String> trained, BigDecimal[] values, String name) {
    if (values == null) {
      return trained.indexOf(name);
    }
    BigDecimal value = exact(name);
    for (int c = 0; c < values.length; c++) {
      if (values[c].compareTo(value) == 0) {
        return c;
      }
    }
    return -1;
  }

  /** Whether the data's classes {@code names} are the model's, in order: by value when all are numbers. */
  private static boolean sameClasses(List<String> trained, List<String> names) {
    if (trained.size() != names.size()) {
      return false;
    }
    BigDecimal[] values = values(trained, names);
    for (int c = 0; c < names.size(); c++) {
      if (values == null ? !trained.get(c).equals(names.get(c)) : classIndex(trained, values, names.get(c)) != c) {
        return false;
      }
    }
    return true;
  }

  /** {@code name} as an exact number when it is one (the CSV reader's numbers are among BigDecimal's), else null. */
  private static BigDecimal exact(String name) {
    try {
      return new BigDecimal(name);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isNumber(String name) {
    try {
      Double.parseDouble(name);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Whether the data's labels 0..K−1 are the outputs' indices, as any model's classes are: unless the model's classes
   * ({@code trained}, null when unrecorded) are named by numbers, when a label is a class's name.
   */
  private static boolean labelsAreIndices(List<String> labels, List<String> trained) {
    return isIndices(labels) && (trained == null || trained.stream().noneMatch(ModelOptions::isNumber));
  }

  private static boolean isIndices(List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      if (!names.get(i).equals(String.valueOf(i))) {
        return false;
      }
    }
    return true;
  }
}
