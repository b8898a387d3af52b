package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.random.SplitMix64;
import org.delta4j.spark.GradientTree.Precision;
import org.junit.jupiter.api.Test;

/**
 * The blocks' vectors are added in one fixed tree: however the blocks are split into contiguous runs among workers,
 * the nodes the runs send complete to the same bits as the whole tree summed in one place. The tree sums in its
 * arguments' arrays, so each summation here gets fresh leaves (the same values: the random source is seeded). In
 * FLOAT precision the sums are exactly those of float vectors added in float.
 */
class GradientTreeTest {
  /** Leaves of values spread over 12 decades; in FLOAT precision, floats (as a FLOAT32 network's are). */
  private static double[][] leaves(int count, Precision precision) {
    SplitMix64 random = new SplitMix64(3);
    double[][] v = new double[count][4];
    for (double[] leaf : v) {
      for (int i = 0; i < leaf.length; i++) {
        leaf[i] = precision.round(random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6));
      }
    }
    return v;
  }

  private static double[][] leaves(int count) {
    return leaves(count, Precision.DOUBLE);
  }

  @Test
  void everySplitIntoRunsGivesTheBitsOfTheWholeTree() {
    for (Precision precision : Precision.values()) {
      for (int count = 1; count <= 9; count++) {
        double[][] once = leaves(count, precision);
        double[] whole = GradientTree.sum(count, GradientTree.cover(0, count, count, k -> once[k], precision),
            precision);
        for (int workers = 1; workers <= count; workers++) {
          double[][] v = leaves(count, precision);
          StepPlan plan = new StepPlan(100, count, count, workers, 1, false);
          List<GradientTree.Node> nodes = new ArrayList<>();
          for (int w = 0; w < workers; w++) {
            nodes.addAll(GradientTree.cover(plan.firstBlock(w), plan.firstBlock(w + 1), count, k -> v[k],
                precision));
          }
          assertArrayEquals(whole, GradientTree.sum(count, nodes, precision),
              precision + ", " + count + " blocks on " + workers + " workers");
        }
      }
    }
  }

  @Test
  void inFloatPrecisionTheSumsAreThoseOfFloatsAddedInFloat() {
    for (int count = 1; count <= 9; count++) {
      double[][] v = leaves(count, Precision.FLOAT);
      float[][] f = new float[count][4];
      for (int k = 0; k < count; k++) {
        for (int i = 0; i < 4; i++) {
          f[k][i] = (float) v[k][i];
        }
      }
      double[] sum = GradientTree.sum(count, GradientTree.cover(0, count, count, k -> v[k], Precision.FLOAT),
          Precision.FLOAT);
      float[] expected = floatTree(f, 0, count);
      for (int i = 0; i < 4; i++) {
        assertEquals(expected[i], sum[i], 0.0, count + " blocks, value " + i);
      }
    }
  }

  /** The tree's sum over blocks [lo, hi), computed in float. */
  private static float[] floatTree(float[][] f, int lo, int hi) {
    if (hi - lo == 1) {
      return f[lo].clone();
    }
    int mid = (lo + hi) >>> 1;
    float[] a = floatTree(f, lo, mid);
    float[] b = floatTree(f, mid, hi);
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  @Test
  void aRunThatIsASubtreeSendsOneNode() {
    double[][] v = leaves(8);
    assertEquals(1, GradientTree.cover(4, 8, 8, k -> v[k], Precision.DOUBLE).size());
    assertEquals(4, GradientTree.cover(1, 7, 8, k -> v[k], Precision.DOUBLE).size()); // [1,2) [2,4) [4,6) [6,7)
  }

  @Test
  void aMissingOrDuplicatedBlockIsAnError() {
    double[][] v = leaves(4);
    List<GradientTree.Node> half = GradientTree.cover(0, 2, 4, k -> v[k], Precision.DOUBLE);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> GradientTree.sum(4, half,
        Precision.DOUBLE));
    assertTrue(missing.getMessage().contains("no worker sent block 2"), missing.getMessage());
    List<GradientTree.Node> twice = new ArrayList<>(half);
    twice.addAll(half);
    assertThrows(IllegalArgumentException.class, () -> GradientTree.sum(4, twice, Precision.DOUBLE));
  }
}
