package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SavedModel;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --spark} end to end, on a small Fashion-MNIST of its own (240 training and 40 test images in the
 * dataset's IDX files): 1 epoch on 2 workers, then {@code --resume} from its checkpoint up to 2 on 1 worker, which
 * trains epoch 2 alone with the checkpoint's blocks, ends with the model of 2 epochs in one run, bit for bit; a resumed
 * run given another batch size is refused naming it. A network spec file of the user's, and the reports the run
 * writes.
 */
class SparkTrainProgramTest {
  @TempDir
  Path dir;

  @Test
  void oneEpochThenResumedToTwoSavesTheModelOfTwoEpochsInOneRun() throws Throwable {
    Path data = fashionMnist(dir.resolve("data"), 240, 40);
    String straight = dir.resolve("straight").toString();
    String halted = dir.resolve("halted").toString();
    train("--data", data.toString(), "--epochs", "2", "--batch-size", "32", "--workers", "2", "--output", straight);
    train("--data", data.toString(), "--epochs", "1", "--batch-size", "32", "--workers", "2", "--output", halted);
    byte[] afterOne = Files.readAllBytes(Path.of(halted, "model.safetensors"));
    // on 1 worker now: the run's 2 blocks a batch, which fix the arithmetic, are the checkpoint's
    String said = printed(() -> train("--data", data.toString(), "--epochs", "2", "--workers", "1", "--resume",
        Path.of(halted, "checkpoint.safetensors").toString()));
    assertTrue(said.contains("resuming from " + Path.of(halted, "checkpoint.safetensors") + ": its seed 42, batches "
        + "of 32 rows cut into 2 blocks, on 1 worker now") && said.contains("epoch 2:") && !said.contains("epoch 1:"),
        said);

    double[] twoEpochs = weights(Path.of(straight, "model.safetensors"));
    double[] resumed = weights(Path.of(halted, "model.safetensors"));
    assertArrayEquals(twoEpochs, resumed);
    assertFalse(Arrays.equals(weights(afterOne), resumed), "the resumed run trained its second epoch");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train("--data", data.toString(),
        "--epochs", "3", "--batch-size", "64", "--resume", Path.of(halted, "checkpoint.safetensors").toString()));
    assertTrue(e.getMessage().contains("batch size"), e.getMessage());
  }

  /**
   * {@code --spec}: a convolutional network of the user's trains in FLOAT64 ({@code --dtype}, written {@code
   * --dtype=float64} as picocli's options may be) from the file's own seed, and the run writes the single-machine
   * job's reports; resumed without {@code --spec} or {@code --dtype}, it continues the checkpoint's
   * network in the checkpoint's data type. A network that does not fit the images, and a data type that does not
   * exist, are refused naming them, before Spark starts.
   */
  @Test
  void aSpecFileTrainsItsOwnNetworkAndTheRunWritesTheReports() throws Throwable {
    Path data = fashionMnist(dir.resolve("data"), 240, 40);
    Path spec = dir.resolve("cnn.json");
    Files.writeString(spec, """
        {"input": [1, 28, 28],
         "layers": [{"type": "conv2d", "filters": 4, "kernel": [3, 3], "stride": [2, 2]}, {"type": "relu"},
                    {"type": "max_pool2d", "kernel": [2, 2]}, {"type": "flatten"}, {"type": "dense", "units": 10}],
         "loss": "softmax_cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}, "seed": 9}""");
    Path out = dir.resolve("cnn");
    String said = printed(() -> train("--data", data.toString(), "--spec", spec.toString(), "--dtype=float64",
        "--epochs", "1", "--batch-size", "40", "--workers=2", "--output", out.toString()));
    assertTrue(said.contains("FLOAT64") && said.contains("conv 4 3×3") && said.contains("Test accuracy"), said);
    SavedModel first = ModelBytes.saved(Files.readAllBytes(out.resolve("model.safetensors")), "ref", null);
    assertEquals(DataType.FLOAT64, first.network().dataType());
    assertEquals(NetworkSpecJson.read(Files.readString(spec)), first.network().spec(), "the file's own seed");
    String report = Files.readString(out.resolve("test-report.txt"));
    assertTrue(report.startsWith("Test accuracy: ") && report.contains("on 40 images") && report.contains("T-shirt")
        && report.contains("Confusion matrix"), report);
    assertPng(out.resolve("learning-curves.png"));
    assertPng(out.resolve("confusion-matrix.png"));

    String resumed = printed(() -> train("--data", data.toString(), "--epochs", "2", "--workers", "2", "--resume",
        out.resolve("checkpoint.safetensors").toString()));
    assertTrue(resumed.contains("epoch 2:") && !resumed.contains("epoch 1:") && resumed.contains("FLOAT64"), resumed);
    SavedModel second = ModelBytes.saved(Files.readAllBytes(out.resolve("model.safetensors")), "ref", null);
    assertEquals(first.network().spec(), second.network().spec());
    assertEquals(2, ModelBytes.saved(Files.readAllBytes(out.resolve("checkpoint.safetensors")), "ref", null)
        .progress().history().size(), "the checkpoint records both epochs, the curves draw them");
    assertFalse(Arrays.equals(BlockGradients.weights(first.network()), BlockGradients.weights(second.network())));

    Path dense = dir.resolve("dense.json");
    Files.writeString(dense, """
        {"input": [100], "layers": [{"type": "dense", "units": 10}], "loss": "softmax_cross_entropy"}""");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train("--data", data.toString(),
        "--spec", dense.toString(), "--output", dir.resolve("never").toString()));
    assertTrue(e.getMessage().contains("--spec " + dense) && e.getMessage().contains("100 values")
        && e.getMessage().contains("784"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> train("--dtype", "float16"));
    assertTrue(e.getMessage().contains("--dtype") && e.getMessage().contains("float16"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("never")), "nothing was written for a refused network");
  }

  /**
   * Before any training: an output that is a file, under a file, on a file system that is not here, or the directory
   * of another run (whose model it would replace), is refused naming it, and so is a number of workers below 1, or
   * above the task slots, in the words of the options.
   */
  @Test
  void anOutputHoldingARunOrAFileIsRefusedBeforeTraining() throws Throwable {
    Path data = fashionMnist(dir.resolve("data"), 240, 40);
    Path run = dir.resolve("run");
    train("--data", data.toString(), "--epochs", "1", "--batch-size", "40", "--workers", "2", "--output",
        run.toString());
    byte[] model = Files.readAllBytes(run.resolve("model.safetensors"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train("--data", data.toString(),
        "--epochs", "1", "--output", run.toString()));
    assertEquals("--output " + run + " already holds a run (model.safetensors); continue it with --resume " + run
        + "/checkpoint.safetensors, or choose another --output", e.getMessage());
    assertArrayEquals(model, Files.readAllBytes(run.resolve("model.safetensors")), "the run's model is untouched");

    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    e = assertThrows(IllegalArgumentException.class, () -> train("--data", data.toString(), "--output",
        file.toString()));
    assertEquals("--output " + file + " is a file, not a directory", e.getMessage());
    // found before Spark starts, where it was found when the first epoch's checkpoint was written
    e = assertThrows(IllegalArgumentException.class, () -> train("--data", data.toString(), "--output",
        file + "/sub"));
    assertEquals("--output " + file + "/sub: " + file + "/sub/checkpoint.safetensors cannot be written: " + file
        + " is a file, not a directory", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> train("--data", data.toString(), "--output",
        "s3a://bucket/x"));
    assertTrue(e.getMessage().startsWith("--output s3a://bucket/x: No FileSystem for scheme \"s3a\" here"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> train("--workers", "0"));
    assertEquals("option --workers takes a number of workers, at least 1, not 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> train("--data", data.toString(), "--workers", "5",
        "--output", dir.resolve("five").toString()));
    assertEquals("--workers 5: the workers train at once, but Spark has 2 task slots: give --workers 2 or fewer",
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("five")), "a run refused before writing anything leaves no directory");
  }

  /**
   * A run refused once its output was checked (a master URL Spark cannot start on, a master of no cores) leaves no
   * directory it made behind, at any depth, as train leaves none; a directory that was there before stays.
   */
  @Test
  void aRefusedRunLeavesNoDirectoryItMade() throws Throwable {
    Path data = fashionMnist(dir.resolve("data"), 240, 40);
    Path before = Files.createDirectories(dir.resolve("before"));
    for (String master : new String[] {"bogus://x", "local[0]"}) {
      for (Path out : new Path[] {dir.resolve("made/by/the-run"), before}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train("--data",
            data.toString(), "--spark", master, "--output", out.toString()));
        assertTrue(e.getMessage().contains("'" + master + "'"), e.getMessage());
      }
      assertFalse(Files.exists(dir.resolve("made")), master + ": the directories made for the run are gone");
      assertTrue(Files.isDirectory(before), master + ": the directory that was there stays");
    }
  }

  /**
   * The short options train documents are taken as train takes them: {@code -o DIR} (or {@code -o=DIR}, {@code
   * -oDIR}) is {@code --output DIR} (it was an unknown option), {@code -V} prints the version and does nothing else.
   */
  @Test
  void theShortOptionsOfTrainAreTakenAsTrainTakesThem() throws Throwable {
    Path data = fashionMnist(dir.resolve("data"), 240, 40);
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    for (String[] output : new String[][] {{"-o", file.toString()}, {"-o=" + file}, {"-o" + file}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train(
          Stream.concat(Stream.of("--data", data.toString()), Stream.of(output)).toArray(String[]::new)));
      assertEquals("--output " + file + " is a file, not a directory", e.getMessage());
    }
    String version = printed(() -> train("-V", "--data", dir.resolve("no-data").toString()));
    assertTrue(version.matches("Delta4j \\S+\\R"), version);
  }

  /**
   * Errors end the program as they end train: one line, {@code error:} and the message; exit status 2 for a command
   * line that does not parse (an unknown option, the last one too, a missing value, a value not of its type), saying
   * where the usage is, and 1 for a run refused (a value out of range, missing data, a master Spark cannot start on).
   * It printed its own prefix and exited with 2 for all of them, and called an unknown last option one that needs a
   * value.
   */
  @Test
  void errorsAreOneLineWithTrainsPrefixAndExitStatus() throws IOException {
    Path data = fashionMnist(dir.resolve("data"), 240, 40);
    String usage = "; see 'delta4j train --spark MASTER --help'";
    assertEnds(2, "error: unknown option --bogus; train --spark takes --spark, --epochs, --batch-size, --engine, "
        + "--dtype, --spec, --seed, --workers, --data, --output (-o), --resume" + usage, "--bogus", "x");
    assertEnds(2, "error: unknown option --bogus; train --spark takes --spark, --epochs, --batch-size, --engine, "
        + "--dtype, --spec, --seed, --workers, --data, --output (-o), --resume" + usage, "--bogus");
    assertEnds(2, "error: option --output needs a value" + usage, "-o");
    assertEnds(2, "error: option --epochs needs a value" + usage, "--epochs");
    assertEnds(2, "error: option --epochs takes a whole number, not 'x'" + usage, "--epochs", "x");
    assertEnds(2, "error: --dtype: no data type 'float16': the types are FLOAT32 and FLOAT64" + usage, "--dtype",
        "float16");
    assertEnds(1, "error: option --epochs takes a number of epochs, at least 1, not 0", "--epochs", "0");
    Path missing = dir.resolve("no-data");
    assertEnds(1, "error: " + missing + ": the directory given does not hold the Fashion-MNIST files (no such "
        + "directory)", "--data", missing.toString());
    Path out = dir.resolve("out");
    String said = ended(1, "--data", data.toString(), "--spark", "bogus://x", "--output", out.toString());
    assertTrue(said.startsWith("error: ") && said.contains("'bogus://x'") && said.lines().count() == 1, said);
    assertFalse(Files.exists(out));
  }

  /**
   * Checks that the program, given {@code options} after {@code --spark local[2]}, ends with {@code status}, having
   * printed {@code line} to standard error.
   */
  private static void assertEnds(int status, String line, String... options) {
    assertEquals(line + System.lineSeparator(), ended(status, options));
  }

  /**
   * What the program printed to standard error, given {@code options} after {@code --spark local[2]}, once it is
   * checked to have ended with {@code status}.
   */
  private static String ended(int status, String... options) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = Stream.concat(Stream.of("--spark", "local[2]"), Stream.of(options)).toArray(String[]::new);
    int ended = SparkTrain.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    String said = err.toString(StandardCharsets.UTF_8);
    assertEquals(status, ended, said);
    return said;
  }

  /** Options out of their range are refused naming the option and value, before the data is read or Spark starts. */
  @Test
  void optionsOutOfRangeAreNamedBeforeSparkStarts() {
    String missing = dir.resolve("no-data").toString(); // never read: each option is refused before the data
    for (String[] option : new String[][] {{"--epochs", "0"}, {"--batch-size", "-2"}, {"--engine", "tpu"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> train("--data", missing, option[0], option[1]));
      assertTrue(e.getMessage().contains(option[0]) && e.getMessage().contains(option[1]), e.getMessage());
    }
  }

  /**
   * The command line parses whole before a value is judged, as train's does: a line that does not parse exits 2
   * whatever came before it, a value out of range (or an engine that is not there, or an empty --output) exits 1,
   * each on one line naming it.
   */
  @Test
  void aLineThatDoesNotParseIsSaidSoWhateverValueCameFirst() {
    String[][] unparsed = {{"--epochs", "0", "--bogus"}, {"--engine", "tpu", "--epochs", "x"}, {"-o=", "--seed"}};
    for (String[] line : unparsed) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = SparkTrain.run(withMaster(line), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(2, code, String.join(" ", line) + ": " + err);
    }
    String[][] refused = {{"--epochs", "0"}, {"--engine", "tpu"}, {"-o="}};
    String[] named = {"--epochs", "--engine tpu", "--output is empty"};
    for (int i = 0; i < refused.length; i++) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = SparkTrain.run(withMaster(refused[i]), new PrintStream(err, true, StandardCharsets.UTF_8));
      String said = err.toString(StandardCharsets.UTF_8);
      assertEquals(1, code, said);
      assertTrue(said.startsWith("error: ") && said.contains(named[i]) && said.strip().lines().count() == 1, said);
    }
  }

  /**
   * A new run refuses an output directory holding any file it would write, a spec file of the user's own among them,
   * naming it, and leaves the file as it was.
   */
  @Test
  void aNewRunRefusesToWriteOverAFileInItsDirectory() throws Exception {
    Path data = fashionMnist(dir.resolve("data"), 240, 40);
    Path out = Files.createDirectories(dir.resolve("out"));
    Path spec = Files.writeString(out.resolve("network.json"), "{\"mine\": true}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train("--data", data.toString(), "--epochs", "1", "--output", out.toString()));
    assertTrue(e.getMessage().contains("already holds network.json"), e.getMessage());
    assertEquals("{\"mine\": true}", Files.readString(spec));
  }

  private static String[] withMaster(String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "--spark";
    args[1] = "local[2]";
    System.arraycopy(options, 0, args, 2, options.length);
    return args;
  }

  /**
   * {@code --help} prints every option the program takes and does nothing else (it was refused as "option --help
   * needs a value"); data that is not there is named with why, not as a bare exception.
   */
  @Test
  void helpListsEveryOptionAndMissingDataIsNamed() throws Throwable {
    String said = printed(() -> train("--help"));
    for (String option : new String[] {"--spark", "--epochs", "--batch-size", "--workers", "--engine", "--dtype",
        "--spec", "--seed", "--data", "-o, --output", "--resume", "-h, --help", "-V, --version"}) {
      assertTrue(said.contains("  " + option + " "), option + " in\n" + said);
    }
    Path missing = dir.resolve("no-data");
    IOException e = assertThrows(IOException.class, () -> train("--data", missing.toString()));
    assertEquals(missing + ": the directory given does not hold the Fashion-MNIST files (no such directory)",
        e.getMessage());
  }

  private static void assertPng(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, file + " is not a PNG");
    assertTrue(image.getWidth() > 100 && image.getHeight() > 100, file + ": " + image);
  }

  /** What {@code run} printed to standard output. */
  private static String printed(Executable run) throws Throwable {
    PrintStream out = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      run.execute();
    } finally {
      System.setOut(out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static void train(String... options) throws Exception {
    String[] args = new String[options.length + 2];
    args[0] = "--spark";
    args[1] = "local[2]";
    System.arraycopy(options, 0, args, 2, options.length);
    SparkTrain.train(args); // stops the session it used: LocalSpark starts another when asked
  }

  private static double[] weights(Path model) throws IOException {
    return weights(Files.readAllBytes(model));
  }

  private static double[] weights(byte[] model) {
    return BlockGradients.weights(ModelBytes.network(model, "ref", DataType.FLOAT32));
  }

  /**
   * The four IDX files of a Fashion-MNIST of {@code train} and {@code test} images: random pixels, each image's class
   * drawn too and written into its brightest rows, so that there is something to learn.
   */
  private static Path fashionMnist(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    SplitMix64 random = new SplitMix64(3);
    writeSet(dir, "train", train, random);
    writeSet(dir, "t10k", test, random);
    return dir;
  }

  private static void writeSet(Path dir, String prefix, int n, SplitMix64 random) throws IOException {
    byte[] labels = new byte[n];
    byte[] pixels = new byte[n * 784];
    for (int i = 0; i < n; i++) {
      int label = (int) (random.nextDouble() * 10);
      labels[i] = (byte) label;
      for (int p = 0; p < 784; p++) {
        int bright = p / 28 >= 2 * label && p / 28 < 2 * label + 3 ? 160 : 0;
        pixels[i * 784 + p] = (byte) (bright + (int) (random.nextDouble() * 90));
      }
    }
    try (OutputStream o = Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte"));
        DataOutputStream d = new DataOutputStream(o)) {
      d.writeInt(0x00000803); // unsigned bytes, 3 dimensions
      d.writeInt(n);
      d.writeInt(28);
      d.writeInt(28);
      d.write(pixels);
    }
    try (OutputStream o = Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte"));
        DataOutputStream d = new DataOutputStream(o)) {
      d.writeInt(0x00000801); // unsigned bytes, 1 dimension
      d.writeInt(n);
      d.write(labels);
    }
  }
}
