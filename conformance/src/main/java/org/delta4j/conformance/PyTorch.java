package org.delta4j.conformance;

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
 * PyTorch as a second opinion: a script among this package's resources reads cases as JSON lines and prints one verdict
 * a case, {@code <case> <difference> <where>}. Needs {@code /usr/bin/python3} with torch; tests skip without it.
 */
final class PyTorch {
  private static final String PYTHON = "/usr/bin/python3";

  private PyTorch() {}

  /** Whether {@code /usr/bin/python3} imports torch. */
  static boolean available() {
    try {
      return new ProcessBuilder(PYTHON, "-c", "import torch").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /**
   * Runs {@code script} on the cases (written to {@code dir}) and fails unless it gives a verdict for each whose
   * difference is at most {@code tolerance}, listing those that differ.
   */
  static void assertAgree(Path dir, String script, List<String> cases, double tolerance) throws IOException,
      InterruptedException {
    Path file = dir.resolve("cases.jsonl");
    Files.write(file, cases, StandardCharsets.UTF_8);
    Path copy = dir.resolve(script);
    try (InputStream in = PyTorch.class.getResourceAsStream(script)) {
      Files.copy(in, copy);
    }
    Process p = new ProcessBuilder(PYTHON, copy.toString(), file.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), script + " did not end");
    assertEquals(0, p.exitValue(), script + " failed:\n" + output);
    List<String> verdicts = output.lines().filter(l -> !l.isBlank()).map(String::strip).toList();
    assertEquals(cases.size(), verdicts.size(), "one verdict a case: " + verdicts);
    List<String> differing = new ArrayList<>();
    for (String v : verdicts) {
      if (!(Double.parseDouble(v.split(" ")[1]) <= tolerance)) {
        differing.add(v);
      }
    }
    assertTrue(differing.isEmpty(), differing.size() + " of " + cases.size() + " cases differ from PyTorch by more "
        + "than " + tolerance + ":\n" + String.join("\n", differing));
  }
}
