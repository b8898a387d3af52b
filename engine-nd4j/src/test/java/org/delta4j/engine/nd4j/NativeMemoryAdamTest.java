package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.delta4j.engine.Engines;
import org.delta4j.engine.WorkerPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam over ND4J's native memory: the Vector API loop gives the scalar loop's bits, both follow the definition
 * (computed here in double, element by element), moments never become subnormal, and strided arrays are refused.
 */
class NativeMemoryAdamTest {
  static {
    Engines.get(Nd4jEngine.NAME); // loads ND4J with the engine's settings
  }

  static INDArray random(DataType type, int n, long seed, double scale) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(type, n).subi(0.5).muli(2 * scale);
  }

  /** The array's native memory, as an engine tensor's is taken: a strided array is refused there. */
  private static NativeMemory memory(INDArray a) {
    return NativeMemory.of("adamUpdate", a);
  }

  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 7, 16, 17, 1000, 40_003})
  void vectorAndScalarLoopsAgreeWithTheDefinition(int n) {
    assertTrue(NativeMemoryAdam.vectorised(), "surefire runs with --add-modules jdk.incubator.vector");
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      INDArray w = random(type, n, 1, 1);
      INDArray m = random(type, n, 2, 0.01);
      INDArray v = Nd4j.math().abs(random(type, n, 3, 1e-4));
      INDArray g = random(type, n, 4, 0.1);
      INDArray[] byVector = {w.dup(), m.dup(), v.dup()};
      INDArray[] byScalar = {w.dup(), m.dup(), v.dup()};
      double rate = 1e-3;
      double b1 = 0.9;
      double b2 = 0.999;
      double eps = 1e-8;
      double c1 = 1 - Math.pow(b1, 3);
      double c2 = 1 - Math.pow(b2, 3);
      NativeMemoryAdam.update(memory(byVector[0]), memory(g), memory(byVector[1]), memory(byVector[2]), rate, b1, b2,
          eps, c1, c2);
      NativeMemoryAdam.update(new NativeMemoryAdam.Scalar(), memory(byScalar[0]), memory(g), memory(byScalar[1]),
          memory(byScalar[2]), rate, b1, b2, eps, c1, c2);
      for (int k = 0; k < 3; k++) {
        assertEquals(byScalar[k], byVector[k], type + " array " + k);
      }
      boolean single = type == DataType.FLOAT;
      double tolerance = single ? 1e-6 : 1e-14;
      double ob1 = single ? (float) (1 - b1) : 1 - b1; // the loop's constants: 1 − β in double, rounded to its type
      double ob2 = single ? (float) (1 - b2) : 1 - b2;
      for (int i = 0; i < n; i++) {
        double gi = g.getDouble(i);
        double mi = (single ? (float) b1 : b1) * m.getDouble(i) + ob1 * gi;
        double vi = (single ? (float) b2 : b2) * v.getDouble(i) + ob2 * gi * gi;
        double wi = w.getDouble(i) - rate * (mi / c1) / (Math.sqrt(vi / c2) + eps);
        double scale = Math.abs(m.getDouble(i)) + Math.abs(gi); // m is a sum of terms of either sign
        assertEquals(mi, byVector[1].getDouble(i), tolerance * scale, "m[" + i + "]");
        assertEquals(vi, byVector[2].getDouble(i), tolerance * Math.abs(vi), "v[" + i + "]");
        assertEquals(wi, byVector[0].getDouble(i), tolerance * (Math.abs(w.getDouble(i)) + rate * 10), "w[" + i + "]");
      }
    }
  }

  /** 100,003 elements, split between the cores at multiples of 64: the same bits as one pass over all of them. */
  @Test
  void anUpdateSplitBetweenTheCoresHasTheBitsOfOnePass() {
    int n = 100_003;
    assertTrue(n >= WorkerPool.PARALLEL_ELEMENTS);
    INDArray g = random(DataType.FLOAT, n, 4, 0.1);
    INDArray[] split = {random(DataType.FLOAT, n, 1, 1), random(DataType.FLOAT, n, 2, 0.01),
        Nd4j.math().abs(random(DataType.FLOAT, n, 3, 1e-4))};
    INDArray[] whole = {split[0].dup(), split[1].dup(), split[2].dup()};
    NativeMemoryAdam.update(memory(split[0]), memory(g), memory(split[1]), memory(split[2]), 1e-3, 0.9, 0.999, 1e-8,
        0.271, 0.002997);
    new VectorAdamLoop().floats(memory(whole[0]).bytes, memory(g).bytes, memory(whole[1]).bytes,
        memory(whole[2]).bytes, 0, n, 1e-3f, 0.9f, (float) (1 - 0.9), 0.999f, (float) (1 - 0.999), 1e-8f,
        (float) (1 / 0.271), (float) (1 / 0.002997));
    for (int k = 0; k < 3; k++) {
      float[] a = split[k].toFloatVector();
      float[] b = whole[k].toFloatVector();
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToIntBits(b[i]), Float.floatToIntBits(a[i]), "array " + k + " at " + i);
      }
    }
  }

  @Test
  void momentsOfZeroGradientsDecayToZeroNotIntoSubnormals() {
    INDArray w = Nd4j.createFromArray(0.5f, -0.5f, 0.25f);
    INDArray m = Nd4j.createFromArray(1e-3f, -1e-3f, 0f);
    INDArray v = Nd4j.createFromArray(1e-6f, 1e-6f, 0f);
    INDArray zero = Nd4j.zeros(DataType.FLOAT, 3);
    for (int step = 0; step < 5000; step++) {
      NativeMemoryAdam.update(memory(w), memory(zero), memory(m), memory(v), 1e-3, 0.9, 0.999, 1e-8, 1, 1);
      for (float x : new float[] {m.getFloat(0), m.getFloat(1), v.getFloat(0)}) {
        assertTrue(x == 0 || Math.abs(x) >= Float.MIN_NORMAL, "subnormal moment " + x + " at step " + step);
      }
    }
    assertArrayEquals(new float[] {0, 0, 0}, m.toFloatVector());
  }

  @Test
  void aStridedArrayIsRefused() {
    INDArray matrix = Nd4j.rand(DataType.FLOAT, 4, 4);
    INDArray column = matrix.getColumn(1);
    INDArray other = Nd4j.zeros(DataType.FLOAT, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NativeMemoryAdam.update(memory(column), memory(other), memory(other.dup()), memory(other.dup()), 0.1,
            0.9, 0.999, 1e-8, 1, 1));
    assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("not contiguous"), e.getMessage());
  }
}
