package org.delta4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-class, macro and weighted precision, recall and F1 against scikit-learn's {@code precision_recall_fscore_support}
 * with {@code labels=range(classes)} and {@code zero_division=0}, on random labellings (fixed seed) that leave classes
 * never predicted, never present, or both. Needs {@code /usr/bin/python3} with scikit-learn; skipped otherwise.
 */
class ScikitLearnAgreementTest {
  private static final String SCRIPT = String.join("\n",
      "import sys",
      "from sklearn.metrics import precision_recall_fscore_support as prfs",
      "for line in open(sys.argv[1]):",
      "    k, a, p = line.split(';')",
      "    k = int(k); a = [int(v) for v in a.split()]; p = [int(v) for v in p.split()]",
      "    out = []",
      "    for avg in (None, 'macro', 'weighted'):",
      "        r = prfs(a, p, labels=list(range(k)), average=avg, zero_division=0)",
      "        out += [repr(float(x)) for m in r[:3] for x in (m if avg is None else [m])]",
      "    print(' '.join(out))");

  @TempDir Path dir;

  @Test
  void agreesWithScikitLearnOnRandomLabellings() throws Exception {
    assumeTrue(sklearnAvailable(), "/usr/bin/python3 cannot import sklearn");
    Random random = new Random(20_26);
    List<ConfusionMatrix> cases = new ArrayList<>();
    StringBuilder input = new StringBuilder();
    for (int t = 0; t < 200; t++) {
      int k = 1 + random.nextInt(t < 100 ? 4 : 12);
      int n = 1 + random.nextInt(40);
      int[] a = new int[n];
      int[] p = new int[n];
      for (int i = 0; i < n; i++) {
        a[i] = random.nextInt(k);
        p[i] = random.nextBoolean() ? a[i] : random.nextInt(k); // some right, some classes left out
      }
      cases.add(ConfusionMatrix.of(a, p, k));
      input.append(k).append(';').append(join(a)).append(';').append(join(p)).append('\n');
    }
    Path file = dir.resolve("cases.txt");
    Path script = dir.resolve("prfs.py");
    Files.writeString(file, input);
    Files.writeString(script, SCRIPT);
    Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), file.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
    String[] lines = output.strip().split("\n");
    assertEquals(cases.size(), lines.length, output);
    for (int t = 0; t < cases.size(); t++) {
      ConfusionMatrix m = cases.get(t);
      String[] sk = lines[t].trim().split(" ");
      int k = m.classes();
      int at = 0;
      for (int measure = 0; measure < 3; measure++) {
        for (int c = 0; c < k; c++) {
          double ours = measure == 0 ? m.precision(c) : measure == 1 ? m.recall(c) : m.f1(c);
          assertEquals(Double.parseDouble(sk[at++]), ours, 1e-12,
              "case " + t + ", measure " + measure + ", class " + c);
        }
      }
      double[] means = {m.macroPrecision(), m.macroRecall(), m.macroF1(),
          m.weightedPrecision(), m.weightedRecall(), m.weightedF1()};
      for (int i = 0; i < means.length; i++) {
        assertEquals(Double.parseDouble(sk[at++]), means[i], 1e-12, "case " + t + ", mean " + i);
      }
    }
  }

  private static String join(int[] v) {
    StringBuilder sb = new StringBuilder();
    for (int x : v) {
      sb.append(x).append(' ');
    }
    return sb.toString().trim();
  }

  private static boolean sklearnAvailable() {
    try {
      return new ProcessBuilder("/usr/bin/python3", "-c", "import sklearn").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
