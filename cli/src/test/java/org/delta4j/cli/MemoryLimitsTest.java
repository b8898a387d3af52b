package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.delta4j.random.SplitMix64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory, scaled down: a CSV table larger than the whole heap trains, since it is streamed into one byte a value; one
 * that cannot fit is refused with how much it needs and how to give more; and whatever else runs out of memory says
 * so and how to give more — never a stack trace. The program runs in a JVM of its own with a heap of {@value
 * #HEAP_MIB} MiB, standing for the launcher's 1 GiB.
 */
class MemoryLimitsTest {
  static final int HEAP_MIB = 48;
  private static final int FEATURES = 784;

  /** Rows of pixel values 100–255 (four bytes each with the comma), then a label 0–9: about 3 KiB a row. */
  private static Path pixels(Path dir, int rows, boolean fractional) throws IOException {
    Path f = dir.resolve(fractional ? "fractions.csv" : "pixels.csv");
    SplitMix64 r = new SplitMix64(5);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
      byte[] row = new byte[FEATURES * 4 + 2];
      for (int i = 0; i < rows; i++) {
        int label = i % 10;
        for (int p = 0; p < FEATURES; p++) {
          int v = 100 + (p / 78 == label ? 155 : r.nextInt(100));
          row[4 * p] = (byte) ('0' + v / 100);
          row[4 * p + 1] = fractional ? (byte) '.' : (byte) ('0' + v / 10 % 10);
          row[4 * p + 2] = (byte) ('0' + v % 10);
          row[4 * p + 3] = ',';
        }
        row[4 * FEATURES] = (byte) ('0' + label);
        row[4 * FEATURES + 1] = '\n';
        out.write(row);
      }
    }
    return f;
  }

  private static String[] run(Path csv, Path out, Path errors) throws Exception {
    return run(errors, HEAP_MIB, "train", "--csv", csv.toString(), "--epochs", "1", "--batch-size", "256", "--engine",
        "ref", "--output", out.toString());
  }

  private static String[] run(Path errors, int heapMib, String... args) throws Exception {
    Process p = ProgramProcess.start(List.of("-Xmx" + heapMib + "m", "-XX:+UseSerialGC"), errors, args);
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the program did not finish");
    return new String[] {String.valueOf(p.exitValue()), stdout, Files.readString(errors)};
  }

  @Test
  void aTableLargerThanTheHeapTrainsAndOneThatCannotFitIsRefusedSayingWhatItNeeds(@TempDir Path dir)
      throws Exception {
    Path big = pixels(dir, 20_000, false);
    assertTrue(Files.size(big) > (HEAP_MIB + 10) << 20, "the text is larger than the heap: " + Files.size(big));
    String[] trained = run(big, dir.resolve("run"), dir.resolve("errors.txt"));
    assertEquals("0", trained[0], trained[2]);
    assertTrue(trained[1].contains("20000 samples of 784 features, 10 classes"), trained[1]);
    assertTrue(trained[1].contains("Test accuracy: "), trained[1]);

    Path floats = pixels(dir, 20_000, true); // 1.23 and the like: four bytes a value in memory
    String[] refused = run(floats, dir.resolve("refused"), dir.resolve("errors2.txt"));
    assertEquals("1", refused[0], refused[2]);
    String error = error(refused);
    assertTrue(error.startsWith("error: " + floats + ": 20,000 rows of 784 values need about 59 MiB, more than the "),
        error);
    assertTrue(error.contains("DELTA4J_JAVA_OPTS=-Xmx"), error);
    assertFalse(error.contains("\tat "), "no stack trace: " + error);
  }

  /** Standard error without the JVM's note on incubator modules. */
  private static String error(String[] run) {
    return run[2].lines().filter(l -> !l.startsWith("WARNING: Using incubator")).reduce("", String::concat);
  }

  @Test
  void imagesLargerThanTheHeapCanGiveAreRefusedBeforeTheyAreRead(@TempDir Path dir) throws Exception {
    CommandsTest.writeIdx(dir, "train", 12_000, 1); // 9 MB of images: more than a 12 MiB heap can give
    CommandsTest.writeIdx(dir, "t10k", 100, 2);
    String[] run = run(dir.resolve("errors.txt"), 12, "train", "--data", dir.toString(), "--engine", "ref",
        "--output", dir.resolve("run").toString());
    assertEquals("1", run[0], run[2]);
    String error = error(run);
    assertTrue(error.startsWith("error: " + dir.resolve("train-images-idx3-ubyte.gz") + ": the 9,408,000 data bytes "
        + "the header announces ([12000, 28, 28]) need about 8 MiB, more than the ") && error.contains(
        "give Java more memory (-Xmx, or DELTA4J_JAVA_OPTS=-Xmx"), error);
  }

  /**
   * Weights too large for the heap are refused naming the tensor and its size, as the engine words it, where the
   * program said only that it had run out of memory.
   */
  @Test
  void weightsTooLargeForTheHeapAreNamedWithTheirSize(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("points.csv"), "1,2,0\n2,1,1\n3,1,1\n1,3,0\n0,1,0\n");
    Path spec = Files.writeString(dir.resolve("wide.json"), "{\"input\": [2], \"layers\": [{\"type\": \"dense\", "
        + "\"units\": 20000000}, {\"type\": \"dense\", \"units\": 2}], \"loss\": \"softmax_cross_entropy\"}");
    String[] run = run(dir.resolve("errors.txt"), HEAP_MIB, "train", "--csv", csv.toString(), "--spec",
        spec.toString(), "--validation-fraction", "0", "--engine", "ref", "--output",
        dir.resolve("run").toString());
    assertEquals("1", run[0], run[2]);
    String error = error(run);
    assertTrue(error.startsWith("error: the reference engine: the values of a tensor [2, 20000000] in FLOAT32, need "
        + "about 152 MiB, more than Java could give (maximum heap ") && error.contains("give Java more memory (-Xmx, "
        + "or DELTA4J_JAVA_OPTS=-Xmx"), error);
  }

  /** A line of tens of millions of commas is refused naming the file and line, where it ran out of memory unsaid. */
  @Test
  void aLineOfTensOfMillionsOfFieldsIsRefusedNamingIt(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("commas.csv");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
      byte[] commas = new byte[1 << 20];
      java.util.Arrays.fill(commas, (byte) ',');
      for (int i = 0; i < 40; i++) {
        out.write(commas);
      }
      out.write('\n');
    }
    String[] run = run(csv, dir.resolve("run"), dir.resolve("errors.txt"));
    assertEquals("1", run[0], run[2]);
    String error = error(run);
    assertTrue(error.startsWith("error: " + csv + ": line 1, of more than ") && error.contains(" fields, and its "
        + "columns' flags need about ") && error.contains("give Java more memory (-Xmx, or DELTA4J_JAVA_OPTS=-Xmx"),
        error);
  }

  @Test
  void runningOutOfMemoryElsewhereSaysHowMuchTheHeapHadAndHowToGiveMore(@TempDir Path dir) throws Exception {
    CommandsTest.writeIdx(dir, "train", 4_000, 1); // 3 MB of images, read; then no room to train on them
    CommandsTest.writeIdx(dir, "t10k", 100, 2);
    String[] run = run(dir.resolve("errors.txt"), 12, "train", "--data", dir.toString(), "--engine", "ref",
        "--output", dir.resolve("run").toString());
    assertEquals("1", run[0], run[2]);
    String error = error(run);
    assertTrue(error.startsWith("error: out of memory: this job needs more than the ") && error.contains(
        "MiB of heap Java was given; give it more, for example DELTA4J_JAVA_OPTS=-Xmx"), error);
    assertFalse(error.contains("\tat ") || error.contains("Exception"), "no stack trace: " + error);
  }
}
