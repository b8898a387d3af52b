package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a plan cuts batches into blocks and blocks among workers, for any batch size an int holds. */
class StepPlanTest {
  @Test
  void aBatchLargerThanTheDataIsOneBatchOfAllRowsEvenNearTheIntRange() {
    for (int batch : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 1, (1 << 30) + 1}) {
      for (int blocks = 1; blocks <= 2; blocks++) {
        String what = "batch " + batch + " in " + blocks + " blocks";
        StepPlan plan = new StepPlan(23, batch, blocks, 2, 5, true);
        assertEquals(1, plan.steps(), what);
        assertEquals(23, plan.rows(0), what);
        assertEquals((batch - 1L + blocks) / blocks, plan.blockSize(), what); // ⌈B / K⌉
        assertEquals(1, plan.blocksIn(0), what + ": all 23 rows fit the first block");
        assertEquals(23, plan.blockRows(0, 0), what);
        for (int p = 0; p < 23; p++) {
          assertEquals(0, plan.ownerOfPosition(p), what + ", position " + p);
        }
      }
    }
  }

  @Test
  void blocksOfTheLastBatchFollowTheFullBlocks() {
    StepPlan plan = new StepPlan(23, 7, 3, 2, 5, true); // blocks of 3, 3 and 1 rows; the last batch of 2 rows
    assertEquals(4, plan.steps());
    assertEquals(3, plan.blockSize());
    assertEquals(3, plan.blocksIn(0));
    assertEquals(1, plan.blockRows(0, 2));
    assertEquals(1, plan.blocksIn(3));
    assertEquals(2, plan.blockRows(3, 0));
    assertEquals(0, plan.owner(0));
    assertEquals(1, plan.owner(2));
  }
}
