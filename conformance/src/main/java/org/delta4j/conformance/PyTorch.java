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
 * PyTorch as a second opinion: a script among a package's resources reads cases as JSON lines and prints one verdict a
 * case, {@code <case> <difference> <where>}. Needs {@code /usr/bin/python3} with torch; tests skip without it. Every
 * test that compares Delta4j with PyTorch runs its script through this.
 */
public final class PyTorch {
  private static final String PYTHON = "/usr/bin/python3";

  private PyTorch() {}

  /** Whether {@code /usr/bin/python3} imports torch. */
  public static boolean available() {
    try {
      return new ProcessBuilder(PYTHON, "-c", "import torch").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /**
   * The verdicts of the script {@code resource}, a resource beside {@code owner}, on {@code cases}, written to a file in
   * {@code dir}: its output's non-blank lines, one a case. Fails if the script fails or runs past five minutes.
   */
  public static List<String> verdicts(Class<?> owner, String resource, Path dir, List<String> cases)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path file = dir.resolve("cases.jsonl");
    Files.write(file, cases, StandardCharsets.UTF_8);
    Path copy = dir.resolve(resource);
    try (InputStream in = owner.getResourceAsStream(resource)) {
      assertTrue(in != null, "no resource " + resource + " beside " + owner.getName());
      Files.copy(in, copy);
    }
    Process p = new ProcessBuilder(PYTHON, copy.toString(), file.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the PyTorch script " + resource + " did not end");
    assertEquals(0, p.exitValue(), "the PyTorch script " + resource + " failed:\n" + output);
    List<String> verdicts = output.lines().filter(l -> !l.isBlank()).map(String::strip).toList();
    assertEquals(cases.size(), verdicts.size(), "one verdict a case: " + verdicts);
    return verdicts;
  }

  /**
   * Runs {@code script}, one of this package's resources, on the cases (written to {@code dir}) and fails unless it
   * gives a verdict for each whose difference is at most {@code tolerance}, listing those that differ.
   */
  static void assertAgree(Path dir, String script, List<String> cases, double tolerance) throws IOException,
      InterruptedException {
    List<String> verdicts = verdicts(PyTorch.class, script, dir, cases);
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
