package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SafeTensors;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command end to end on small IDX and CSV files written here: what it prints, what it writes, and how it fails.
 */
class CommandsTest {
  @TempDir
  static Path data;

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = Delta4jCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A small Fashion-MNIST look-alike: class c is a bright bar in rows 2c..2c+3, with noise. */
  static void writeIdx(Path dir, String kind, int n, long seed) throws IOException {
    SplitMix64 r = new SplitMix64(seed);
    ByteBuffer images = ByteBuffer.allocate(16 + n * 784).putInt(0x00000803).putInt(n).putInt(28).putInt(28);
    ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x00000801).putInt(n);
    for (int i = 0; i < n; i++) {
      int c = i % 10;
      labels.put((byte) c);
      for (int p = 0; p < 784; p++) {
        int row = p / 28;
        int v = (row >= 2 * c && row < 2 * c + 4 ? 200 : 0) + r.nextInt(40);
        images.put((byte) v);
      }
    }
    gzip(dir.resolve(kind + "-images-idx3-ubyte.gz"), images.array());
    gzip(dir.resolve(kind + "-labels-idx1-ubyte.gz"), labels.array());
  }

  /** The four files of a Fashion-MNIST look-alike of {@code training} and {@code test} images in {@code dir}. */
  static void writeFashionMnist(Path dir, int training, int test) throws IOException {
    writeIdx(dir, "train", training, 1);
    writeIdx(dir, "t10k", test, 2);
  }

  static void gzip(Path file, byte[] bytes) throws IOException {
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes);
    }
  }

  @BeforeAll
  static void writeData() throws IOException {
    writeFashionMnist(data, 60_000 / 100, 10_000 / 100);
  }

  /**
   * The help of each command that runs a network says which engine runs without --engine as the README does: the
   * selection order, in which bin/delta4j names ref, not "the fastest available".
   */
  @Test
  void theHelpSaysWhichEngineRunsByDefault() {
    for (String command : new String[] {"train", "evaluate", "predict"}) {
      Run help = run(command, "--help");
      assertEquals(0, help.exitCode(), help.err());
      String text = help.out().replaceAll("\\s+", " ");
      assertTrue(text.contains("$DELTA4J_ENGINE, which bin/delta4j sets to ref") && !text.contains("the fastest"),
          text);
    }
  }

  /** -V, which every command's help lists, prints the version for each command, as for the program. */
  @Test
  void everyCommandPrintsTheVersion() {
    for (String command : new String[] {"train", "evaluate", "predict", "engines", "perceptron"}) {
      Run version = run(command, "-V");
      assertEquals(0, version.exitCode(), version.err());
      assertEquals("Delta4j 0.1.0", version.out().strip(), command + " -V");
    }
    assertEquals("Delta4j 0.1.0", run("--version").out().strip());
  }

  @Test
  void enginesListsWhatIsThereAndWhatIsSelected() {
    Run r = run("engines");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("ref    priority 0") && r.out().contains("Selected: "), r.out());
    Run bad = run("engines", "--engine", "tpu");
    assertTrue(bad.out().contains("Selected: none — no engine named 'tpu'"), bad.out());
  }

  @Test
  void trainWritesModelChartsAndReportThenEvaluateAndPredictUseTheModel(@TempDir Path out) throws IOException {
    Run r = run("train", "--data", data.toString(), "--epochs", "2", "--batch-size", "32", "--engine", "ref",
        "--output", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Engine: ref (named explicitly)"), r.out());
    assertTrue(r.out().contains("training on 540, validating on 60, testing on 100"), r.out());
    assertTrue(r.out().contains("epoch 2: training loss"), r.out());
    assertTrue(r.out().contains("Test accuracy: "), r.out());
    assertTrue(r.out().contains("Ankle boot"), r.out());
    for (String f : new String[] {"model.safetensors", "checkpoint.safetensors", "learning-curves.png",
        "confusion-matrix.png", "test-report.txt", "network.json"}) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    byte[] png = Files.readAllBytes(out.resolve("learning-curves.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    learnedTheBarsAndTheModelEvaluatesAlike(r, out);

    Run p = run("predict", "--data", data.toString(), "--model", out.resolve("model.safetensors").toString(),
        "--count", "5", "--engine", "ref");
    assertEquals(0, p.exitCode(), p.err());
    assertEquals(6, p.out().lines().count(), p.out());
    assertTrue(p.out().contains("#0     predicted T-shirt/top"), p.out());
  }

  @Test
  void theResidualMlpSpecFileTrainsAndItsModelEvaluates(@TempDir Path out) {
    trainsFromTheSpecFileAndItsModelEvaluates("residual-mlp.json",
        "784-256-block(256, relu, 256, relu)-block(256, relu, 256, relu)-10", out);
  }

  @Test
  void theResidualCnnSpecFileTrainsAndItsModelEvaluates(@TempDir Path out) {
    trainsFromTheSpecFileAndItsModelEvaluates("residual-cnn.json",
        "block(conv 16 3×3 same, batch-norm, relu, conv 16 3×3 same, batch-norm, relu)", out);
  }

  /** One epoch of the network of examples/specs/{@code file}, whose summary shows {@code layers}, learns the bars. */
  private static void trainsFromTheSpecFileAndItsModelEvaluates(String file, String layers, Path out) {
    String spec = Path.of("..", "examples", "specs", file).toString();
    Run r = run("train", "--data", data.toString(), "--spec", spec, "--epochs", "1", "--batch-size", "32", "--engine",
        "ref", "--output", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains(layers), r.out());
    learnedTheBarsAndTheModelEvaluatesAlike(r, out);
  }

  /** The run's test accuracy is high, and evaluating the model it saved in {@code out} gives the same. */
  private static void learnedTheBarsAndTheModelEvaluatesAlike(Run r, Path out) {
    double accuracy = Double.parseDouble(r.out().replaceAll("(?s).*Test accuracy: ([0-9.]+).*", "$1"));
    assertTrue(accuracy > 0.9, "the bars are easy to tell apart: " + accuracy);
    Run e = run("evaluate", "--data", data.toString(), "--model", out.resolve("model.safetensors").toString(),
        "--engine", "ref");
    assertEquals(0, e.exitCode(), e.err());
    assertTrue(e.out().contains(String.format(java.util.Locale.ROOT, "Test accuracy: %.4f", accuracy)), e.out());
  }

  @Test
  void resumeContinuesFromTheCheckpointToTheSameWeights(@TempDir Path straight, @TempDir Path interrupted)
      throws IOException {
    String[] common = {"train", "--data", data.toString(), "--epochs", "3", "--batch-size", "50", "--engine", "ref"};
    assertEquals(0, run(concat(common, "--output", straight.toString())).exitCode());
    Run stopped = run(concat(common, "--stop-after", "2", "--output", interrupted.toString()));
    assertEquals(0, stopped.exitCode(), stopped.err());
    assertTrue(stopped.out().contains("Stopped after epoch 2 of 3"), stopped.out());
    assertTrue(Files.notExists(interrupted.resolve("model.safetensors")));
    Run resumed = run(concat(common, "--resume", "--output", interrupted.toString()));
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.out().contains("Resuming from") && resumed.out().contains("after epoch 2"), resumed.out());
    assertTrue(resumed.out().contains("epoch 3: training loss") && !resumed.out().contains("epoch 2: training"),
        resumed.out());
    var a = ModelFiles.load(straight.resolve("model.safetensors"), Engines.get("ref"));
    var b = ModelFiles.load(interrupted.resolve("model.safetensors"), Engines.get("ref"));
    for (int i = 0; i < a.network().parameters().size(); i++) {
      assertArrayEquals(a.network().parameters().get(i).value().toFloatArray(),
          b.network().parameters().get(i).value().toFloatArray(), a.network().parameters().get(i).name());
    }
    assertEquals(3, b.progress().history().size(), "the learning curves continue across the interruption");
    Run again = run(concat(common, "--resume", "--output", interrupted.toString()));
    assertEquals(1, again.exitCode());
    assertTrue(again.err().contains("has already completed 3 epochs"), again.err());
    assertTrue(again.out().isEmpty(), "refused before any data is read: " + again.out());
  }

  /**
   * A run extended past the epochs it planned carries its batch normalisation's running statistics over with the
   * weights: at a constant rate the longer schedule is the same one, so the extended run ends bit for bit as a run
   * planned that long from the start, statistics included.
   */
  @Test
  void aRunExtendedOnResumeKeepsItsBatchNormStatistics(@TempDir Path straight, @TempDir Path extended)
      throws IOException {
    Path specFile = straight.resolve("bn.json");
    Files.writeString(specFile, NetworkSpecJson.write(NetworkSpec.builder().input(784).dense(16).batchNorm().relu()
        .dense(10).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build()));
    String[] common = {"train", "--data", data.toString(), "--spec", specFile.toString(), "--optimizer", "adam",
        "--constant-rate", "--batch-size", "50", "--engine", "ref"};
    Run a = run(concat(common, "--epochs", "3", "--output", straight.resolve("run").toString()));
    assertEquals(0, a.exitCode(), a.err());
    Run first = run(concat(common, "--epochs", "2", "--stop-after", "1", "--output", extended.toString()));
    assertEquals(0, first.exitCode(), first.err());
    Run more = run("train", "--resume", "--epochs", "3", "--output", extended.toString());
    assertEquals(0, more.exitCode(), more.err());
    assertTrue(more.out().contains("Extending the run from 2 to 3 epochs"), more.out());
    Network x = ModelFiles.load(straight.resolve("run").resolve("model.safetensors"), Engines.get("ref")).network();
    Network y = ModelFiles.load(extended.resolve("model.safetensors"), Engines.get("ref")).network();
    assertTrue(x.buffers().containsKey("batchnorm1.running_mean"), x.buffers().keySet().toString());
    x.buffers().forEach((name, t) -> assertArrayEquals(t.toDoubleArray(), y.buffers().get(name).toDoubleArray(),
        name));
    for (int i = 0; i < x.parameters().size(); i++) {
      assertArrayEquals(x.parameters().get(i).value().toDoubleArray(), y.parameters().get(i).value().toDoubleArray(),
          x.parameters().get(i).name());
    }
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aCsvFileTrainsToo(@TempDir Path out) throws IOException {
    StringBuilder csv = new StringBuilder("x,y,label\n");
    SplitMix64 r = new SplitMix64(3);
    for (int i = 0; i < 300; i++) {
      double x = r.nextGaussian();
      double y = r.nextGaussian();
      csv.append(x).append(',').append(y).append(',').append(x + y > 0 ? "pos" : "neg").append('\n');
    }
    Path file = out.resolve("points.csv");
    Files.writeString(file, csv);
    Run run = run("train", "--csv", file.toString(), "--header", "--epochs", "20", "--batch-size", "16", "--engine",
        "ref", "--output", out.resolve("run").toString(), "--learning-rate", "0.01", "--seed", "5");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("300 samples of 2 features, 2 classes [neg, pos]"), run.out());
    String accuracy = run.out().replaceAll("(?s).*Test accuracy: ([0-9.]+).*", "$1");
    assertTrue(Double.parseDouble(accuracy) >= 0.9, "a linear boundary: " + accuracy);
    Run evaluated = run("evaluate", "--csv", file.toString(), "--header", "--engine", "ref", "--model",
        out.resolve("run").resolve("model.safetensors").toString());
    assertEquals(0, evaluated.exitCode(), evaluated.err());
    assertTrue(evaluated.out().contains("Test accuracy: " + accuracy), "the same test split, from the model's own "
        + "seed: " + evaluated.out());

    Run predicted = run("predict", "--csv", file.toString(), "--engine", "ref", "--count", "3", "--model",
        out.resolve("run").resolve("model.safetensors").toString());
    assertEquals(0, predicted.exitCode(), predicted.err());
    assertTrue(predicted.out().matches("(?s).*#0 +predicted (pos|neg) +p=[01]\\.\\d{3} .*"), predicted.out());
    // A loss of values reads the outputs as they are: predict shows an output, not a probability (it wrote p=1.649).
    Path squared = Files.writeString(out.resolve("squared.json"), "{\"input\": [2], \"layers\": [{\"type\": "
        + "\"dense\", \"units\": 2}], \"loss\": \"squared_error\"}");
    assertEquals(0, run("train", "--csv", file.toString(), "--header", "--spec", squared.toString(), "--epochs", "1",
        "--engine", "ref", "--output", out.resolve("squared").toString()).exitCode());
    Run outputs = run("predict", "--csv", file.toString(), "--engine", "ref", "--count", "3", "--model",
        out.resolve("squared").resolve("model.safetensors").toString());
    assertTrue(outputs.out().matches("(?s).*#0 +predicted (pos|neg) +output=-?\\d+\\.\\d{3} .*")
        && !outputs.out().contains("p="), outputs.out());

    // Other names for two classes would be matched to the outputs by their sorted order: refused, naming both.
    Path renamed = Files.writeString(out.resolve("renamed.csv"), csv.toString().replace("pos", "yes")
        .replace("neg", "no"));
    String model = out.resolve("run").resolve("model.safetensors").toString();
    Run other = run("predict", "--csv", renamed.toString(), "--header", "--engine", "ref", "--model", model);
    assertEquals(1, other.exitCode(), other.out());
    assertEquals("error: " + model + " was trained on the classes [neg, pos] but the data's are [no, yes]; use data "
        + "labelled as the model's was", other.err().trim());
    // Labels 0 and 1 are the outputs' indices, as any model's classes are.
    Path indices = Files.writeString(out.resolve("indices.csv"), csv.toString().replace("pos", "1")
        .replace("neg", "0"));
    assertEquals(0, run("evaluate", "--csv", indices.toString(), "--header", "--engine", "ref", "--model", model)
        .exitCode());
    // Without --csv the commands read Fashion-MNIST; the refusal says how to read the model's own data again.
    Run images = run("evaluate", "--data", data.toString(), "--engine", "ref", "--model", model);
    assertEquals("error: " + model + " takes samples of shape [2] but the data's have shape [784]; the model was "
        + "trained on a CSV file, read again with --csv " + file.toAbsolutePath().normalize() + " --header",
        images.err().trim());
  }

  /** A CSV file of {@code rows} points of two Gaussian features from {@code seed}, labelled prefix + row % classes. */
  private static Path points(Path file, int rows, int classes, String prefix, long seed) throws IOException {
    StringBuilder csv = new StringBuilder();
    SplitMix64 r = new SplitMix64(seed);
    for (int i = 0; i < rows; i++) {
      csv.append(r.nextGaussian()).append(',').append(r.nextGaussian()).append(',').append(prefix)
          .append(i % classes).append('\n');
    }
    return Files.writeString(file, csv);
  }

  /**
   * --all-samples scores a file against the model's classes, so a file of one of them, or of one sample of each, is
   * test data: both were refused as training refuses a label column ("classification needs at least two classes", "a
   * label of its own" for each sample), though a file lacking some of the model's classes is scored against all.
   */
  @Test
  void allSamplesScoresAFileOfOneClassOrOfOneSampleOfEach(@TempDir Path out) throws IOException {
    Path file = points(out.resolve("points.csv"), 60, 3, "c", 4);
    assertEquals(0, run("train", "--csv", file.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.resolve("run").toString()).exitCode());
    String model = out.resolve("run").resolve("model.safetensors").toString();
    Path one = points(out.resolve("one-class.csv"), 4, 1, "c", 5);
    Path each = Files.writeString(out.resolve("one-of-each.csv"), "0.5,0.5,c2\n-1,2,c0\n1,1,c1\n");
    for (Path test : new Path[] {one, each}) {
      Run evaluated = run("evaluate", "--csv", test.toString(), "--all-samples", "--engine", "ref", "--model", model);
      assertEquals(0, evaluated.exitCode(), test + ": " + evaluated.err());
      int samples = test == one ? 4 : 3;
      assertTrue(evaluated.out().contains("all " + samples + " samples (--all-samples)")
          && evaluated.out().matches("(?s).*\\Rc0 .*\\Rc1 .*\\Rc2 .*"), "scored against all three: " + evaluated.out());
      Run predicted = run("predict", "--csv", test.toString(), "--all-samples", "--engine", "ref", "--model", model);
      assertEquals(0, predicted.exitCode(), test + ": " + predicted.err());
      assertTrue(predicted.out().contains(" of " + samples + " right"), predicted.out());
    }
    assertTrue(run("predict", "--csv", one.toString(), "--all-samples", "--engine", "ref", "--model", model).out()
        .contains("actual c0"), "the one class is the model's c0");
    // training still refuses a label column of one class
    Run training = run("train", "--csv", one.toString(), "--engine", "ref", "--output", out.resolve("r2").toString());
    assertEquals(1, training.exitCode(), training.out());
    assertTrue(training.err().contains("classification needs at least two classes"), training.err());
  }

  /**
   * A CSV file's test part is the one the model's run held out only if the file, the seed and the split are the run's:
   * another seed, or a row added, drew a test part holding samples the model trained on, and scored them without a
   * word (a model that had memorised random labels scored 0.475 on its test part, 0.875 with --seed 7). The run's
   * fingerprint of its data is checked; --all-samples scores every sample of data the model never saw.
   */
  @Test
  void aCsvTestPartMustBeTheOneTheRunHeldOut(@TempDir Path out) throws IOException {
    Path file = points(out.resolve("points.csv"), 100, 3, "", 8);
    String csv = Files.readString(file);
    assertEquals(0, run("train", "--csv", file.toString(), "--epochs", "2", "--engine", "ref", "--output",
        out.resolve("run").toString()).exitCode());
    String model = out.resolve("run").resolve("model.safetensors").toString();
    assertEquals(0, run("evaluate", "--csv", file.toString(), "--engine", "ref", "--model", model).exitCode());

    Run seeded = run("evaluate", "--csv", file.toString(), "--engine", "ref", "--model", model, "--seed", "7");
    assertEquals(1, seeded.exitCode(), seeded.out());
    assertTrue(seeded.err().startsWith("error: " + file + " split by seed 7 is not the data " + model + " was trained "
        + "on (its run recorded 72 training, 8 validation and 20 test samples, CRC-32C ") && seeded.err().contains(
        "so its test part is not the one the run held out and may hold samples the model trained on: give the run's "
        + "file as it was without --seed; the model was trained on a CSV file, read again with --csv "), seeded.err());
    Path longer = Files.writeString(out.resolve("longer.csv"), csv + "0.5,0.5,1\n");
    for (String command : new String[] {"evaluate", "predict"}) {
      Run added = run(command, "--csv", longer.toString(), "--engine", "ref", "--model", model);
      assertEquals(1, added.exitCode(), added.out());
      assertTrue(added.err().contains("is not the data " + model + " was trained on"), added.err());
    }
    // data the model never saw, whole, though it lacks one of the model's classes
    Path fresh = Files.writeString(out.resolve("fresh.csv"), "0.1,0.2,0\n0.3,-1,2\n-2,0.5,0\n");
    Run all = run("evaluate", "--csv", fresh.toString(), "--engine", "ref", "--model", model, "--all-samples");
    assertEquals(0, all.exitCode(), all.err());
    assertTrue(all.out().contains("Data: " + fresh + ": all 3 samples (--all-samples)")
        && all.out().matches("(?s).*Test accuracy: [0-9.]+ .*"), all.out());
    Run images = run("evaluate", "--data", data.toString(), "--engine", "ref", "--model", model, "--all-samples");
    assertEquals("error: --all-samples takes every sample of a --csv file; Fashion-MNIST's test set is scored whole "
        + "without it", images.err().trim());
    Run unread = run("evaluate", "--engine", "ref", "--model", out.resolve("no-such.safetensors").toString(),
        "--all-samples"); // refused before the model is looked for
    assertEquals(images.err().trim(), unread.err().trim());
  }

  /**
   * Many classes: the confusion matrix of more than 30 is its cells that are not 0, one a line, where a table of
   * 3,000 classes was 54 MB; no chart is drawn of more than 100 (one of 500 ran out of memory after the training, and
   * the model was never written); the data's line names the first ten classes and how many more.
   */
  @Test
  void manyClassesAreReportedInBoundedSpace(@TempDir Path out) throws IOException {
    Path file = points(out.resolve("many.csv"), 360, 120, "c", 10);
    Run run = run("train", "--csv", file.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.resolve("run").toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("120 classes [c0, c1, c10, c100, c101, c102, c103, c104, c105, c106, … 110 more]"),
        run.out());
    assertTrue(run.out().contains("No confusion-matrix.png: a chart of 120 classes would be past reading (it draws "
        + "at most 100); test-report.txt lists the matrix's cells") && run.out().contains("learning-curves.png, "
        + "test-report.txt"), run.out());
    assertFalse(Files.exists(out.resolve("run").resolve("confusion-matrix.png")));
    assertTrue(Files.exists(out.resolve("run").resolve("model.safetensors")));
    String report = Files.readString(out.resolve("run").resolve("test-report.txt"));
    assertTrue(report.contains("Confusion matrix of 120 classes, its cells that are not 0, most samples first "
        + "(count, actual → predicted):"), report);
    assertTrue(report.lines().filter(l -> l.contains(" → ")).count() <= 72, "at most one line a test sample");
  }

  /**
   * A class name of 5,000 characters is drawn cut short: the confusion-matrix chart's picture grew with it until its
   * pixel count overflowed, and the run failed after training without writing its model.
   */
  @Test
  void aVeryLongClassNameIsChartedAndTheModelWritten(@TempDir Path out) throws IOException {
    String name = "a" + "n".repeat(4_999);
    Path file = Files.writeString(points(out.resolve("long.csv"), 60, 2, "c", 11),
        Files.readString(out.resolve("long.csv")).replace("c1\n", name + "\n"));
    Run run = run("train", "--csv", file.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.resolve("run").toString());
    assertEquals(0, run.exitCode(), run.err());
    for (String f : new String[] {TrainCommand.MODEL, "confusion-matrix.png", "test-report.txt"}) {
      assertTrue(Files.isRegularFile(out.resolve("run").resolve(f)), f);
    }
    assertTrue(Files.size(out.resolve("run").resolve("confusion-matrix.png")) < 1 << 20, "a picture of 2 classes");
  }

  /** Options that would go unread, or pick for the user, are refused naming them. */
  @Test
  void optionsThatWouldGoUnreadAreRefused(@TempDir Path out) throws IOException {
    Path file = Files.writeString(out.resolve("points.csv"), "1,2,0\n3,4,1\n".repeat(20));
    Run both = run("train", "--csv", file.toString(), "--data", data.toString(), "--output",
        out.resolve("both").toString());
    assertEquals("error: --csv " + file + " and --data " + data + " name two sources of data: give one",
        both.err().trim());
    Run empty = run("train", "--csv", file.toString(), "--engine", "", "--output", out.resolve("empty").toString());
    assertTrue(empty.err().startsWith("error: --engine is empty: name an engine (see `delta4j engines`), or leave "
        + "the option out"), empty.err());
    Run unknown = run("engines", "--engine", "foo");
    assertEquals(1, unknown.exitCode(), unknown.out());
    assertEquals(0, run("engines", "--engine", "ref").exitCode());
    Run huge = run("train", "--csv", file.toString(), "--learning-rate", "1e308", "--output",
        out.resolve("huge").toString());
    assertEquals(1, huge.exitCode(), huge.out());
    assertTrue(huge.err().contains("learning rate must be at most 3.4028235E38 (the largest FLOAT32; a larger rate is "
        + "∞ in FLOAT32), got 1.0E308"), huge.err());
  }

  /**
   * The options that say how to read a --csv file are refused without one, naming the option and its value, before
   * anything is read or made: {@code train --header --label-column 3} trained on Fashion-MNIST without a word, and
   * evaluate and predict ignored them likewise. A resumed run takes its --csv from its checkpoint, and may be given
   * them again.
   */
  @Test
  void csvOptionsWithoutCsvAreRefused(@TempDir Path out) throws IOException {
    String[][] cases = {{"--header"}, {"--label-column", "3"}};
    for (String[] option : cases) {
      String expected = "error: " + String.join(" ", option) + " applies only to --csv: without it the data is "
          + "Fashion-MNIST";
      Run train = run(concat(new String[] {"train", "--data", data.toString(), "--epochs", "1", "--output",
          out.resolve("run").toString()}, option));
      assertEquals(1, train.exitCode(), train.out());
      assertEquals(expected, train.err().trim());
      assertTrue(train.out().isEmpty() && Files.notExists(out.resolve("run")), "refused first: " + train.out());
      for (String command : new String[] {"evaluate", "predict"}) {
        Run r = run(concat(new String[] {command, "--data", data.toString(), "--model",
            out.resolve("none.safetensors").toString()}, option));
        assertEquals(1, r.exitCode(), r.out());
        assertEquals(expected, r.err().trim(), "refused before the model is read");
      }
    }
    Path file = points(out.resolve("points.csv"), 60, 2, "", 12);
    Files.writeString(file, "x,y,label\n" + Files.readString(file));
    Path stopped = out.resolve("stopped");
    assertEquals(0, run("train", "--csv", file.toString(), "--header", "--epochs", "2", "--stop-after", "1",
        "--engine", "ref", "--output", stopped.toString()).exitCode());
    Run resumed = run("train", "--resume", "--header", "--output", stopped.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
  }

  /**
   * evaluate's and predict's --seed draws a --csv file's test part, and is refused where it would draw nothing:
   * Fashion-MNIST's test set (evaluate --model M --seed 5 ignored it without a word), or --all-samples' whole file.
   */
  @Test
  void aSeedThatWouldDrawNothingIsRefused(@TempDir Path out) throws IOException {
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.resolve("run").toString()).exitCode());
    String model = out.resolve("run").resolve(TrainCommand.MODEL).toString();
    for (String command : new String[] {"evaluate", "predict"}) {
      Run images = run(command, "--data", data.toString(), "--model", model, "--seed", "5");
      assertEquals(1, images.exitCode(), images.out());
      assertEquals("error: --seed 5 applies only to --csv, whose test part it draws: Fashion-MNIST's test set is "
          + "fixed", images.err().trim());
      Path file = points(out.resolve("points.csv"), 30, 2, "", 13);
      Run all = run(command, "--csv", file.toString(), "--all-samples", "--model", model, "--seed", "5");
      assertEquals(1, all.exitCode(), all.out());
      assertEquals("error: --seed 5 draws a --csv file's test part, and --all-samples takes every sample: give one",
          all.err().trim());
    }
  }

  /**
   * --preset and --spec both name the network: given both, the spec file was trained and --preset ignored without a
   * word. Refused, before anything is read or made, and on a resumed run of a spec file too.
   */
  @Test
  void aPresetBesideASpecFileIsRefused(@TempDir Path out) throws IOException {
    Path specFile = Files.writeString(out.resolve("net.json"), NetworkSpecJson.write(NetworkSpec.builder().input(2)
        .dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build()));
    Path file = points(out.resolve("points.csv"), 60, 2, "", 14);
    Run both = run("train", "--csv", file.toString(), "--preset", "cnn", "--spec", specFile.toString(), "--output",
        out.resolve("both").toString());
    assertEquals(1, both.exitCode(), both.out());
    assertEquals("error: --preset cnn and --spec " + specFile + " both name the network: give one", both.err().trim());
    assertTrue(both.out().isEmpty() && Files.notExists(out.resolve("both")), "refused first: " + both.out());
    Path stopped = out.resolve("stopped");
    assertEquals(0, run("train", "--csv", file.toString(), "--spec", specFile.toString(), "--epochs", "2",
        "--stop-after", "1", "--engine", "ref", "--output", stopped.toString()).exitCode());
    Run resumed = run("train", "--resume", "--preset", "mlp", "--output", stopped.toString());
    assertEquals(1, resumed.exitCode(), resumed.out());
    assertEquals("error: --preset mlp and --spec " + specFile.toAbsolutePath().normalize() + " both name the "
        + "network: give one", resumed.err().trim());
  }

  /**
   * A run's network.json holds its schedule, annealed to 0 over that run's updates: given to a longer run as its spec,
   * the updates past the schedule's end trained at a rate of 0 without a word. Refused, naming both counts; the same
   * length, or options that set the schedule, train.
   */
  @Test
  void aSpecFileWhoseScheduleEndsBeforeTheRunIsRefused(@TempDir Path out) throws IOException {
    Path file = points(out.resolve("points.csv"), 100, 2, "", 9);
    assertEquals(0, run("train", "--csv", file.toString(), "--epochs", "1", "--batch-size", "8", "--engine", "ref",
        "--output", out.resolve("first").toString()).exitCode());
    Path spec = out.resolve("first").resolve("network.json");
    Run longer = run("train", "--csv", file.toString(), "--epochs", "4", "--batch-size", "8", "--engine", "ref",
        "--spec", spec.toString(), "--output", out.resolve("longer").toString());
    assertEquals(1, longer.exitCode(), longer.out());
    assertEquals("error: --spec " + spec + ": its cosine schedule anneals the learning rate to 0 over 9 updates, but "
        + "this run makes 36 (4 epochs of 9 batches), so the last 27 would change nothing: set its total_steps to 36, "
        + "or let the run set the schedule with --learning-rate or --constant-rate", longer.err().trim());
    assertEquals(0, run("train", "--csv", file.toString(), "--epochs", "1", "--batch-size", "8", "--engine", "ref",
        "--spec", spec.toString(), "--output", out.resolve("again").toString()).exitCode());
    assertEquals(0, run("train", "--csv", file.toString(), "--epochs", "4", "--batch-size", "8", "--engine", "ref",
        "--spec", spec.toString(), "--learning-rate", "0.01", "--output", out.resolve("set").toString()).exitCode());
  }

  /**
   * evaluate and predict read a CSV file as the model's run read its own, its --label-column and --header unless
   * given: with the defaults, a file whose label the run took from column 0 was scored against its last column. A
   * model of classes named by numbers takes labels as names, never as the outputs' indices: a file labelled 0, 1, 2
   * was scored by position against a model of the classes 1, 2, 3.
   */
  @Test
  void aCsvFileIsReadAsTheModelsRunReadItsOwn(@TempDir Path out) throws IOException {
    StringBuilder csv = new StringBuilder("label,x,y,region\n");
    StringBuilder shifted = new StringBuilder("label,x,y,region\n");
    SplitMix64 r = new SplitMix64(6);
    for (int i = 0; i < 300; i++) {
      double x = r.nextGaussian();
      double y = r.nextGaussian();
      int label = x + y > 0.7 ? 3 : x + y < -0.7 ? 1 : 2;
      csv.append(label).append(',').append(x).append(',').append(y).append(',').append(i % 3).append('\n');
      shifted.append(label - 1).append(',').append(x).append(',').append(y).append(',').append(i % 3).append('\n');
    }
    Path file = Files.writeString(out.resolve("labelled-first.csv"), csv);
    Run trained = run("train", "--csv", file.toString(), "--header", "--label-column", "0", "--epochs", "10",
        "--batch-size", "16", "--engine", "ref", "--seed", "5", "--output", out.resolve("run").toString());
    assertEquals(0, trained.exitCode(), trained.err());
    assertTrue(trained.out().contains("3 classes [1, 2, 3]"), trained.out());
    String accuracy = trained.out().replaceAll("(?s).*Test accuracy: ([0-9.]+).*", "$1");
    String model = out.resolve("run").resolve("model.safetensors").toString();
    String taken = "Reading " + file + " as the model's training run read its CSV file: --label-column 0 (give them "
        + "to read it otherwise)";
    for (String command : new String[] {"evaluate", "predict"}) {
      Run r2 = run(command, "--csv", file.toString(), "--header", "--engine", "ref", "--model", model);
      assertEquals(0, r2.exitCode(), r2.err());
      assertTrue(r2.out().contains(taken), r2.out());
      if (command.equals("evaluate")) {
        assertTrue(r2.out().contains("Test accuracy: " + accuracy), r2.out());
      }
    }
    Path zeroBased = Files.writeString(out.resolve("zero-based.csv"), shifted);
    Run refused = run("evaluate", "--csv", zeroBased.toString(), "--header", "--engine", "ref", "--model", model);
    assertEquals(1, refused.exitCode(), refused.out());
    assertEquals("error: " + model + " was trained on the classes [1, 2, 3] but the data's are [0, 1, 2]; use data "
        + "labelled as the model's was", refused.err().trim());
    // numbers are classes by value, in training and in scoring alike: 2.0 is the class 2
    String[] lines = csv.toString().split("\n");
    StringBuilder respelt = new StringBuilder(lines[0]).append('\n');
    StringBuilder twoAndThree = new StringBuilder(lines[0]).append('\n');
    for (int i = 1; i < lines.length; i++) {
      String label = lines[i].substring(0, lines[i].indexOf(','));
      String rest = lines[i].substring(label.length());
      respelt.append(label.equals("1") ? "1.0" : label.equals("3") ? "3.00" : label).append(rest).append('\n');
      if (!label.equals("1")) {
        twoAndThree.append(label).append(".0").append(rest).append('\n');
      }
    }
    Path respeltFile = Files.writeString(out.resolve("respelt.csv"), respelt);
    Run byValue = run("evaluate", "--csv", respeltFile.toString(), "--header", "--engine", "ref", "--model", model,
        "--all-samples");
    assertEquals(0, byValue.exitCode(), byValue.err());
    Run asWritten = run("evaluate", "--csv", file.toString(), "--header", "--engine", "ref", "--model", model,
        "--all-samples");
    assertEquals(asWritten.out().replaceAll("(?s).*Test accuracy: ([0-9.]+).*", "$1"),
        byValue.out().replaceAll("(?s).*Test accuracy: ([0-9.]+).*", "$1"), byValue.out());
    Path subset = Files.writeString(out.resolve("two-and-three.csv"), twoAndThree);
    Run some = run("evaluate", "--csv", subset.toString(), "--header", "--engine", "ref", "--model", model,
        "--all-samples");
    assertEquals(0, some.exitCode(), some.err());
    assertTrue(some.out().contains("Test accuracy: "), some.out());
  }

  /**
   * A model whose recorded run options no command line could give is refused naming the model file and the option:
   * a --validation-fraction of 5 was refused as "validation fraction must be in (0, 1), got 5.0", naming neither.
   */
  @Test
  void aRecordedValidationFractionOutOfRangeIsRefusedNamingTheModel(@TempDir Path out) throws IOException {
    Path file = points(out.resolve("points.csv"), 60, 2, "", 15);
    assertEquals(0, run("train", "--csv", file.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.resolve("run").toString()).exitCode());
    var contents = SafeTensors.read(out.resolve("run").resolve(TrainCommand.MODEL));
    for (String fraction : new String[] {"5.0", "-0.5", "NaN", "five"}) {
      var metadata = new java.util.LinkedHashMap<>(contents.metadata());
      metadata.put(ModelFiles.RUN, RunConfiguration.fromJson(metadata.get(ModelFiles.RUN), file)
          .with("--validation-fraction", fraction).toJson());
      Path model = out.resolve("damaged.safetensors");
      SafeTensors.write(model, contents.tensors(), metadata);
      Run r = run("evaluate", "--csv", file.toString(), "--engine", "ref", "--model", model.toString());
      assertEquals(1, r.exitCode(), r.out());
      assertEquals("error: " + model + ": the recorded --validation-fraction '" + fraction + "' is not a number in "
          + "[0, 1)", r.err().trim());
    }
  }

  /**
   * A class renamed between a run's start and its resume is refused, naming both sets of names: the data's checksum
   * sums the class indices, which a rename that keeps the sorted order ("cat" to "cow") keeps.
   */
  @Test
  void aResumeRefusesAClassRenamedSinceTheRunStarted(@TempDir Path out) throws IOException {
    StringBuilder csv = new StringBuilder();
    SplitMix64 r = new SplitMix64(8);
    String[] names = {"bird", "cat", "dog"};
    for (int i = 0; i < 120; i++) {
      csv.append(r.nextGaussian()).append(',').append(r.nextGaussian()).append(',').append(names[i % 3]).append('\n');
    }
    Path file = Files.writeString(out.resolve("animals.csv"), csv);
    Path stopped = out.resolve("stopped");
    assertEquals(0, run("train", "--csv", file.toString(), "--epochs", "2", "--stop-after", "1", "--engine", "ref",
        "--output", stopped.toString()).exitCode());
    Files.writeString(file, csv.toString().replace(",cat\n", ",cow\n"));
    Run resumed = run("train", "--resume", "--output", stopped.toString());
    assertEquals(1, resumed.exitCode(), resumed.out());
    assertTrue(resumed.err().contains("the data has changed since the run in " + stopped + " started: its classes "
        + "were [bird, cat, dog], the data given now (") && resumed.err().contains("names [bird, cow, dog]"),
        resumed.err());
    assertTrue(Files.notExists(stopped.resolve(TrainCommand.MODEL)), "nothing was trained");
  }

  /**
   * A checkpoint's completed epochs, history and update count are refused when they disagree, as a file altered since
   * its run wrote it would resume at another epoch, or another point of the schedule and of Adam's bias correction,
   * without a word.
   */
  @Test
  void aResumeRefusesACheckpointWhoseRecordsDisagree(@TempDir Path out) throws IOException {
    StringBuilder csv = new StringBuilder();
    SplitMix64 r = new SplitMix64(9);
    for (int i = 0; i < 120; i++) {
      double x = r.nextGaussian();
      csv.append(x).append(',').append(r.nextGaussian()).append(',').append(x > 0 ? 1 : 0).append('\n');
    }
    Path file = Files.writeString(out.resolve("points.csv"), csv);
    Path stopped = out.resolve("stopped");
    Run first = run("train", "--csv", file.toString(), "--epochs", "3", "--stop-after", "1", "--batch-size", "25",
        "--engine", "ref", "--output", stopped.toString());
    assertEquals(0, first.exitCode(), first.err());
    var contents = SafeTensors.read(stopped.resolve(TrainCommand.CHECKPOINT));
    // the training part, what is left of the 120 samples once the validation and test parts are held out, in batches
    // of 25: one update a batch
    int samples = Integer.parseInt(first.out().replaceAll("(?s).*training on (\\d+).*", "$1"));
    int batches = (samples + 24) / 25;
    assertEquals(String.valueOf(batches), contents.metadata().get("optimizer_iterations"));
    // a history of two epochs, the second the first's again: whole, but two epochs need twice the updates
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var twoEpochs = (com.fasterxml.jackson.databind.node.ArrayNode) json.readTree(contents.metadata().get("history"));
    twoEpochs.add(twoEpochs.get(0).deepCopy());
    ((com.fasterxml.jackson.databind.node.ObjectNode) twoEpochs.get(1)).put("epoch", 2);
    String ofBatches = " of " + batches + " batches (" + samples + " samples in batches of 25) make ";
    String[][] forgeries = {
        {"completed_epochs", "0", null, "it records 0 completed epochs but a history of the epochs [1]"},
        {"completed_epochs", "2", null, "it records 2 completed epochs but a history of the epochs [1]"},
        {"history", "[]", null, "it records 1 completed epoch but a history of the epochs []"},
        {"optimizer_iterations", "1", null, "its 1 completed epoch" + ofBatches + batches + " updates, but its "
            + "optimizer records 1"},
        {"completed_epochs", "2", twoEpochs.toString(), "its 2 completed epochs" + ofBatches + 2 * batches
            + " updates, but its optimizer records " + batches}};
    for (int f = 0; f < forgeries.length; f++) {
      String[] forgery = forgeries[f];
      Path forged = out.resolve("forged-" + f);
      Files.createDirectories(forged);
      var metadata = new java.util.LinkedHashMap<>(contents.metadata());
      metadata.put(forgery[0], forgery[1]);
      if (forgery[2] != null) {
        metadata.put("history", forgery[2]);
      }
      Path checkpoint = forged.resolve(TrainCommand.CHECKPOINT);
      SafeTensors.write(checkpoint, contents.tensors(), metadata);
      Run resumed = run("train", "--resume", "--output", forged.toString());
      assertEquals(1, resumed.exitCode(), resumed.out());
      assertTrue(resumed.err().contains(checkpoint + " contradicts itself: " + forgery[3]), resumed.err());
    }
    Run resumed = run("train", "--resume", "--output", stopped.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
  }

  /**
   * A run on a CSV file resumes to the weights of an uninterrupted run; a file changed in between (one value) is
   * refused, naming what the run trained on and what it is given now, rather than training the rest on other samples.
   */
  @Test
  void aCsvRunResumesExactlyAndRefusesDataChangedSinceItStarted(@TempDir Path out) throws IOException {
    StringBuilder csv = new StringBuilder();
    SplitMix64 r = new SplitMix64(4);
    for (int i = 0; i < 200; i++) {
      double x = r.nextGaussian();
      double y = r.nextGaussian();
      csv.append(x).append(',').append(y).append(',').append(x - y > 0 ? 1 : 0).append('\n');
    }
    Path file = Files.writeString(out.resolve("points.csv"), csv);
    String[] common = {"train", "--csv", file.toString(), "--epochs", "3", "--batch-size", "16", "--engine", "ref",
        "--dtype", "FLOAT64"};
    assertEquals(0, run(concat(common, "--output", out.resolve("straight").toString())).exitCode());
    Path stopped = out.resolve("stopped");
    assertEquals(0, run(concat(common, "--stop-after", "1", "--output", stopped.toString())).exitCode());
    Path copy = out.resolve("copy");
    Files.createDirectories(copy);
    Files.copy(stopped.resolve(TrainCommand.CHECKPOINT), copy.resolve(TrainCommand.CHECKPOINT));

    Path otherKernels = out.resolve("other-kernels");
    Files.createDirectories(otherKernels);
    var contents = SafeTensors.read(stopped.resolve(TrainCommand.CHECKPOINT));
    var metadata = new java.util.LinkedHashMap<>(contents.metadata());
    metadata.put(ModelFiles.RUN, RunConfiguration.fromJson(metadata.get(ModelFiles.RUN), stopped)
        .with(RunConfiguration.NUMERICS, "scalar loops of another machine").toJson());
    SafeTensors.write(otherKernels.resolve(TrainCommand.CHECKPOINT), contents.tensors(), metadata);

    Run resumed = run("train", "--resume", "--output", stopped.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertFalse(resumed.out().contains("Note:"), resumed.out());
    var a = ModelFiles.load(out.resolve("straight").resolve(TrainCommand.MODEL), Engines.get("ref")).network();
    var b = ModelFiles.load(stopped.resolve(TrainCommand.MODEL), Engines.get("ref")).network();
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i).value().toDoubleArray(), b.parameters().get(i).value().toDoubleArray());
    }

    // an engine set up otherwise (the scalar loops, another CPU's blocking) continues the run, saying it differs
    Run elsewhere = run("train", "--resume", "--output", otherKernels.toString());
    assertEquals(0, elsewhere.exitCode(), elsewhere.err());
    assertTrue(elsewhere.out().contains("Note: the run being resumed computed with scalar loops of another machine, "
        + "and this engine computes with reference engine (plain Java ") && elsewhere.out().contains(": the run "
        + "continues, but its numbers are no longer those of the run not interrupted to the last bit"),
        elsewhere.out());

    // the first value of any one row, whether it fell in the training, validation or test part
    List<String> original = List.of(csv.toString().split("\n"));
    for (int i = 0; i < 10; i++) {
      List<String> rows = new ArrayList<>(original);
      rows.set(i, "7" + rows.get(i).substring(rows.get(i).indexOf('.')));
      Files.writeString(file, String.join("\n", rows) + "\n");
      Run changed = run("train", "--resume", "--output", copy.toString());
      assertEquals(1, changed.exitCode(), "row " + i + ": " + changed.out());
      assertTrue(changed.err().contains("the data has changed since the run in " + copy + " started: it ran on 144 "
          + "training, 16 validation and 40 test samples, CRC-32C "), changed.err());
      assertTrue(Files.notExists(copy.resolve(TrainCommand.MODEL)), "nothing was trained");
    }
  }

  @Test
  void badDataFailsWithAClearMessageAndExitCode1(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("train-images-idx3-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    for (String f : new String[] {"train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
      Files.copy(data.resolve(f + ".gz"), dir.resolve(f + ".gz"));
    }
    Run r = run("train", "--data", dir.toString(), "--engine", "ref", "--output", dir.resolve("out").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("train-images-idx3-ubyte.gz")
        && r.err().contains("gzip"), r.err());

    Path empty = Files.createDirectories(dir.resolve("empty"));
    writeIdx(empty, "train", 0, 1); // a header of 0 images and 0 labels: not "0 images but 0 labels; mixed up"
    writeIdx(empty, "t10k", 10, 2);
    Run none = run("train", "--data", empty.toString(), "--engine", "ref", "--output", dir.resolve("out2").toString());
    assertEquals(1, none.exitCode());
    assertTrue(none.err().contains(empty.resolve("train-images-idx3-ubyte.gz") + ": holds no images; the file is "
        + "incomplete: fetch it again"), none.err());

    Run missing = run("train", "--data", dir.resolve("nowhere").toString(), "--engine", "ref");
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("does not hold the Fashion-MNIST files"), missing.err());

    Run model = run("evaluate", "--data", data.toString(), "--model", dir.resolve("none.safetensors").toString());
    assertEquals(1, model.exitCode());
    assertTrue(model.err().contains("none.safetensors: no saved model here"), model.err());

    Run engine = run("train", "--data", data.toString(), "--engine", "tpu");
    assertEquals(1, engine.exitCode());
    assertTrue(engine.err().contains("no engine named 'tpu'"), engine.err());
  }

  @Test
  void aModelSavedOnOneEngineLoadsOnTheOther(@TempDir Path out) throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Engines.defaults().statuses().stream()
        .anyMatch(s -> s.name().equals("nd4j") && s.available()), "the nd4j engine is not available here");
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "1", "--engine", "nd4j", "--output",
        out.toString()).exitCode());
    var onNd4j = ModelFiles.load(out.resolve("model.safetensors"), Engines.get("nd4j")).network();
    var onRef = ModelFiles.load(out.resolve("model.safetensors"), Engines.get("ref")).network();
    for (int i = 0; i < onRef.parameters().size(); i++) {
      Parameter a = onNd4j.parameters().get(i);
      assertArrayEquals(a.value().toFloatArray(), onRef.parameters().get(i).value().toFloatArray(), a.name());
    }
    var x = onRef.engine().zeros(onRef.dataType(), org.delta4j.tensor.Shape.of(3, 784));
    var y = onNd4j.engine().zeros(onNd4j.dataType(), org.delta4j.tensor.Shape.of(3, 784));
    float[] v = new float[3 * 784];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 17) / 17f;
    }
    x.copyFrom(v);
    y.copyFrom(v);
    float[] pr = onRef.probabilities(x).toFloatArray();
    float[] pn = onNd4j.probabilities(y).toFloatArray();
    for (int i = 0; i < pr.length; i++) {
      assertEquals(pr[i], pn[i], 1e-4 + 1e-4 * Math.abs(pr[i]), "probability " + i);
    }
  }

  @Test
  void thePerceptronDemonstrationWritesItsTableAndChart(@TempDir Path out) throws IOException {
    Run r = run("perceptron", "--pairs", "1", "--data-free-check", "--output", out.toString());
    assertEquals(2, r.exitCode(), "an unknown option is a usage error");
    Run tooMany = run("perceptron", "--pairs", "46", "--output", out.toString());
    assertEquals("error: --pairs must be a whole number from 0 to 45, got 46", tooMany.err().trim());
    Run ok = run("perceptron", "--pairs", "0", "--output", out.toString());
    assertEquals(0, ok.exitCode(), ok.err());
    String table = Files.readString(out.resolve("perceptron-convergence.md"));
    assertTrue(table.contains("| synthetic | 50 | 0.00300 | adversarial |"), table);
    assertTrue(table.contains("XOR: no convergence within 1000 passes"), table);
    assertTrue(Files.size(out.resolve("perceptron-convergence.png")) > 1000);
    assertTrue(ok.out().contains("mistakes ≤"), ok.out());
    Path file = Files.writeString(out.resolve("a-file"), "kept");
    Run onAFile = run("perceptron", "--pairs", "0", "--output", file.toString());
    assertEquals("error: --output " + file + " is an existing file, not a directory", onAFile.err().trim());
    assertEquals("kept", Files.readString(file));
  }

  /**
   * The perceptron demonstration reads Fashion-MNIST from {@code --data}, as train does: the pair of classes 0 and 1
   * of a look-alike of 40 images is 8 points in 784 dimensions; pairs of data that is not there are an error.
   */
  @Test
  void thePerceptronDemonstrationReadsTheDataGiven(@TempDir Path out, @TempDir Path data) throws IOException {
    writeFashionMnist(data, 40, 10);
    Run r = run("perceptron", "--pairs", "1", "--data", data.toString(), "--output", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    String table = Files.readString(out.resolve("perceptron-convergence.md"));
    assertTrue(table.contains("| T-shirt/top / Trouser | 784 | – | data order | 8 |"), table);
    Run missing = run("perceptron", "--pairs", "1", "--data", out.resolve("none").toString(), "--output",
        out.resolve("again").toString());
    // pairs asked for of data that is not there: an error naming where it was looked for, before any work
    assertEquals(1, missing.exitCode(), missing.out());
    assertEquals("error: " + out.resolve("none") + ": the directory given does not hold the Fashion-MNIST files (no "
        + "such directory)", missing.err().trim());
    assertFalse(Files.exists(out.resolve("again/perceptron-convergence.md")));
  }

  /**
   * --data and --download with --pairs 0 are refused, as options that would go unread are: the demonstration ran
   * without reading the directory given, and said nothing of it.
   */
  @Test
  void thePerceptronDemonstrationRefusesDataOptionsItWouldNotRead(@TempDir Path out) throws IOException {
    Run unread = run("perceptron", "--pairs", "0", "--data", data.toString(), "--output", out.toString());
    assertEquals(1, unread.exitCode(), unread.out());
    assertEquals("error: --data " + data + " applies only to the Fashion-MNIST pairs, which --pairs 0 leaves out: "
        + "give --pairs from 1 to 45, or leave out --data", unread.err().trim());
    Run download = run("perceptron", "--pairs", "0", "--download", "--output", out.toString());
    assertEquals("error: --download applies only to the Fashion-MNIST pairs, which --pairs 0 leaves out: give "
        + "--pairs from 1 to 45, or leave out --download", download.err().trim());
    try (var files = Files.list(out)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("perceptron-")), "nothing is written");
    }
  }

  /** {@code --download} puts the files where {@code --data} points, when it points anywhere; else in the cache. */
  @Test
  void downloadsGoWhereTheDataIsLookedFor() {
    FashionMnistOptions options = new FashionMnistOptions();
    assertEquals(FashionMnist.cacheDirectory(), options.downloadDirectory());
    options.directory = Path.of("elsewhere");
    assertEquals(Path.of("elsewhere"), options.downloadDirectory());
  }

  @Test
  void theCnnPresetTrainsAConvolutionalNetworkOnTheImages(@TempDir Path out) throws IOException {
    Run r = run("train", "--preset", "cnn", "--data", data.toString(), "--epochs", "2", "--batch-size", "32",
        "--engine", "ref", "--output", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("conv 32 3×3") && r.out().contains("max-pool 2×2"), r.out());
    learnedTheBarsAndTheModelEvaluatesAlike(r, out);
    predictsAsItEvaluates(out);
    Run unknown = run("train", "--preset", "resnet", "--data", data.toString(), "--output",
        out.resolve("other").toString());
    assertTrue(unknown.err().contains("the presets are: mlp, cnn"), unknown.err());
  }

  /**
   * An --optimizer no library registers (a library's kind with the library missing from DELTA4J_CLASSPATH, say) or an
   * unknown --preset is refused naming the option and what there is, before any data is read.
   */
  @Test
  void anUnknownOptimizerOrPresetIsNamedWithItsOptionBeforeAnyData(@TempDir Path out) {
    Run lion = run("train", "--optimizer", "Lion", "--data", out.resolve("no-data").toString(), "--output",
        out.resolve("a").toString());
    assertEquals(1, lion.exitCode(), lion.err());
    assertTrue(lion.err().startsWith("error: --optimizer Lion: unknown optimizer kind 'lion'; registered: [sgd, "),
        lion.err());
    assertTrue(lion.out().isEmpty(), "no data was looked for: " + lion.out());
    Run preset = run("train", "--preset", "resnet", "--data", out.resolve("no-data").toString(), "--output",
        out.resolve("b").toString());
    assertEquals("error: unknown preset 'resnet'; the presets are: mlp, cnn", preset.err().trim());
  }

  /**
   * Predicting every test image with the model in {@code out}, whatever the shape of its input (the flat images feed a
   * [1, 28, 28] input as they do in training), gets as many right as evaluating it does.
   */
  private static void predictsAsItEvaluates(Path out) {
    String model = out.resolve("model.safetensors").toString();
    Run p = run("predict", "--data", data.toString(), "--model", model, "--count", "100", "--engine", "ref");
    assertEquals(0, p.exitCode(), p.err());
    assertEquals(101, p.out().lines().count(), p.out());
    Run e = run("evaluate", "--data", data.toString(), "--model", model, "--engine", "ref");
    double accuracy = Double.parseDouble(e.out().replaceAll("(?s).*Test accuracy: ([0-9.]+).*", "$1"));
    assertTrue(p.out().contains(Math.round(accuracy * 100) + " of 100 right"), p.out() + e.out());
  }

  @Test
  void theCnnSpecFileTrainsThePresetsNetwork(@TempDir Path out) {
    String spec = Path.of("..", "examples", "specs", "fashion-cnn.json").toString();
    Run r = run("train", "--spec", spec, "--data", data.toString(), "--epochs", "1", "--batch-size", "32", "--engine",
        "ref", "--output", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    Run preset = run("train", "--preset", "cnn", "--data", data.toString(), "--epochs", "1", "--batch-size", "32",
        "--engine", "ref", "--output", out.resolve("preset").toString());
    assertEquals(layers(preset), layers(r));
    learnedTheBarsAndTheModelEvaluatesAlike(r, out);
  }

  /** The run's network as the program describes it, up to its optimizer. */
  private static String layers(Run r) {
    return r.out().replaceAll("(?s).*\nNetwork: (.*?), Adam\\[.*", "$1");
  }

  /**
   * A spec file's optimizer and seed are the run's unless an option says otherwise: --learning-rate changes the rate
   * of the file's own optimizer (its kind, momentum and weight decay kept, the rate cosine-annealed as for a preset),
   * --optimizer names another kind with that kind's defaults, and --seed another seed.
   */
  @Test
  void aSpecFilesOptimizerAndSeedHoldUnlessAnOptionSaysOtherwise(@TempDir Path dir) throws IOException {
    OptimizerSpec own = new OptimizerSpec.Momentum(0.05, 0.8, 1e-4, new LearningRateSchedule.Constant());
    NetworkSpec file = NetworkSpec.builder().input(784).dense(10).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(own).seed(7).build();
    Path spec = Files.writeString(dir.resolve("momentum.json"), NetworkSpecJson.write(file));
    long updates = (540 + 31) / 32; // one epoch of the 540 training images left after validation, in batches of 32

    NetworkSpec asWritten = trainedSpec(dir.resolve("as-written"), "--spec", spec.toString());
    assertEquals(file, asWritten);

    NetworkSpec newRate = trainedSpec(dir.resolve("new-rate"), "--spec", spec.toString(), "--learning-rate", "0.01");
    assertEquals(new OptimizerSpec.Momentum(0.01, 0.8, 1e-4, new LearningRateSchedule.CosineDecay(updates, 0)),
        newRate.optimizer());
    assertEquals(7, newRate.seed());

    NetworkSpec constant = trainedSpec(dir.resolve("constant"), "--spec", spec.toString(), "--constant-rate");
    assertEquals(own, constant.optimizer());

    NetworkSpec otherKind = trainedSpec(dir.resolve("other-kind"), "--spec", spec.toString(), "--optimizer", "SGD",
        "--seed", "3");
    assertEquals(new OptimizerSpec.Sgd(2e-3, 0, new LearningRateSchedule.CosineDecay(updates, 0)),
        otherKind.optimizer());
    assertEquals(3, otherKind.seed());
  }

  /**
   * A spec file whose network does not take the data's samples, or does not give one output per class, is refused
   * before training, naming the file and both shapes.
   */
  @Test
  void aSpecFileThatDoesNotFitTheDataIsRefusedNamingTheFileAndTheShapes(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("three.csv");
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      rows.append(i % 3).append(',').append(i).append(',').append(i % 7).append(',').append(i % 3).append('\n');
    }
    Files.writeString(csv, rows);
    NetworkSpec wide = NetworkSpec.builder().input(784).dense(3).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    Path wideFile = Files.writeString(dir.resolve("wide.json"), NetworkSpecJson.write(wide));
    Run r = run("train", "--csv", csv.toString(), "--spec", wideFile.toString(), "--engine", "ref", "--output",
        dir.resolve("wide").toString());
    assertEquals(1, r.exitCode(), r.err());
    assertEquals("error: --spec " + wideFile + " takes samples of shape [784] but the data's have shape [3]",
        r.err().trim());
    NetworkSpec ten = NetworkSpec.builder().input(3).dense(10).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    Path tenFile = Files.writeString(dir.resolve("ten.json"), NetworkSpecJson.write(ten));
    r = run("train", "--csv", csv.toString(), "--spec", tenFile.toString(), "--engine", "ref", "--output",
        dir.resolve("ten").toString());
    assertEquals(1, r.exitCode(), r.err());
    assertEquals("error: --spec " + tenFile + " gives outputs of shape [10] but the data's targets have shape [3] "
        + "(3 classes [0, 1, 2])", r.err().trim());
    assertTrue(Files.notExists(dir.resolve("ten").resolve(TrainCommand.CHECKPOINT)), "nothing was trained");
  }

  /**
   * A CSV file too small for its test part (a fifth), or for the validation part asked for, is refused naming what
   * cannot be held out and the option that asked for it, not as a split of a fraction the user never gave.
   */
  @Test
  void aCsvFileTooSmallToSplitIsRefusedNamingTheOptionAndCounts(@TempDir Path dir) throws IOException {
    Path two = Files.writeString(dir.resolve("two.csv"), "1,2,0\n3,4,1\n");
    Run r = run("train", "--csv", two.toString(), "--engine", "ref", "--output", dir.resolve("a").toString());
    assertEquals(1, r.exitCode(), r.err());
    assertEquals("error: --csv " + two + " holds 2 samples, too few to hold a fifth out for testing: at least 3 are "
        + "needed", r.err().trim());
    Path three = Files.writeString(dir.resolve("three.csv"), "1,2,0\n3,4,1\n5,6,1\n");
    r = run("train", "--csv", three.toString(), "--engine", "ref", "--output", dir.resolve("b").toString());
    assertEquals("error: --validation-fraction 0.1 of the 2 training samples holds out 0, leaving the validation set "
        + "empty: choose another fraction, or 0 for no validation", r.err().trim());
    r = run("train", "--csv", three.toString(), "--validation-fraction", "0.9", "--engine", "ref", "--output",
        dir.resolve("c").toString());
    assertEquals("error: --validation-fraction 0.9 of the 2 training samples holds out 2, leaving nothing to train "
        + "on: choose another fraction, or 0 for no validation", r.err().trim());
    assertEquals(0, run("train", "--csv", three.toString(), "--validation-fraction", "0", "--epochs", "1",
        "--engine", "ref", "--output", dir.resolve("d").toString()).exitCode());
  }

  /** The network one epoch of {@code train} with these options trains into {@code out}, as its network.json says. */
  private static NetworkSpec trainedSpec(Path out, String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--epochs", "1", "--batch-size",
        "32", "--engine", "ref", "--output", out.toString()));
    args.addAll(List.of(options));
    Run r = run(args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    return NetworkSpecJson.read(Files.readString(out.resolve("network.json")));
  }

  @Test
  void aResumeTakesTheRunsOwnOptionsAndRefusesConflictingOnes(@TempDir Path out) throws IOException {
    Run stopped = run("train", "--data", data.toString(), "--epochs", "3", "--batch-size", "40", "--seed", "7",
        "--dtype", "float64", "--validation-fraction", "0.2", "--engine", "ref", "--stop-after", "1", "--output",
        out.toString());
    assertEquals(0, stopped.exitCode(), stopped.err());
    Run seed = run("train", "--resume", "--output", out.toString(), "--seed", "9");
    assertEquals(1, seed.exitCode());
    assertTrue(seed.err().contains("--seed 9 conflicts with the run being resumed, which used --seed 7"), seed.err());
    Run dtype = run("train", "--resume", "--output", out.toString(), "--dtype", "FLOAT32");
    assertTrue(dtype.err().contains("--dtype FLOAT32 conflicts with the run being resumed, which used --dtype FLOAT64"),
        dtype.err());
    Run rate = run("train", "--resume", "--output", out.toString(), "--learning-rate", "0.002");
    assertTrue(rate.err().contains("--learning-rate 0.002 conflicts with the run being resumed, which was started "
        + "without --learning-rate, as its default ("), rate.err());
    Run fewer = run("train", "--resume", "--output", out.toString(), "--epochs", "2");
    assertTrue(fewer.err().contains("--epochs 2 conflicts with the run in " + out + ", which plans 3 epochs"),
        fewer.err());
    Run agreeing = run("train", "--resume", "--output", out.toString(), "--seed", "7", "--dtype", "FLOAT64",
        "--stop-after", "2");
    assertEquals(0, agreeing.exitCode(), agreeing.err());
    assertTrue(agreeing.out().contains("Training: 3 epochs, batch size 40, seed 7, FLOAT64"), agreeing.out());
    assertTrue(agreeing.out().contains("training on 480, validating on 120"), agreeing.out());
    Run extended = run("train", "--resume", "--output", out.toString(), "--epochs", "5");
    assertEquals(0, extended.exitCode(), extended.err());
    assertTrue(extended.out().contains("Extending the run from 3 to 5 epochs: the learning-rate schedule now spans 5 "
        + "epochs, continuing after update 24"), extended.out());
    var model = ModelFiles.load(out.resolve("model.safetensors"), Engines.get("ref"));
    assertEquals(org.delta4j.tensor.DataType.FLOAT64, model.network().dataType());
    assertEquals(5, model.progress().history().size());
    assertTrue(model.progress().history().get(4).learningRate() > 0, "the extra epochs learn");
  }

  @Test
  void aResumeRefusesSavedOptionsThatNoCommandLineCouldGiveNamingTheCheckpoint(@TempDir Path out) throws IOException {
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "3", "--engine", "ref", "--stop-after", "1",
        "--output", out.resolve("run").toString()).exitCode());
    Path original = out.resolve("run").resolve(TrainCommand.CHECKPOINT);
    String[][] damages = {{"--batch-size", "0", "an invalid --batch-size '0' (--batch-size must be a whole number"},
        {"--validation-fraction", "NaN", "an invalid --validation-fraction 'NaN' (--validation-fraction must be in"},
        {"--learning-rate", "-1.0", "an invalid --learning-rate '-1.0' (--learning-rate must be a positive number"},
        {"--epochs", "2000000000", "an invalid --epochs '2000000000' (--epochs must be a whole number from 1 to"},
        {"--epochs", null, "the saved run configuration lacks --epochs; a resume could not repeat the run"}};
    for (String[] d : damages) {
      Path dir = Files.createDirectories(out.resolve("damaged" + d[0] + d[1]));
      Path checkpoint = dir.resolve(TrainCommand.CHECKPOINT);
      var contents = SafeTensors.read(original);
      var values = new java.util.LinkedHashMap<>(RunConfiguration.fromJson(contents.metadata().get(ModelFiles.RUN),
          original).values());
      if (d[1] == null) {
        values.remove(d[0]);
      } else {
        values.put(d[0], d[1]);
      }
      var metadata = new java.util.LinkedHashMap<>(contents.metadata());
      metadata.put(ModelFiles.RUN, new RunConfiguration(values).toJson());
      SafeTensors.write(checkpoint, contents.tensors(), metadata);
      Run r = run("train", "--resume", "--output", dir.toString());
      assertEquals(1, r.exitCode(), r.out());
      assertTrue(r.err().startsWith("error: " + checkpoint + ": the saved run configuration "), r.err());
      assertTrue(r.err().contains(d[2]), r.err());
      assertTrue(Files.notExists(dir.resolve(TrainCommand.MODEL)), "nothing was trained");
    }
  }

  /**
   * A flipped bit in a checkpoint's recorded options (its seed 42 become 43) is the checkpoint's damage, named as such
   * before the options are used: read unchecked, the other seed drew other validation samples, and the resume was
   * refused as if the data had changed since the run started.
   */
  @Test
  void aResumeRefusesACheckpointWhoseRecordedOptionsAreDamagedNamingItsChecksum(@TempDir Path out)
      throws IOException {
    Path dir = out.resolve("run");
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "3", "--engine", "ref", "--stop-after", "1",
        "--output", dir.toString()).exitCode());
    Path checkpoint = dir.resolve(TrainCommand.CHECKPOINT);
    byte[] bytes = Files.readAllBytes(checkpoint);
    String latin = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    String seed = "--seed\\\":\\\"42";
    int at = latin.indexOf(seed);
    assertTrue(at > 0, latin.substring(0, 600));
    bytes[at + seed.length() - 1] ^= 1; // 42 becomes 43
    Files.write(checkpoint, bytes);
    Run r = run("train", "--resume", "--output", dir.toString());
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.err().startsWith("error: " + checkpoint + ": the contents do not match the file's checksum"),
        r.err());
    assertTrue(Files.notExists(dir.resolve(TrainCommand.MODEL)), "nothing was trained");
  }

  @Test
  void killedDuringTheFinalWriteAResumeFinishesTheJob(@TempDir Path out) throws IOException {
    String[] args = {"train", "--data", data.toString(), "--epochs", "2", "--engine", "ref", "--output",
        out.toString()};
    assertEquals(0, run(args).exitCode());
    var expected = ModelFiles.load(out.resolve("model.safetensors"), Engines.get("ref")).network();
    // What a kill during the final write leaves: the last checkpoint, no model, the write's temporary file.
    Files.delete(out.resolve("model.safetensors"));
    Path stale = out.resolve(".model.safetensors.3f9a0c1b2d4e5f60.tmp");
    Files.write(stale, new byte[] {1, 2, 3});
    Run finished = run("train", "--resume", "--output", out.toString());
    assertEquals(0, finished.exitCode(), finished.err());
    assertTrue(finished.out().contains("all 2 epochs are done but model.safetensors was not written; finishing the "
        + "run"), finished.out());
    assertTrue(Files.notExists(stale), "the killed write's temporary file is removed");
    var model = ModelFiles.load(out.resolve("model.safetensors"), Engines.get("ref")).network();
    for (int i = 0; i < model.parameters().size(); i++) {
      assertArrayEquals(expected.parameters().get(i).value().toDoubleArray(),
          model.parameters().get(i).value().toDoubleArray());
    }
  }

  @Test
  void aModelWhoseContentsFailTheirChecksumIsNotTakenForAFinishedRun(@TempDir Path out) throws IOException {
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.toString()).exitCode());
    // A write cut short or a flipped bit in the weights: the header still reads, the contents do not.
    Path model = out.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length - 1] ^= 1;
    Files.write(model, bytes);
    Run finished = run("train", "--resume", "--output", out.toString());
    assertEquals(0, finished.exitCode(), finished.err());
    assertTrue(finished.out().contains("finishing the run"), finished.out());
    ModelFiles.load(model, Engines.get("ref")); // written again, whole
  }

  @Test
  void aRunStoppedWhileWritingItsReportsIsOneAResumeFinishes(@TempDir Path out) throws IOException {
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "2", "--stop-after", "1", "--engine", "ref",
        "--output", out.toString()).exitCode());
    // A directory where the confusion matrix goes: the run trains its last epoch, then cannot write its reports.
    Path obstacle = Files.createDirectories(out.resolve("confusion-matrix.png").resolve("x"));
    Run stopped = run("train", "--resume", "--output", out.toString());
    assertEquals(1, stopped.exitCode(), stopped.out());
    assertTrue(stopped.err().contains("confusion-matrix.png"), stopped.err());
    assertTrue(Files.notExists(out.resolve("model.safetensors")), "the model marks a complete run: it is written last");
    Files.delete(obstacle);
    Files.delete(obstacle.getParent());
    Run finished = run("train", "--resume", "--output", out.toString());
    assertEquals(0, finished.exitCode(), finished.err());
    assertTrue(finished.out().contains("finishing the run"), finished.out());
    for (String f : new String[] {"model.safetensors", "test-report.txt", "confusion-matrix.png"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
  }

  /**
   * A finished run extended by --resume --epochs and stopped after its last epoch but before its model is written
   * still holds the shorter run's model: that model is not taken for the extended run's, and a resume finishes it.
   */
  @Test
  void anExtendedRunStoppedBeforeItsModelIsWrittenIsNotTakenForCompleteByTheEarlierModel(@TempDir Path out)
      throws IOException {
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.toString()).exitCode());
    Files.delete(out.resolve("confusion-matrix.png"));
    Path obstacle = Files.createDirectories(out.resolve("confusion-matrix.png").resolve("x"));
    Run extended = run("train", "--resume", "--epochs", "2", "--output", out.toString());
    assertEquals(1, extended.exitCode(), extended.out());
    assertEquals(2, ModelFiles.load(out.resolve(TrainCommand.CHECKPOINT), Engines.get("ref")).progress()
        .completedEpochs());
    assertEquals(1, ModelFiles.load(out.resolve(TrainCommand.MODEL), Engines.get("ref")).progress()
        .completedEpochs(), "the shorter run's model is still there");
    Files.delete(obstacle);
    Files.delete(obstacle.getParent());
    Run finished = run("train", "--resume", "--output", out.toString());
    assertEquals(0, finished.exitCode(), finished.err());
    assertTrue(finished.out().contains("all 2 epochs are done but model.safetensors was not written"),
        finished.out());
    assertEquals(2, ModelFiles.load(out.resolve(TrainCommand.MODEL), Engines.get("ref")).progress()
        .completedEpochs());
  }

  @Test
  void theOutputDirectoryIsCheckedAndHeldBeforeAnyWork(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    Run existing = run("train", "--data", data.toString(), "--output", file.toString());
    assertEquals(1, existing.exitCode());
    assertEquals("error: --output " + file + " is an existing file, not a directory", existing.err().trim());
    assertTrue(existing.out().isEmpty(), "nothing is loaded first: " + existing.out());
    Run under = run("train", "--data", data.toString(), "--output", file.resolve("run").toString());
    assertEquals(1, under.exitCode());
    assertTrue(under.err().contains("--output " + file.resolve("run") + ": cannot create the directory (" + file),
        under.err());
    Path busy = dir.resolve("busy");
    try (OutputDirectory held = OutputDirectory.hold(busy)) {
      Run second = run("train", "--data", data.toString(), "--output", busy.toString());
      assertEquals(1, second.exitCode());
      assertTrue(second.err().contains("--output " + busy + " is in use by another training run"), second.err());
    }
    Path done = dir.resolve("done");
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "1", "--engine", "ref", "--output",
        done.toString()).exitCode());
    Run again = run("train", "--data", data.toString(), "--epochs", "1", "--output", done.toString());
    assertEquals(1, again.exitCode());
    assertTrue(again.err().contains("--output " + done + " already holds a run (model.safetensors); continue it with "
        + "--resume, or choose another --output"), again.err());
  }

  /**
   * A new run refuses a directory that holds any file it would write, naming it, before any data is read: only a model
   * or a checkpoint was looked for, so {@code train --spec d/network.json -o d} wrote the run's network.json over the
   * user's spec file, and an earlier run's reports and charts were replaced without a word.
   */
  @Test
  void aNewRunRefusesADirectoryHoldingAFileItWouldWrite(@TempDir Path dir) throws IOException {
    Path specFile = dir.resolve("network.json");
    String own = NetworkSpecJson.write(NetworkSpec.builder().input(784).dense(10)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build());
    Files.writeString(specFile, own);
    Run r = run("train", "--data", data.toString(), "--spec", specFile.toString(), "--epochs", "1", "--engine", "ref",
        "--output", dir.toString());
    assertEquals(1, r.exitCode(), r.out());
    assertEquals("error: --output " + dir + " already holds network.json, which this run would write over; move it, "
        + "or choose another --output", r.err().trim());
    assertTrue(r.out().isEmpty(), "refused before any data is read: " + r.out());
    assertEquals(own, Files.readString(specFile), "the spec file is the user's still");
    for (String file : new String[] {"test-report.txt", "learning-curves.png", "confusion-matrix.png"}) {
      Path earlier = Files.createDirectories(dir.resolve("earlier-" + file));
      Files.writeString(earlier.resolve(file), "an earlier run's");
      Run again = run("train", "--data", data.toString(), "--epochs", "1", "--engine", "ref", "--output",
          earlier.toString());
      assertEquals("error: --output " + earlier + " already holds " + file + ", which this run would write over; "
          + "move it, or choose another --output", again.err().trim());
      assertEquals("an earlier run's", Files.readString(earlier.resolve(file)));
    }
  }

  /**
   * A run refused before it writes anything leaves no empty directory behind where it made one (runs/<time> after a
   * mistyped engine, say); a directory the user made stays.
   */
  @Test
  void aRunRefusedBeforeWritingLeavesNoDirectoryItMade(@TempDir Path dir) throws IOException {
    Path fresh = dir.resolve("fresh");
    Run r = run("train", "--data", data.toString(), "--engine", "tpu", "--output", fresh.toString());
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(Files.notExists(fresh), "the directory made for the run is gone");
    Run late = run("train", "--data", data.toString(), "--epochs", "2", "--stop-after", "3", "--output",
        fresh.toString());
    assertEquals("error: --stop-after must be after the epochs already done (0) and at most --epochs (2), got 3",
        late.err().trim());
    assertTrue(late.out().isEmpty() && Files.notExists(fresh), "refused before any data is read: " + late.out());
    Path own = Files.createDirectories(dir.resolve("own"));
    assertEquals(1, run("train", "--data", data.toString(), "--engine", "tpu", "--output", own.toString())
        .exitCode());
    assertTrue(Files.isDirectory(own), "the user's own directory stays");
    // every directory made for it, not only the last: a/b was left behind
    Run nested = run("train", "--data", data.toString(), "--engine", "tpu", "--output",
        own.resolve("a/b/c").toString());
    assertEquals(1, nested.exitCode(), nested.out());
    assertTrue(Files.notExists(own.resolve("a")), "the directories made for the run are gone");
    assertTrue(Files.isDirectory(own), "the user's own directory stays");
  }

  /** By every command that writes a directory: the perceptron demonstration wrote into the working directory. */
  @Test
  void anEmptyOutputIsRefusedNotTakenForTheCurrentDirectory() {
    for (String[] command : new String[][] {{"train", "--epochs", "1"}, {"train", "--epochs", "1", "--resume"},
        {"perceptron", "--pairs", "0"}}) {
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(List.of("--data", data.toString(), "--output", ""));
      Run r = run(args.toArray(String[]::new));
      assertEquals(1, r.exitCode(), r.out());
      assertEquals("error: --output is empty: name the directory for the run", r.err().trim());
      assertTrue(r.out().isEmpty(), "nothing is loaded first: " + r.out());
    }
  }

  @Test
  void optionsAreRangeCheckedAndTheirValuesCaseInsensitive(@TempDir Path out) {
    Run huge = run("train", "--data", data.toString(), "--batch-size", "2147483647", "--output", out.toString());
    assertEquals(1, huge.exitCode());
    assertTrue(huge.err().contains("--batch-size must be a whole number from 1 to 1,048,576, got 2147483647"),
        huge.err());
    Run zero = run("train", "--data", data.toString(), "--epochs", "0", "--output", out.toString());
    assertTrue(zero.err().contains("--epochs must be a whole number from 1 to 1,000,000, got 0"), zero.err());
    Run sgd = run("train", "--data", data.toString(), "--epochs", "1", "--optimizer", "sgd", "--dtype", "float32",
        "--engine", "REF", "--preset", "MLP", "--output", out.toString());
    assertEquals(0, sgd.exitCode(), sgd.err());
    assertTrue(sgd.out().contains("Sgd[") && sgd.out().contains("784-256-128-10"), sgd.out());
    for (String count : new String[] {"0", "-5"}) {
      Run p = run("predict", "--data", data.toString(), "--model", out.resolve("model.safetensors").toString(),
          "--count", count, "--engine", "ref");
      assertEquals(1, p.exitCode());
      assertTrue(p.err().contains("--count must be a whole number from 1 to"), p.err());
    }
  }

  /**
   * A CSV file labelled by the outputs' indices names each sample's class by the index it spells, whichever classes the
   * file holds: one of labels 3 and 5, or 0, 1 and 3, was refused ("the data's class '3' is none of them") against a
   * model of Fashion-MNIST's named classes, where a file of labels 0, 1 and 2 was scored.
   */
  @Test
  void aFileOfSomeOfTheClassesLabelledByIndexIsScoredAsThoseClasses(@TempDir Path out) throws IOException {
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.toString()).exitCode());
    String model = out.resolve("model.safetensors").toString();
    for (int[] labels : new int[][] {{3, 5}, {0, 1, 3}}) {
      StringBuilder csv = new StringBuilder();
      for (int i = 0; i < 4 * labels.length; i++) {
        int c = labels[i % labels.length];
        for (int p = 0; p < 784; p++) { // the bars of writeIdx, without the noise
          csv.append(p / 28 >= 2 * c && p / 28 < 2 * c + 4 ? 220 : 0).append(',');
        }
        csv.append(c).append('\n');
      }
      Path file = Files.writeString(out.resolve(labels.length + ".csv"), csv);
      Run predicted = run("predict", "--csv", file.toString(), "--all-samples", "--engine", "ref", "--model", model);
      assertEquals(0, predicted.exitCode(), predicted.err());
      for (int c : labels) {
        assertTrue(predicted.out().contains("actual " + FashionMnist.CLASS_NAMES.get(c)), predicted.out());
      }
      Run evaluated = run("evaluate", "--csv", file.toString(), "--all-samples", "--engine", "ref", "--model", model);
      assertEquals(0, evaluated.exitCode(), evaluated.err());
      assertTrue(evaluated.out().matches("(?s).*\\R" + FashionMnist.CLASS_NAMES.get(labels[1]) + " .* 4\\R.*"),
          "4 samples of the class the label " + labels[1] + " names: " + evaluated.out());
    }
  }

  @Test
  void dataTheModelCannotReadIsNamedWithItsShapesAndClasses(@TempDir Path out) throws IOException {
    assertEquals(0, run("train", "--data", data.toString(), "--epochs", "1", "--engine", "ref", "--output",
        out.toString()).exitCode());
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      for (int p = 0; p < 784; p++) {
        csv.append(p % 7).append(',');
      }
      csv.append(i % 3).append('\n');
    }
    Path three = Files.writeString(out.resolve("three.csv"), csv);
    String model = out.resolve("model.safetensors").toString();
    // no part of a file was held out for a model of Fashion-MNIST: its samples are all new to it
    Run p = run("predict", "--csv", three.toString(), "--model", model, "--engine", "ref");
    assertEquals(1, p.exitCode());
    assertEquals("error: " + model + " was trained on Fashion-MNIST, so no part of " + three + " was held out for "
        + "testing it: give --all-samples to use every sample of the file", p.err().trim());
    Run e = run("evaluate", "--csv", three.toString(), "--model", model, "--engine", "ref", "--all-samples");
    assertEquals(0, e.exitCode(), e.err());
    assertTrue(e.out().contains("Data: " + three + ": all 50 samples (--all-samples)") && e.out().contains(
        "Test accuracy: "), "labels 0, 1, 2 are 3 of the model's 10 classes: " + e.out());
    StringBuilder elevenClasses = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      elevenClasses.append("0,".repeat(784)).append(i % 11).append('\n');
    }
    Path eleven = Files.writeString(out.resolve("eleven.csv"), elevenClasses);
    Run unknown = run("evaluate", "--csv", eleven.toString(), "--model", model, "--engine", "ref", "--all-samples");
    assertEquals(1, unknown.exitCode(), unknown.out());
    assertTrue(unknown.err().contains("and the data's class '10' is none of them"), unknown.err());
    Run dir = run("evaluate", "--data", data.toString(), "--model", out.toString(), "--engine", "ref");
    assertEquals("error: " + out + ": is a directory, not a safetensors file", dir.err().trim());
    Run spec = run("train", "--data", data.toString(), "--spec", out.toString(), "--output",
        out.resolve("spec-run").toString());
    assertEquals("error: --spec " + out + " is a directory, not a network spec file", spec.err().trim());
    if (Files.isReadable(Path.of("/dev/zero"))) { // a file without end: refused, not read until the heap is full
      Run endless = run("train", "--data", data.toString(), "--spec", "/dev/zero", "--output",
          out.resolve("endless-run").toString());
      assertEquals("error: --spec /dev/zero holds more than " + (NetworkSpecJson.MAX_FILE_BYTES >> 20) + " MiB, too "
          + "much for a network spec file (JSON of some kilobytes)", endless.err().trim());
    }
  }

  @Test
  void aCommandLineThatDoesNotParseIsOneLineNamingTheOptionAndValueWithExitCode2() {
    String[][] cases = {
        {"error: Invalid value for option '--epochs': 'abc' is not an int; see 'delta4j train --help'",
            "train", "--epochs", "abc"},
        {"error: Unknown option: '--epoch' (did you mean --epochs?); see 'delta4j train --help'",
            "train", "--epoch"},
        {"error: Missing required option: '--model=FILE'; see 'delta4j evaluate --help'", "evaluate"},
        {"error: choose a command: train, evaluate, predict, engines or perceptron; see 'delta4j --help'"}};
    for (String[] c : cases) {
      Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
      assertEquals(2, r.exitCode(), r.err());
      assertEquals(c[0], r.err().strip(), r.err());
    }
  }

  /**
   * A name whose bytes are not valid UTF-8 (the encoding of file names here) reaches the program with U+FFFD in their
   * place, and U+FFFD's own bytes name another file: {@code -o $'run\xff'} wrote the run to run\uFFFD (bytes EF BF BD),
   * a directory the user never named. Every path option refuses it as a usage error, before anything is made.
   */
  @Test
  void aPathThatReachedTheProgramMangledIsRefusedNotTakenForAnotherFile(@TempDir Path dir) {
    String mangled = dir.resolve("run\uFFFD").toString();
    String[][] commands = {{"train", "--data", data.toString(), "--epochs", "1", "--output", mangled},
        {"train", "--csv", mangled, "--output", dir.resolve("csv-run").toString()},
        {"train", "--data", data.toString(), "--spec", mangled, "--output", dir.resolve("spec-run").toString()},
        {"evaluate", "--data", data.toString(), "--model", mangled}, {"predict", "--data", mangled, "--model", "m"},
        {"perceptron", "--pairs", "0", "--output", mangled}};
    for (String[] command : commands) {
      Run r = run(command);
      assertEquals(2, r.exitCode(), String.join(" ", command) + ": " + r.out() + r.err());
      assertTrue(r.err().startsWith("error: Invalid value for option '--") && r.err().contains("'" + mangled
          + "' is not the name given: bytes of it that are not valid"), r.err());
      assertTrue(r.out().isEmpty(), r.out());
    }
    assertTrue(Files.notExists(Path.of(mangled)) && Files.notExists(dir.resolve("csv-run"))
        && Files.notExists(dir.resolve("spec-run")), "nothing is made");
    Run nul = run("train", "--data", data.toString(), "--output", dir + "/a\0b");
    assertEquals(2, nul.exitCode(), nul.err());
    assertTrue(nul.err().contains("cannot name a file here: Nul character not allowed"), nul.err());
  }

  /**
   * An empty path for a file to read is a usage error naming the option: Java takes it for the working directory, and
   * {@code --csv=} was refused as "error: : is a directory, not a CSV file", naming neither the option nor the mistake.
   */
  @Test
  void anEmptyPathToReadIsRefusedNamingTheOption(@TempDir Path dir) throws IOException {
    String[][] commands = {{"train", "--csv=", "--output", dir.resolve("a").toString()},
        {"train", "--data", data.toString(), "--spec=", "--output", dir.resolve("b").toString()},
        {"train", "--data=", "--output", dir.resolve("c").toString()}, {"evaluate", "--model="},
        {"predict", "--model", "m", "--csv", ""}, {"perceptron", "--pairs", "1", "--data=", "--output",
            dir.resolve("d").toString()}};
    for (String[] command : commands) {
      Run r = run(command);
      assertEquals(2, r.exitCode(), String.join(" ", command) + ": " + r.err());
      String option = r.err().replaceAll("(?s).*option '(--[a-z]+)'.*", "$1");
      assertTrue(List.of(command).stream().anyMatch(a -> a.equals(option) || a.equals(option + "="))
          && r.err().startsWith("error: Invalid value for option '" + option + "': it is empty, which names the "
          + "working directory, not a file; name one"), r.err());
    }
    try (var made = Files.list(dir)) {
      assertEquals(0, made.count(), "nothing is made");
    }
  }

  @Test
  void fileSystemErrorsNameThePathAndTheCause() {
    assertEquals("/runs/x: permission denied",
        Delta4jCommand.describe(new java.nio.file.AccessDeniedException("/runs/x")));
    assertEquals("/runs/x: not a directory",
        Delta4jCommand.describe(new java.nio.file.NotDirectoryException("/runs/x")));
    assertEquals("/runs/x: Is a directory",
        Delta4jCommand.describe(new java.nio.file.FileSystemException("/runs/x", null, "Is a directory")));
  }
}
