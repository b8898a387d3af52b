package org.delta4j.spark.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The benchmark's command line: later options win, lists are comma-separated, bad values are named. */
class ClusterBenchmarkTest {
  @Test
  void laterOptionsWinAndListsAreCommaSeparated() {
    ClusterBenchmark.Options o = ClusterBenchmark.Options.parse(new String[] {"--rows", "2000", "--workers", "1, 2",
        "--lbfgs", "", "--out", "a.json", "--out", "b.json", "--reports-per-epoch", "4", "--rounds", "3"});
    assertEquals(2000, o.rows());
    assertEquals(512, o.batch(), "the global batch unless told");
    assertEquals(3, o.rounds());
    assertEquals(4, o.reportsPerEpoch());
    assertArrayEquals(new int[] {1, 2}, o.workers());
    assertArrayEquals(new int[0], o.lbfgs(), "an empty series runs no fit");
    assertEquals(Path.of("b.json"), o.out());
  }

  @Test
  void badOptionsAreNamed() {
    String unknown = refused("--row", "5");
    assertTrue(unknown.startsWith("unknown option --row;"), unknown);
    String workers = refused("--workers", "0");
    assertTrue(workers.contains("worker counts, each ≥ 1 (got [0])"), workers);
    String none = refused("--workers", "");
    assertTrue(none.contains("(got [])"), none);
    String rounds = refused("--rounds", "0");
    assertTrue(rounds.contains("--rounds ≥ 1 (got 0)"), rounds);
    assertEquals("option --epochs needs a value", refused("--epochs"));
  }

  /** The message with which the command line {@code args} is refused. */
  private static String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> ClusterBenchmark.Options.parse(args)).getMessage();
  }
}
