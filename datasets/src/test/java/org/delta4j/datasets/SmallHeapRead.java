package org.delta4j.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reader run in a JVM of its own with a small heap, so that a test sees what a table too large for the memory does
 * (a refusal, or an OutOfMemoryError) without filling its own heap. Prints "read N samples", "refused: message", "out
 * of memory: message" or the error's name.
 */
final class SmallHeapRead {
  private SmallHeapRead() {}

  /** {@code args}: "classification" (label last) or "regression" (column 1 the target), then the file. */
  public static void main(String[] args) {
    Path file = Path.of(args[1]);
    try {
      int size = args[0].equals("classification") ? CsvReader.classification(file, -1, false).size()
          : CsvReader.regression(file, new int[] {1}, false).size();
      System.out.println("read " + size + " samples");
    } catch (IOException e) {
      System.out.println("refused: " + e.getMessage());
    } catch (IllegalStateException e) { // memory that could not be had, as Heap.outOfMemory words it
      System.out.println("out of memory: " + e.getMessage());
    } catch (OutOfMemoryError e) {
      System.out.println(e);
    }
  }

  /** What {@link #main} prints for {@code kind} and {@code file} in a JVM of {@code heapMib} MiB. */
  static String run(int heapMib, String kind, Path file) throws IOException, InterruptedException {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heapMib + "m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        SmallHeapRead.class.getName(), kind, file.toString());
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish");
    }
    return out;
  }
}
