package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PyTorch script among this package's test resources, run by {@code /usr/bin/python3} on a file of cases (one line
 * of JSON each) that it answers with one verdict a line. The tests that compare Delta4j with PyTorch share it.
 */
final class TorchScript {
  private TorchScript() {}

  /** Whether /usr/bin/python3 imports torch; the tests skip, saying so, when it does not. */
  static boolean available() {
    try {
      return new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /**
   * The script {@code resource}'s verdicts on {@code cases}, written to a file in {@code dir}: its output's non-blank
   * lines. Fails if the script fails or runs past five minutes.
   */
  static List<String> verdicts(String resource, Path dir, List<String> cases) throws IOException,
      InterruptedException {
    Files.createDirectories(dir);
    Path file = dir.resolve("cases.jsonl");
    Files.write(file, cases, StandardCharsets.UTF_8);
    Path script = dir.resolve(resource);
    try (InputStream in = TorchScript.class.getResourceAsStream(resource)) {
      Files.copy(in, script);
    }
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), file.toString()).redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the PyTorch script " + resource + " did not end");
    assertEquals(0, p.exitValue(), "the PyTorch script " + resource + " failed:\n" + output);
    List<String> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    assertEquals(cases.size(), lines.size(), "one verdict a case: " + lines);
    return lines;
  }
}
