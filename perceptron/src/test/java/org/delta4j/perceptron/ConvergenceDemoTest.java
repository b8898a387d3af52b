package org.delta4j.perceptron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demonstration's synthetic sets have the margin they are asked for: γ* itself, not a floor under it; its
 * arguments are checked before anything runs.
 */
class ConvergenceDemoTest {
  @Test
  void theSyntheticSetsBestMarginIsTheTarget() {
    // Only keeping points at least γ from a hyperplane left γ* wherever the 400 points fell: certified 0.024 for a
    // target of 0.003 in 2 dimensions, 0.032 in 50, so the margins spanned one order of magnitude, not two.
    for (int dim : new int[] {2, 50}) {
      for (double margin : new double[] {0.3, 0.003}) {
        LabeledPoints d = ConvergenceDemo.syntheticSet(400, dim, margin, 7L * dim);
        MaxMargin.Certificate c = MaxMargin.of(d, 1e-10, 1_000_000);
        String where = "d = " + dim + ", γ = " + margin + ": " + c.lower() + " ≤ γ* ≤ " + c.upper();
        assertTrue(c.lower() <= margin * (1 + 1e-12) && margin <= c.upper() * (1 + 1e-12), where);
        assertEquals(margin, c.lower(), margin * 1e-9, where);
        assertTrue(d.radius() <= Math.sqrt(2) * (1 + 1e-15), "points in the unit ball: R ≤ √2, got " + d.radius());
        assertEquals(400, d.size());
      }
    }
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingRuns(@TempDir Path dir) {
    // "--pairs 3" alone made "--pairs" the output directory; "--pairs x" was a bare NumberFormatException; 46 and −1
    // ran as 45 and as none.
    assertRefused(() -> ConvergenceDemo.main(new String[] {"--pairs", "x"}),
        "--pairs must be a whole number from 0 to 45, got x");
    assertRefused(() -> ConvergenceDemo.main(new String[] {"--pairs", "46"}), "got 46");
    assertRefused(() -> ConvergenceDemo.main(new String[] {"--pairs"}), "--pairs needs a number from 0 to 45");
    assertRefused(() -> ConvergenceDemo.main(new String[] {dir.toString(), "extra"}), "unexpected argument extra");
    assertRefused(() -> ConvergenceDemo.main(new String[] {"--pair", "3"}), "unexpected argument --pair");
    assertRefused(() -> ConvergenceDemo.run(dir, line -> { }, -1, null), "fashionPairs must be from 0 to 45, got -1");
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> ConvergenceDemo.run(null, line -> { }, 0, null));
    assertTrue(e.getMessage().startsWith("outputDirectory"), e.getMessage());
    assertFalse(Files.exists(Path.of("--pairs")), "no directory named after an option");
  }

  /**
   * Pairs asked for of a Fashion-MNIST that is not there are an error before any work, naming the directory: the run
   * wrote a note in its report and exited as if all were done.
   */
  @Test
  void pairsOfAFashionMnistThatIsNotThereAreAnErrorBeforeAnyWork(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-dir");
    java.io.IOException e = assertThrows(java.io.IOException.class,
        () -> ConvergenceDemo.run(dir.resolve("out"), line -> { }, 1, missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out")), "nothing written");
  }

  private static void assertRefused(Executable e, String fragment) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().contains(fragment), x.getMessage());
  }
}
