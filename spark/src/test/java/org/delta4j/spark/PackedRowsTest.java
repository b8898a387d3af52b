package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * Packed rows give back the very doubles that were packed — in floats when every value is a widened float, else in
 * doubles — and reach the workers the plan names, each row once.
 */
class PackedRowsTest {
  private static List<Sample> samples(int n, int width, boolean floats) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[width];
      for (int j = 0; j < width; j++) {
        x[j] = floats ? (float) (i * 0.37 + j / 7.0) : i * 0.37 + j / 7.0;
      }
      x[0] = floats ? Float.MIN_VALUE : Double.MIN_VALUE; // a subnormal of each type
      out.add(new Sample(i, x, i % 3));
    }
    return out;
  }

  private static void assertSameRows(List<Sample> expected, PackedRows rows, int[] rowOf) {
    for (Sample s : expected) {
      int r = rowOf[(int) s.index()];
      assertArrayEquals(s.features(), rows.features(r));
      assertEquals(s.label(), rows.labels()[r]);
    }
  }

  @Test
  void widenedFloatsTravelAsFloatsAndComeBackAsTheSameDoubles() {
    List<Sample> in = samples(5, 3, true);
    PackedRows rows = PackedRows.of(3, in, new long[] {4, 3, 2, 1, 0});
    assertNotNull(rows.floats());
    assertNull(rows.doubles());
    assertSameRows(in, rows, new int[] {0, 1, 2, 3, 4});
  }

  @Test
  void oneValueThatNoFloatHoldsKeepsTheRowsInDoubles() {
    List<Sample> in = samples(5, 3, true);
    in.get(3).features()[2] = 0.1; // 0.1 is no float
    PackedRows rows = PackedRows.of(3, in, new long[] {0, 1, 2, 3, 4});
    assertNull(rows.floats());
    assertSameRows(in, rows, new int[] {0, 1, 2, 3, 4});
    assertEquals(0.1, rows.features(3)[2]);
  }

  @Test
  void eachRowGoesToTheWorkerOfItsPositionInChunksOfAtMostMaxRows() {
    int n = 2 * PackedRows.MAX_ROWS + 5;
    StepPlan plan = new StepPlan(n, 10, 3, 2, 1, true);
    int[] positions = plan.positions(2);
    List<Sample> in = samples(n, 2, false);
    int[] seen = new int[n];
    List<Tuple2<Integer, PackedRows>> out = new ArrayList<>();
    PackedRows.byWorker(in.iterator(), plan, positions).forEachRemaining(out::add);
    for (Tuple2<Integer, PackedRows> t : out) {
      assertTrue(t._2().rows() <= PackedRows.MAX_ROWS);
      for (int r = 0; r < t._2().rows(); r++) {
        long position = t._2().positions()[r];
        assertEquals(plan.ownerOfPosition(position), (int) t._1());
        seen[plan.order(2)[(int) position]]++;
      }
    }
    for (int i = 0; i < n; i++) {
      assertEquals(1, seen[i], "sample " + i);
    }
  }

  @Test
  void everyWorkerGetsAllRowsByIndex() {
    int n = PackedRows.MAX_ROWS + 3;
    List<Sample> in = samples(n, 4, true);
    List<Tuple2<Integer, PackedRows>> out = new ArrayList<>();
    PackedRows.toEveryWorker(in.iterator(), 3).forEachRemaining(out::add);
    for (int w = 0; w < 3; w++) {
      int worker = w;
      PackedRows.Index all = PackedRows.index(out.stream().filter(t -> t._1() == worker).iterator(), n);
      for (Sample s : in) {
        int i = (int) s.index();
        PackedRows chunk = all.chunks()[all.chunkOf()[i]];
        assertArrayEquals(s.features(), chunk.features(all.rowIn()[i]));
        assertEquals(s.label(), chunk.labels()[all.rowIn()[i]]);
      }
    }
  }

  @Test
  void aMissingOrRepeatedSampleIsRefused() {
    List<Sample> in = samples(4, 2, true);
    List<Tuple2<Integer, PackedRows>> once = List.of(new Tuple2<>(0, PackedRows.of(2, in, new long[] {0, 1, 2, 3})));
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> PackedRows.index(once.iterator(), 5));
    assertTrue(missing.getMessage().contains("lacks sample 4 of 5"), missing.getMessage());
    List<Tuple2<Integer, PackedRows>> twice = List.of(once.get(0), once.get(0));
    IllegalStateException repeated = assertThrows(IllegalStateException.class,
        () -> PackedRows.index(twice.iterator(), 4));
    assertTrue(repeated.getMessage().contains("sample 0 twice"), repeated.getMessage());
  }
}
