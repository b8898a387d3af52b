package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.random.SplitMix64;
import org.junit.jupiter.api.Test;

/**
 * The blocks' vectors are added in one fixed tree: however the blocks are split into contiguous runs among workers,
 * the nodes the runs send complete to the same bits as the whole tree summed in one place. The tree sums in its
 * arguments' arrays, so each summation here gets fresh leaves (the same values: the random source is seeded).
 */
class GradientTreeTest {
  private static double[][] leaves(int count) {
    SplitMix64 random = new SplitMix64(3);
    double[][] v = new double[count][4];
    for (double[] leaf : v) {
      for (int i = 0; i < leaf.length; i++) {
        leaf[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6);
      }
    }
    return v;
  }

  @Test
  void everySplitIntoRunsGivesTheBitsOfTheWholeTree() {
    for (int count = 1; count <= 9; count++) {
      double[][] once = leaves(count);
      double[] whole = GradientTree.sum(count, GradientTree.cover(0, count, count, k -> once[k]));
      for (int workers = 1; workers <= count; workers++) {
        double[][] v = leaves(count);
        StepPlan plan = new StepPlan(100, count, count, workers, 1, false);
        List<GradientTree.Node> nodes = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          nodes.addAll(GradientTree.cover(plan.firstBlock(w), plan.firstBlock(w + 1), count, k -> v[k]));
        }
        assertArrayEquals(whole, GradientTree.sum(count, nodes), count + " blocks on " + workers + " workers");
      }
    }
  }

  @Test
  void aRunThatIsASubtreeSendsOneNode() {
    double[][] v = leaves(8);
    assertEquals(1, GradientTree.cover(4, 8, 8, k -> v[k]).size());
    assertEquals(4, GradientTree.cover(1, 7, 8, k -> v[k]).size()); // [1,2) [2,4) [4,6) [6,7)
  }

  @Test
  void aMissingOrDuplicatedBlockIsAnError() {
    double[][] v = leaves(4);
    List<GradientTree.Node> half = GradientTree.cover(0, 2, 4, k -> v[k]);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> GradientTree.sum(4, half));
    assertTrue(missing.getMessage().contains("no worker sent block 2"), missing.getMessage());
    List<GradientTree.Node> twice = new ArrayList<>(half);
    twice.addAll(half);
    assertThrows(IllegalArgumentException.class, () -> GradientTree.sum(4, twice));
  }
}
